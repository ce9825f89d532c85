from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "pledges.transparency"
    label = "transparency"
    verbose_name = _("Log transparansi")
