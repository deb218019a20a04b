"""The portal's clock for `make serve` and the Procfile: scheduled publishing and the daily housekeeping (workshops, dialogue).

In production systemd timers do this (deploy/mep-scheduled.timer, deploy/mep-daily.timer); this command is
the same work for a process manager without timers. It stops cleanly on SIGTERM or SIGINT.
"""

import signal
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Veröffentlicht geplante Seiten (alle --interval Sekunden) und führt einmal täglich die Datenpflege aus."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=300, help="Sekunden zwischen zwei publish_scheduled (Standard 300)")
        parser.add_argument("--once", action="store_true", help="jede Aufgabe einmal ausführen und beenden")

    def handle(self, *args, interval, once, **options):
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        last_daily = None
        while not stopping:
            call_command("publish_scheduled", verbosity=0)
            if last_daily is None or time.monotonic() - last_daily >= 24 * 60 * 60:
                try:
                    call_command("run_housekeeping", stdout=self.stdout)
                except Exception as exc:  # logged; the clock keeps running
                    self.stderr.write(f"Datenpflege fehlgeschlagen: {exc}")
                try:
                    call_command("dialogue_housekeeping", stdout=self.stdout)
                except Exception as exc:
                    self.stderr.write(f"Dialog-Datenpflege fehlgeschlagen: {exc}")
                try:
                    prune_task_results()
                except Exception as exc:
                    self.stderr.write(f"Aufräumen der Warteschlange fehlgeschlagen: {exc}")
                last_daily = time.monotonic()
            if once:
                break
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.5)
        self.stdout.write("Zeitsteuerung beendet.")


def prune_task_results() -> None:
    """Delete finished results of the database task queue older than MEP_TASK_RESULTS_KEEP_DAYS (django-tasks-db's
    own command); tasks still waiting or running are kept. Nothing to do when tasks run at once (no queue)."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return
    call_command("prune_db_task_results", queue_name="*", min_age_days=settings.MEP_TASK_RESULTS_KEEP_DAYS, verbosity=0)
