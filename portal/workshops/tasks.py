"""Background tasks (django-tasks) of the workshops: the database backend in production, inline in tests and the demo."""

from django_tasks import task


@task()
def send_booking_mail(booking_id: int, subject: str, template: str, base_url=None, ics=False, with_link=True) -> bool:
    """Send one booking mail; errors are logged by ``deliver``, so the task itself never fails."""
    from .emails import deliver

    return deliver(booking_id, subject, template, base_url=base_url, ics=ics, with_link=with_link)
