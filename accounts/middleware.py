from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.devices import has_device

# What a signed-in person may reach before entering the code: the two steps themselves, signing out and the
# language switch.
OPEN_BEFORE_SECOND_FACTOR = {"accounts:verify", "accounts:enrol", "logout", "set_language"}


class RequireTwoFactorMiddleware:
    """With OTP_REQUIRED, a password alone opens nothing: every page waits for the TOTP code.

    Staff see full identity numbers, phone numbers and e-mail addresses; a guessed or phished password must
    not be enough. Whoever has no authenticator yet is sent to enrol one first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.OTP_REQUIRED or not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match and request.resolver_match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        step = "accounts:verify" if has_device(user) else "accounts:enrol"
        target = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': target})}" if target else ""
        return redirect(reverse(step) + query)
