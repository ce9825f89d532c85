from django.apps import AppConfig


class NeutralityConfig(AppConfig):
    """The project's own app: system checks, /healthz, backup and restore (nothing about pacts or events)."""

    name = "neutrality"
    verbose_name = "Netralitas"

    def ready(self):
        from neutrality import checks  # noqa: F401 - registers the system checks
