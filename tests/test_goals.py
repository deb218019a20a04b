"""Goals that report their progress: the snippet, its release and history, "Stand der Ziele", open data."""

import csv
import io
import json
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from portal.plan.goals import Goal, GoalStatusChange, goal_texts, sync_chapter_goals
from portal.plan.models import ChapterPage

pytestmark = pytest.mark.django_db


def _chapter(number="5.3", language="de"):
    return ChapterPage.objects.get(locale__language_code=language, number=number)


def _publish(goal, user=None, **values):
    for key, value in values.items():
        setattr(goal, key, value)
    goal.save_revision(user=user).publish(user=user)
    goal.refresh_from_db()
    return goal


def test_every_goal_of_the_chapters_has_its_snippet_with_the_wording_and_a_first_history_entry():
    chapter = _chapter()
    texts = goal_texts(chapter)
    goals = list(Goal.objects.filter(chapter=chapter).order_by("position"))
    assert [g.text for g in goals] == texts and len(texts) == 3
    assert all(g.live and g.status == "open" for g in goals)
    assert all(g.history.count() == 1 for g in goals)
    assert goals[0].history.get().cycle == "2025–2026"
    assert not Goal.objects.filter(chapter__locale__language_code="en").exists()


def test_the_migration_keeps_a_status_set_in_the_chapter(db):
    from importlib import import_module

    migration = import_module("portal.plan.migrations.0008_goals")
    chapter = _chapter("5.2")
    raw = list(chapter.body.raw_data)
    for block in raw:
        if block["type"] == "goals":
            block["value"]["goals"][1]["value"]["status"] = "achieved"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE plan_chapterpage SET body = %s WHERE page_ptr_id = %s", [json.dumps(raw), chapter.pk])
    Goal.objects.all().delete()
    migration.goals_from_chapters(apps, None)
    statuses = list(Goal.objects.filter(chapter=chapter).order_by("position").values_list("status", flat=True))
    assert statuses == ["open", "achieved", "open"]
    assert Goal.objects.count() == 14
    assert migration._goal_items([{"type": "goals", "value": {"goals": [{"text": "alt", "status": "in_progress"}]}}]) == [
        {"text": "alt", "status": "in_progress"}
    ]


def test_publishing_a_chapter_takes_over_changed_wording_and_new_goals_without_new_revisions():
    chapter = _chapter()
    goal = Goal.objects.get(chapter=chapter, position=1)
    _publish(goal, status="in_progress")
    revisions = goal.revisions.count()
    raw = list(chapter.body.raw_data)
    for block in raw:
        if block["type"] == "goals":
            block["value"]["goals"][0]["value"]["text"] = "Reporting und Forecast aufbauen (neu gefasst)."
            block["value"]["goals"].append({"type": "item", "value": {"text": "Ein neues Ziel."}, "id": "neu"})
    chapter.body = raw
    chapter.save_revision().publish()
    goal.refresh_from_db()
    assert goal.text == "Reporting und Forecast aufbauen (neu gefasst)." and goal.status == "in_progress"
    assert goal.revisions.count() == revisions
    assert Goal.objects.get(chapter=chapter, position=4).text == "Ein neues Ziel."
    sync_chapter_goals(chapter)  # again: nothing doubles
    assert Goal.objects.filter(chapter=chapter).count() == 4


def test_redaktion_changes_a_status_in_the_admin_and_it_shows_only_after_the_freigabe(client, django_user_model):
    editor = django_user_model.objects.create_user("autorin", email="autorin@example.invalid", password="x")
    editor.groups.add(Group.objects.get(name="Redaktion"))
    approver = django_user_model.objects.create_user("amt", email="amt@example.invalid", password="x")
    approver.groups.add(Group.objects.get(name="Freigabe"))
    chapter = _chapter()
    goal = Goal.objects.get(chapter=chapter, position=1)
    revision_before, published_before = chapter.latest_revision_id, chapter.last_published_at

    client.force_login(editor)
    response = client.post(
        f"/admin/snippets/plan/goal/edit/{goal.pk}/",
        {
            "status": "achieved",
            "progress": "100",
            "evidence": "Reporting läuft quartalsweise.",
            "evidence_date": "2026-11-20",
            "link": "https://www.bochum.de/",
            "responsible": "Schulverwaltungsamt",
            "action-submit": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    goal.refresh_from_db()
    assert goal.status == "open"  # live stays as it was until released
    assert goal.current_workflow_state.status == "in_progress"
    client.logout()
    assert "erreicht" not in client.get(reverse("goals_overview") + "?status=achieved").content.decode().split('id="ziele"')[1]

    client.force_login(approver)
    state = goal.current_workflow_task_state
    url = reverse("wagtailsnippets_plan_goal:workflow_action", args=[goal.pk, "approve", state.pk])
    assert client.post(url, {"comment": "Freigegeben."}).status_code in (200, 302)
    goal.refresh_from_db()
    assert (goal.status, goal.progress, goal.responsible) == ("achieved", 100, "Schulverwaltungsamt")
    change = goal.history.order_by("-pk").first()
    assert (change.status, change.previous_status, change.progress, change.date) == ("achieved", "open", 100, timezone.localdate())
    assert change.cycle == "2025–2026" and change.changed_by == editor
    chapter.refresh_from_db()
    assert (chapter.latest_revision_id, chapter.last_published_at) == (revision_before, published_before)  # chapter untouched

    client.logout()
    html = client.get(chapter.url).content.decode()
    doc = BeautifulSoup(html, "html.parser")
    first = doc.select_one(".goals .goal")
    assert "goal--achieved" in first["class"] and "erreicht" in first.get_text() and "100 %" in first.get_text()
    assert doc.select_one('.goals a[href="/ziele/"]') is not None


def test_stand_der_ziele_groups_counts_filters_and_shows_history(client):
    goal = Goal.objects.get(chapter=_chapter("5.1"), position=2)
    _publish(goal, status="in_progress", progress=40, evidence="Ausschreibung läuft.", evidence_date=date(2026, 3, 1))
    _publish(goal, status="achieved", progress=100, evidence="Lizenzen beschafft.", evidence_date=date(2026, 9, 1))
    _publish(Goal.objects.get(chapter=_chapter("5.4"), position=1), status="deferred")

    doc = BeautifulSoup(client.get("/ziele/").content, "html.parser")
    assert doc.h1.get_text() == "Stand der Ziele"
    counts = {row.th.get_text(): row.td.get_text() for row in doc.select(".goals-counts tbody tr")}
    assert counts == {"offen": "12", "in Arbeit": "0", "erreicht": "1", "zurückgestellt": "1"}
    fields = [h.get_text(strip=True) for h in doc.select(".goals-field h3")]
    assert fields[0].startswith("5.1") and len(fields) == 4
    chart = doc.select_one("svg.goals-chart__svg")
    assert chart.title.get_text() == "Ziele je Handlungsfeld nach Stand"
    assert "5.4 Controlling und Evaluation: 3 offen, 1 zurückgestellt." in chart.desc.get_text()
    assert len(chart.select("rect.goals-chart__bar--achieved")) == 1
    table = {r.th.get_text(): [td.get_text() for td in r.select("td")] for r in doc.select(".goals-chart__table tbody tr")}
    assert table["5.1 IT-Infrastruktur und technische Ausstattung"] == ["3", "0", "1", "0", "4"]
    item = doc.select_one(f"#ziel-{goal.pk}")
    history = [li.get_text(" ", strip=True) for li in item.select("details li")]
    assert len(history) == 3
    assert "Zyklus 2025–2026" in history[1] and "in Arbeit" in history[1] and "40 %" in history[1]
    assert "erreicht" in history[2] and "Lizenzen beschafft." in history[2]
    assert doc.select_one("[style]") is None and doc.select_one("main script") is None

    filtered = BeautifulSoup(client.get("/ziele/?status=achieved").content, "html.parser")
    assert [li["id"] for li in filtered.select(".goal-report")] == [f"ziel-{goal.pk}"]
    assert filtered.select_one('select[name="status"] option[selected]')["value"] == "achieved"
    by_field = BeautifulSoup(client.get("/ziele/?feld=controlling-und-evaluation").content, "html.parser")
    assert len(by_field.select(".goal-report")) == 4 and len(by_field.select(".goals-field")) == 1
    wrong = client.get("/ziele/?status=fertig&feld=mond").content.decode()
    assert "Stand „fertig“ gibt es nicht" in wrong and "Handlungsfeld „mond“ gibt es nicht" in wrong
    assert len(BeautifulSoup(wrong, "html.parser").select(".goal-report")) == 14


def test_stand_der_ziele_in_english(client):
    doc = BeautifulSoup(client.get("/en/ziele/").content, "html.parser")
    assert doc.h1.get_text() == "Progress on the goals"
    assert doc.select_one(".goals-counts th[scope=row]").get_text() == "open"
    texts = [p.get_text() for p in doc.select(".goal-report__text")]
    english = goal_texts(_chapter("5.1", "en"))
    assert texts[: len(english)] == english


def test_goals_and_history_as_formula_safe_csv_and_json(client):
    goal = Goal.objects.get(chapter=_chapter("5.2"), position=1)
    _publish(goal, status="in_progress", evidence="=HYPERLINK(\"http://x\")", responsible="@Amt")
    rows = list(csv.DictReader(io.StringIO(client.get("/ziele/ziele.csv").content.decode())))
    assert len(rows) == 14
    row = next(r for r in rows if r["id"] == str(goal.pk))
    assert row["status"] == "in_progress" and row["evidence"].startswith("'=") and row["responsible"] == "'@Amt"
    assert row["field"] == "betrieb-support-und-wartung"
    history = list(csv.DictReader(io.StringIO(client.get("/ziele/verlauf.csv").content.decode())))
    assert len(history) == 15
    change = next(h for h in history if h["goal_id"] == str(goal.pk) and h["status"] == "in_progress")
    assert change["previous_status"] == "open" and change["evidence"].startswith("'=") and change["cycle"] == "2025–2026"
    data = json.loads(client.get("/ziele/ziele.json").content)
    assert next(d for d in data if d["id"] == goal.pk)["evidence"] == "=HYPERLINK(\"http://x\")"
    changes = json.loads(client.get("/ziele/verlauf.json").content)
    assert [c["status"] for c in changes if c["goal_id"] == goal.pk] == ["open", "in_progress"]
    assert GoalStatusChange.objects.count() == 15


def test_goals_in_the_api_match_the_openapi_description(client):
    import jsonschema

    _publish(Goal.objects.first(), status="achieved", progress=100, evidence_date=date(2026, 5, 4))
    spec = client.get("/api/v1/openapi.json").json()
    response = client.get("/api/v1/goals/")
    assert response.status_code == 200
    schema = {**spec["paths"]["/api/v1/goals/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"], "components": spec["components"]}
    jsonschema.validate(response.json(), schema, cls=jsonschema.Draft202012Validator)
    first = response.json()[0]
    assert first["status"] == "achieved" and first["evidence_date"] == "2026-05-04"
    assert [h["status"] for h in first["history"]] == ["open", "achieved"]


def test_open_data_page_links_the_goals(client):
    doc = BeautifulSoup(client.get("/offene-daten/").content, "html.parser")
    for href in ("/ziele/", "/ziele/ziele.csv", "/ziele/verlauf.json", "/api/v1/goals/"):
        assert doc.select_one(f'a[href="{href}"]') is not None, href


def _goal_items(chapter):
    raw = list(chapter.body.raw_data)
    return raw, next(block for block in raw if block["type"] == "goals")["value"]["goals"]


def test_a_goal_the_chapter_drops_stays_on_record_and_the_others_keep_their_own_history(client):
    chapter = _chapter("5.3")
    first, second, third = Goal.objects.filter(chapter=chapter).order_by("position")
    _publish(second, status="deferred", evidence="Zurückgestellt bis 2027.")
    _publish(third, status="in_progress", progress=40)
    raw, items = _goal_items(chapter)
    del items[1]  # the chapter no longer names the second goal: the third moves up
    chapter.body = raw
    chapter.save_revision().publish()

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.retired_on == timezone.localdate() and second.status == "deferred"
    assert [c.status for c in second.history.all()] == ["open", "deferred"]  # its history is kept
    assert (third.position, third.status, third.progress) == (2, "in_progress", 40)  # moved, still itself
    assert [c.status for c in third.history.all()] == ["open", "in_progress"]
    assert Goal.objects.filter(chapter=chapter, retired_on__isnull=True).count() == 2

    # the chapter shows the moved goal's status at its new place
    doc = BeautifulSoup(client.get(chapter.url).content, "html.parser")
    assert [" ".join(g["class"]) for g in doc.select(".goals .goal")][1].count("goal--in_progress") == 1
    # "Stand der Ziele": counted no more, but listed as no longer in the plan, with its history
    page = BeautifulSoup(client.get(reverse("goals_overview")).content, "html.parser")
    retired = page.select_one(".goals-retired")
    assert retired.select_one(f"#{second.anchor}") is not None
    assert "Nicht mehr im Plan seit" in retired.get_text() and "Zurückgestellt bis 2027." in retired.get_text()
    assert page.select_one(f".goals-field #{second.anchor}") is None
    english = BeautifulSoup(client.get("/en/ziele/").content, "html.parser")
    assert english.select_one(f"#{second.anchor} .goal-report__text")["lang"] == "de"  # its last wording, German
    assert "No longer in the plan since" in english.select_one(".goals-retired").get_text()
    translation.activate("de")
    rows = list(csv.DictReader(io.StringIO(client.get("/ziele/ziele.csv").content.decode())))
    assert len(rows) == 14 and next(r for r in rows if r["id"] == str(second.pk))["retired_on"] == timezone.localdate().isoformat()
    assert next(r for r in rows if r["id"] == str(third.pk))["retired_on"] == ""
    api = next(g for g in client.get("/api/v1/goals/").json() if g["id"] == second.pk)
    assert api["retired_on"] == timezone.localdate().isoformat() and [h["status"] for h in api["history"]] == ["open", "deferred"]

    # a later release of the moved goal keeps the place the chapter gave it
    latest = third.get_latest_revision_as_object()
    assert (latest.position, latest.text) == (third.position, third.text)
    _publish(latest, status="achieved", progress=100)
    assert (Goal.objects.get(pk=third.pk).position, Goal.objects.get(pk=third.pk).status) == (2, "achieved")

    # the same wording back in the chapter is a new goal; the record of the old one stays
    raw, items = _goal_items(chapter)
    items.append({"type": "item", "value": {"text": second.text}, "id": "zurueck"})
    chapter.body = raw
    chapter.save_revision().publish()
    assert Goal.objects.filter(chapter=chapter, text=second.text).count() == 2
