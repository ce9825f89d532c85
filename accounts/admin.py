"""Administrators unlock an account that django-axes locked, and reset a lost authenticator app."""

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

User = get_user_model()


@admin.action(description=_("Buka kunci masuk (setelah terlalu banyak kata sandi salah)"))
def unlock_sign_in(modeladmin, request, queryset):
    count = sum(axes_reset(username=user.get_username()) for user in queryset)
    messages.success(
        request,
        ngettext("%(count)d catatan gagal masuk dihapus.", "%(count)d catatan gagal masuk dihapus.", count)
        % {"count": count},
    )


@admin.action(description=_("Atur ulang aplikasi autentikator (ponsel hilang atau diganti)"))
def reset_authenticator(modeladmin, request, queryset):
    TOTPDevice.objects.filter(user__in=queryset).delete()
    messages.success(request, _("Pada masuk berikutnya, akun terpilih memasang aplikasi autentikator lagi."))


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = [unlock_sign_in, reset_authenticator]
