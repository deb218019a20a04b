from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the portal for years: readiness, metrics, request logs, backup and restore."""

    name = "portal.operations"
    label = "operations"
    verbose_name = "Betrieb"

    def ready(self):
        from . import metrics, requestlog  # noqa: F401  (signal receivers)
