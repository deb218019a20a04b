from django.conf import settings
from django.core.management.base import BaseCommand

from portal.workshops.retention import erase_personal_data


class Command(BaseCommand):
    help = "Löscht Name und E-Mail-Adresse von Buchungen, deren Termin länger als die eingestellte Frist zurückliegt. Täglich ausführen."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None,
            help=f"Frist in Tagen nach dem Termin (Standard: MEP_WORKSHOP_ERASURE_DAYS = {settings.MEP_WORKSHOP_ERASURE_DAYS})",
        )

    def handle(self, *args, days, **options):
        erased = erase_personal_data(days=days)
        self.stdout.write(f"Buchungen anonymisiert: {erased}")
