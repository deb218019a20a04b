from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "portal.search"
    label = "mep_search"
    verbose_name = "Suche"
