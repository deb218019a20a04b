from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.workshops.retention import erase_personal_data


class Command(BaseCommand):
    help = _(
        "Löscht Name und E-Mail-Adresse von Buchungen, deren Termin länger als die eingestellte Frist zurückliegt "
        "oder die seit der eingestellten Frist storniert, abgesagt oder verfallen sind. Teil von run_housekeeping."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None,
            help=_("Frist in Tagen nach dem Termin (Standard: MEP_WORKSHOP_ERASURE_DAYS = %(days)s)")
            % {"days": settings.MEP_WORKSHOP_ERASURE_DAYS},
        )
        parser.add_argument(
            "--inactive-days", type=int, default=None,
            help=_("Frist in Tagen nach Storno, Absage oder Verfall (Standard: MEP_WORKSHOP_INACTIVE_ERASURE_DAYS = %(days)s)")
            % {"days": settings.MEP_WORKSHOP_INACTIVE_ERASURE_DAYS},
        )

    def handle(self, *args, days, inactive_days, **options):
        erased = erase_personal_data(days=days, inactive_days=inactive_days)
        self.stdout.write(_("Buchungen anonymisiert: %(count)s") % {"count": erased})
