"""Keep the council's edition of the current plan: an immutable PDF with the date of the decision."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from portal.plan import pdf
from portal.plan.models import PlanPage


class Command(BaseCommand):
    help = "Die Beschlussfassung des Rates festhalten: das PDF des Plans, wie er jetzt ist, mit dem Datum des Beschlusses."

    def add_arguments(self, parser):
        parser.add_argument("--decided-on", required=True, help="Datum des Ratsbeschlusses, JJJJ-MM-TT")
        parser.add_argument("--language", default="de", help="Sprache des Plans (de oder en), Standard: de")

    def handle(self, *args, decided_on, language, **options):
        try:
            day = datetime.date.fromisoformat(decided_on)
        except ValueError:
            raise CommandError(f"--decided-on: „{decided_on}“ ist kein Datum der Form JJJJ-MM-TT.") from None
        plan = PlanPage.objects.live().filter(locale__language_code=language).first()
        if plan is None:
            raise CommandError(f"--language: Es gibt keinen veröffentlichten Plan in der Sprache „{language}“.")
        edition = pdf.freeze(plan, day)
        self.stdout.write(f"Beschlussfassung vom {day:%d.%m.%Y} festgehalten: {edition.title} {edition.cycle} ({edition.size} Bytes).")
