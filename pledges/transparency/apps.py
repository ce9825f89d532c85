from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "pledges.transparency"
    label = "transparency"
    verbose_name = _("Log transparansi")

    def ready(self):
        # Registered with the Celery app at start, as beat and the on-commit hook name it.
        from pledges.transparency import tasks  # noqa: F401
