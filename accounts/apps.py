from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = _("Akun staf")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by a site that asks for the second factor like every staff page."""

    default = False  # named explicitly in INSTALLED_APPS, in place of django.contrib.admin
    default_site = "accounts.sites.StaffAdminSite"
