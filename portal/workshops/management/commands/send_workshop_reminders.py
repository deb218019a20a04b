from django.conf import settings
from django.core.management.base import BaseCommand

from portal.workshops.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Erinnert bestätigte Buchungen einige Tage vor dem Termin per E-Mail (jede Buchung nur einmal). Täglich ausführen."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None,
            help=f"Termine, die in höchstens so vielen Tagen beginnen (Standard: MEP_WORKSHOP_REMINDER_DAYS = {settings.MEP_WORKSHOP_REMINDER_DAYS})",
        )

    def handle(self, *args, days, **options):
        sent = send_due_reminders(days=days)
        self.stdout.write(f"Erinnerungen gesendet: {sent}")
