"""Rebuild the site search: the embedded index and, when ELASTICSEARCH_URL is set, the Elasticsearch indexes."""

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Command(BaseCommand):
    help = (
        "Baut den Suchindex neu auf: den eingebauten Index und, wenn ELASTICSEARCH_URL gesetzt ist, "
        "je Sprache einen neuen Elasticsearch-Index, der erst nach vollständigem Aufbau freigeschaltet wird."
    )

    def handle(self, *args, **options):
        from portal.search.backends import elasticsearch_configured, embedded_backend

        embedded_backend().rebuild()
        self.stdout.write("Eingebauter Suchindex neu aufgebaut.")
        if not elasticsearch_configured():
            return
        from elasticsearch import ApiError, TransportError

        from portal.search.backends.elastic import rebuild

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, console=Console(file=self.stderr._out)) as progress:
                created = rebuild(progress)
        except (TransportError, ApiError) as error:
            raise CommandError(
                f"Elasticsearch-Index konnte nicht neu aufgebaut werden ({error}); die bisherigen Indizes bleiben "
                "unverändert in Betrieb. Prüfen Sie ELASTICSEARCH_URL und ob der Dienst erreichbar ist."
            ) from error
        for language, name in created.items():
            self.stdout.write(f"Elasticsearch: Sprache {language} liest jetzt aus {name}.")
