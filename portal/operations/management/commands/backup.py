from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sichert das ganze Portal in eine Datei (.tar.gz): Datenbank (PostgreSQL mit pg_dump, SQLite über die "
        "Online-Backup-Schnittstelle), hochgeladene Bilder und Dokumente, die Planungsdatensätze und ein Manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Zieldatei, z. B. /var/backups/mep/mep-2026-11-26.tar.gz")

    def handle(self, *args, file, **options):
        try:
            manifest = create_backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sicherung geschrieben: {file} ({len(manifest['files'])} Dateien, Datenbank {manifest['vendor']}, "
            f"{len(manifest['migrations'])} Migrationen)."
        )
