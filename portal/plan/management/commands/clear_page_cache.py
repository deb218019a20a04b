from django.core.management.base import BaseCommand

from portal.plan import generation


class Command(BaseCommand):
    help = (
        "Startet eine neue Inhaltsgeneration: alle zwischengespeicherten Seiten und Seitenteile gelten in allen "
        "Workern sofort als veraltet. Nötig nur nach Änderungen an der Datenbank vorbei am Admin (z. B. update() in einer Shell)."
    )

    def handle(self, *args, **options):
        before = generation.current()
        generation.bump()
        self.stdout.write(f"Seiten-Cache geleert (Generation {before[:8]} → {generation.current()[:8]}).")
