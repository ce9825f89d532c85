from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Pakta integritas")

    def ready(self):
        from pledges import accesslog  # noqa: F401 - connects the sign-in receivers
