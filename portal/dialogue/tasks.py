"""Background tasks (django-tasks) of the dialogue: mails to authors, by the worker in production, inline in tests and the demo."""

from django_tasks import task


@task()
def send_comment_mail(comment_id: int, template: str, base_url=None) -> bool:
    """Send one mail about a comment in its language; errors are logged by ``deliver``, so the task never fails."""
    from .emails import deliver

    return deliver(comment_id, template, base_url=base_url)
