from django.core.management.base import BaseCommand, CommandError

from portal.dialogue.housekeeping import run


class Command(BaseCommand):
    help = "Dialog: löscht nie bestätigte Kommentare und fällige E-Mail-Adressen und schickt der Moderation die Tageszusammenfassung."

    def handle(self, *args, **options):
        done = run()
        self.stdout.write(
            "Dialog-Datenpflege: {unconfirmed} unbestätigte Kommentare gelöscht, {erased} E-Mail-Adressen gelöscht, "
            "Zusammenfassung an {digest} Adressen.".format(
                unconfirmed=done["unconfirmed_deleted"], erased=done["emails_erased"], digest=done["digest_sent_to"]
            )
        )
        if None in done.values():
            raise CommandError("Mindestens ein Schritt der Dialog-Datenpflege ist fehlgeschlagen (Einzelheiten im Protokoll).")
