"""Rebuild the site search: the embedded index and, when ELASTICSEARCH_URL is set, the Elasticsearch indexes."""

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from portal.search.backends import elasticsearch_url, embedded_backend


class Command(BaseCommand):
    help = (
        "Baut den Suchindex neu auf (alle öffentlichen Seiten, Snippets, Workshops, Termine und Abbildungen): "
        "den eingebauten Index und, wenn ELASTICSEARCH_URL gesetzt ist, je Sprache einen neuen "
        "Elasticsearch-Index, der erst nach vollständigem Aufbau freigeschaltet wird."
    )

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0
        with Progress(
            TextColumn("Suchindex"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            disable=quiet,
        ) as progress:
            task = progress.add_task("", total=None)

            def step(doc):
                progress.update(task, advance=1, description=doc.title[:50])

            count = embedded_backend().rebuild(progress=step)
            progress.update(task, total=count, completed=count, description="fertig")
        if not quiet:
            self.stdout.write(f"Suchindex (eingebettet): {count} Dokumente indexiert.")
        if not elasticsearch_url():
            return
        from elasticsearch import ApiError, TransportError

        from portal.search.backends.elastic import rebuild

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, console=Console(file=self.stderr._out), disable=quiet) as progress:
                created = rebuild(progress)
        except (TransportError, ApiError) as error:
            raise CommandError(
                f"Elasticsearch-Index konnte nicht neu aufgebaut werden ({error}); die bisherigen Indizes bleiben "
                "unverändert in Betrieb. Prüfen Sie ELASTICSEARCH_URL und ob der Dienst erreichbar ist."
            ) from error
        for language, name in created.items():
            self.stdout.write(f"Elasticsearch: Sprache {language} liest jetzt aus {name}.")
