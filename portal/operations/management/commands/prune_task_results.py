"""Delete finished task results older than MEP_TASK_RESULTS_KEEP_DAYS (daily: deploy/mep-daily.service, run_periodic)."""

from django.core.management.base import BaseCommand

from portal.operations.management.commands.run_periodic import prune_task_results


class Command(BaseCommand):
    help = "Löscht erledigte Aufgaben der Warteschlange, die älter als MEP_TASK_RESULTS_KEEP_DAYS Tage sind."

    def handle(self, *args, **options):
        prune_task_results()
