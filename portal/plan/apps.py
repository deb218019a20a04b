from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "portal.plan"
    label = "plan"
    verbose_name = "Medienentwicklungsplan"

    def ready(self):
        from . import cache_tables, checks, goals, navigation, page_cache, pdf  # noqa: F401 (checks registers itself)

        goals.connect()

        page_cache.connect()
        navigation.connect()
        cache_tables.connect(self)
        pdf.connect()
