"""The plan's goals in the open-data API (/api/v1/goals/), next to the figures: status, progress, evidence, history."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from portal.figures.api import api

from .goal_views import goal_records


class GoalChangeOut(Schema):
    cycle: str
    date: date
    status: str
    previous_status: str
    progress_percent: int | None
    evidence: str


class GoalOut(Schema):
    id: int
    field: str
    field_title: str
    position: int
    goal: str
    status: str
    progress_percent: int | None
    evidence: str
    evidence_date: date | None
    link: str
    responsible: str
    retired_on: date | None = Field(None, description="Tag, seit dem der Plan das Ziel nicht mehr nennt; sonst null")
    history: list[GoalChangeOut]


@api.get(
    "/goals/",
    response=list[GoalOut],
    url_name="goals",
    summary="Alle Ziele des Plans mit Stand, Nachweis und Verlauf",
    description=(
        "Stand: offen (open), in Arbeit (in_progress), erreicht (achieved), zurückgestellt (deferred). "
        "Ziele, die der Plan nicht mehr nennt, folgen am Ende mit retired_on und ihrem Verlauf."
    ),
)
def goals(request):
    return goal_records()
