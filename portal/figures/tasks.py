"""Background tasks (django-tasks): the database backend in production, inline in tests and the demo."""

from django_tasks import task


@task()
def validate_task(version_id: int) -> int:
    """Check an uploaded data set; returns the pk of the version that holds it (an earlier one if it is the same data)."""
    from .models import DataSetVersion
    from .services import validate_version

    return validate_version(DataSetVersion.objects.get(pk=version_id)).pk


@task()
def regenerate_task(regeneration_id: int, publish_when_done: bool = False) -> str:
    """Run a queued regeneration; its outcome is stored on the regeneration itself."""
    from .models import Regeneration
    from .services import run_regeneration

    regeneration = run_regeneration(Regeneration.objects.get(pk=regeneration_id), publish_when_done)
    return regeneration.status


@task()
def scenario_task(scenario_id: int) -> str:
    """Compute a scenario against its cycle's published data set; the outcome is stored on the scenario."""
    from .models import Scenario
    from .scenarios import run

    return run(Scenario.objects.get(pk=scenario_id)).status
