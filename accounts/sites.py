from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login


class StaffAdminSite(admin.AdminSite):
    """The admin site signs in through the site's own sign-in page (password, lockout, then the TOTP code).

    Its permission check also wants a verified session whenever two-factor sign-in is required, so the admin
    stays closed even if the middleware that asks for the code were ever removed.
    """

    def has_permission(self, request):
        verified = not settings.OTP_REQUIRED or (
            hasattr(request.user, "is_verified") and request.user.is_verified()
        )
        return super().has_permission(request) and verified

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next") or request.get_full_path())
