"""Background tasks of the plan (django-tasks): the PDF edition, rebuilt after a publish that changes the plan."""

from django_tasks import task


@task()
def build_plan_pdfs_task() -> list[str]:
    """Build the whole plan's PDF of every language whose content changed; returns the content hashes."""
    from .pdf import build_all

    return build_all()
