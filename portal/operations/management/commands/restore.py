from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Spielt eine Sicherung (manage.py backup) in eine leere Datenbank und leere Ordner zurück; prüft vorher "
        "Prüfsummen und den Migrationsstand und ändert bei einem Fehler nichts."
    )
    requires_system_checks = []  # the target database is empty on purpose

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="die Sicherungsdatei (.tar.gz)")

    def handle(self, *args, file, **options):
        if not file.is_file():
            raise CommandError(f"{file}: Datei nicht gefunden.")
        try:
            manifest = restore_backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Wiederhergestellt: Sicherung vom {manifest['created'][:16].replace('T', ' ')} "
            f"({len(manifest['files'])} Dateien). Danach: manage.py rebuild_search_index, falls Elasticsearch genutzt wird."
        )
