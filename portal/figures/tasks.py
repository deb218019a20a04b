"""Background tasks (django-tasks): the database backend in production, inline in tests and the demo."""

from django_tasks import task


@task()
def regenerate_task(regeneration_id: int, publish_when_done: bool = False) -> str:
    """Run a queued regeneration; its outcome is stored on the regeneration itself."""
    from .models import Regeneration
    from .services import run_regeneration

    regeneration = run_regeneration(Regeneration.objects.get(pk=regeneration_id), publish_when_done)
    return regeneration.status
