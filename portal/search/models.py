from django.db import models


class SearchEntry(models.Model):
    """One document of the embedded search index, with its normalised, stemmed words."""

    key = models.CharField(max_length=300, unique=True)
    owner = models.CharField(max_length=300, db_index=True)  # a page owns its goals and figures
    kind = models.CharField(max_length=20)
    language = models.CharField(max_length=10, db_index=True)
    title = models.CharField(max_length=500)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=1000, blank=True)
    title_terms = models.TextField(blank=True)  # space-separated stems of the title
    terms = models.TextField(blank=True)  # space-separated stems of title and text

    class Meta:
        verbose_name = "Eintrag im Suchindex"
        verbose_name_plural = "Suchindex"

    def __str__(self):
        return self.key


class SearchIndexState(models.Model):
    """A token renewed on every index change, so each process knows when its cached index is stale.

    A random token, not a counter: a rolled-back change restores the previous token, which no
    longer matches what a process cached while the change was visible to it.
    """

    token = models.CharField(max_length=32, blank=True)
