"""The Freigabe's comment for the approval e-mail (Wagtail hands the e-mail no task state of its own)."""

from django import template

register = template.Library()


@register.simple_tag
def release_comment(obj) -> str:
    """The comment left with the last finished task of ``obj``'s latest workflow, or an empty string."""
    states = getattr(obj, "workflow_states", None)
    workflow_state = states.order_by("-created_at").first() if states is not None else None
    if workflow_state is None:
        return ""
    task_state = workflow_state.task_states.filter(finished_at__isnull=False).order_by("-finished_at").first()
    return task_state.comment if task_state else ""


@register.simple_tag
def goal_rows(page, value):
    """(goal of the block, its published snippet or None) for each goal of a "Gesetzte Ziele" block (the PDF)."""
    from portal.plan.goals import tracked_goals

    tracked = tracked_goals(page, value) if page is not None else {}
    return [(goal, tracked.get(index)) for index, goal in enumerate(value["goals"])]
