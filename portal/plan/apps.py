from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "portal.plan"
    label = "plan"
    verbose_name = "Medienentwicklungsplan"

    def ready(self):
        from . import cache_tables, navigation, page_cache

        page_cache.connect()
        navigation.connect()
        cache_tables.connect(self)
