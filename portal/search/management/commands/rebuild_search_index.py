from django.core.management.base import BaseCommand
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from portal.search.backends import embedded_backend


class Command(BaseCommand):
    help = "Baut den Suchindex neu auf: alle öffentlichen Seiten, Snippets, Workshops, Termine und Abbildungen."

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
