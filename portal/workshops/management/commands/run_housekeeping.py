from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.workshops.housekeeping import run_housekeeping


class Command(BaseCommand):
    help = _(
        "Workshop-Datenpflege jetzt ausführen: unbestätigte Buchungen verfallen lassen, fällige Personendaten löschen, "
        "fällige Erinnerungen senden. Läuft auch von selbst (MEP_HOUSEKEEPING_INTERVAL_MINUTES); für cron oder systemd."
    )

    def handle(self, *args, **options):
        run = run_housekeeping()
        self.stdout.write(
            _("Verfallen: %(lapsed)s, Personendaten gelöscht: %(erased)s, Erinnerungen gesendet: %(reminders)s")
            % {"lapsed": run.lapsed, "erased": run.erased, "reminders": run.reminders}
        )
        if run.error:
            # A non-zero exit, so that cron or systemd report it.
            raise CommandError(_("Fehlgeschlagen: %(error)s (Einzelheiten im Protokoll)") % {"error": run.error})
