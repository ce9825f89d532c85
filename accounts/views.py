"""The second step of signing in (the TOTP code), enrolling an authenticator app, and changing a password."""

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import devices
from accounts.forms import TOKEN_WRONG, TokenForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return str(reverse_lazy("events:landing"))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Step two of signing in: the current code from the staff member's authenticator app."""
    if not devices.has_device(request.user):
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if devices.session_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", TOKEN_WRONG)
    status = 400 if form.errors else 200
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up the authenticator app: scan the QR code (or type the secret), then confirm with one code.

    Replacing an app that is already set up needs a session verified with it, so a password alone cannot
    swap in the attacker's phone.
    """
    if devices.has_device(request.user) and not request.user.is_verified():
        return redirect("accounts:verify")
    device = devices.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if devices.device_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            messages.success(request, _("Aplikasi autentikator terpasang. Masuk berikutnya meminta kodenya."))
            return redirect(_next(request))
        form.add_error("token", TOKEN_WRONG)
    context = {
        "form": form,
        "next": _next(request),
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=5, border=2),
        "secret": devices.secret_for_typing(device),
    }
    return render(request, "accounts/enrol.html", context, status=400 if form.errors else 200)


class RefusedFormIs400:
    """A refused submission answers 400 like any bad input, not Django's 200."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(RefusedFormIs400, auth_views.LoginView):
    """Step one of signing in; django-axes counts the failures."""


class PasswordChangeView(RefusedFormIs400, auth_views.PasswordChangeView):
    """Django's own password change, in the site's look; every signed-in role may use it."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
