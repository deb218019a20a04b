import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Legt beim ersten Start ein Admin-Konto mit zufälligem Passwort an und zeigt das Passwort einmal an."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("Admin-Konto besteht bereits; das Passwort wird nicht erneut angezeigt.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        line = "=" * 60
        self.stdout.write(
            f"{line}\nAdmin-Konto angelegt (wird nur jetzt angezeigt):\n"
            f"  Adresse:  http://127.0.0.1:8000/admin/\n"
            f"  Benutzer: {username}\n  Passwort: {password}\n{line}"
        )
