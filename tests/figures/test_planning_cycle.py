"""The planner's cycle without a wrong click: data that fits its cycle, a preview before publishing, a way back."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import ModelLogEntry

from portal.engine.i18n import engine_translator
from portal.figures import services
from portal.figures.models import Cycle, DataSetVersion, FigureSnapshot, Regeneration, published_snapshot
from portal.plan import generation
from tests.demo import CYCLE_VARIANTS, publish_demo
from tests.figures.conftest import zip_folder

URL = "/admin/planungsdaten/"
SNAPSHOT_FIELDS = [f.name for f in FigureSnapshot._meta.fields if f.name not in ("id", "regeneration")]


@pytest.fixture
def planner(db, django_user_model):
    user = django_user_model.objects.create_user("planung", password="x-not-used", first_name="Petra", last_name="Plan")
    user.groups.add(Group.objects.get(name="Planung"))
    return user


@pytest.fixture
def cycle(db):
    return Cycle.objects.get(name="2025–2026")


def plan(name="2025–2026", horizon=(2025, 2034), baseline=dt.date(2024, 12, 31)):
    return {"cycle": {"name": name, "horizon": list(horizon), "baseline": baseline}}


# --- 5: data that belongs to its cycle -----------------------------------------------------


def test_plan_that_fits_its_cycle_has_no_mismatch(cycle):
    assert services.cycle_mismatches(cycle, plan()) == []
    assert services.cycle_mismatches(cycle, plan(name="2025–2026 (Beispieldaten)", horizon=(2025, 2026))) == []
    assert services.cycle_mismatches(cycle, plan(name="2025-2026")) == []  # a hyphen for the dash
    assert services.cycle_mismatches(cycle, plan(name="Testzyklus")) == []  # a name without years says nothing


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        ({"name": "2027–2028"}, "plan.toml: [cycle] name = „2027–2028“ gehört nicht zum Zyklus 2025–2026"),
        ({"name": "Fortschreibung 2025"}, "name = „Fortschreibung 2025“ gehört nicht zum Zyklus 2025–2026"),
        ({"name": "2026–2027"}, "erwartet wird ein Name mit den Jahren 2025–2026"),
        ({"horizon": (2027, 2036)}, "horizon = [2027, 2036] passt nicht zum Zyklus 2025–2026; der Planungshorizont muss mit 2025 beginnen"),
        ({"horizon": (2025, 2025)}, "horizon = [2025, 2025] passt nicht zum Zyklus 2025–2026"),
        ({"baseline": dt.date(2026, 12, 31)}, "baseline = 2026-12-31 passt nicht zum Zyklus 2025–2026; der Stichtag des Bestands liegt im Jahr vor dem Zyklus, also 2024"),
    ],
)
def test_each_part_of_the_cycle_that_does_not_fit_is_named(cycle, changed, expected):
    problems = services.cycle_mismatches(cycle, plan(**changed))
    assert len(problems) == 1
    assert problems[0].startswith("plan.toml: [cycle] ") and expected in problems[0]


def test_the_issues_case_data_of_2027_2028_is_not_taken_for_2029_2030(client, planner, demo_2027_folder, tmp_path):
    later = Cycle.objects.create(name="2029–2030", start_year=2029, end_year=2030)
    client.force_login(planner)
    archive = zip_folder(demo_2027_folder, tmp_path / "daten.zip")
    response = client.post(URL, {"cycle": later.pk, "file": SimpleUploadedFile("daten.zip", archive.read_bytes())}, follow=True)
    html = response.content.decode()
    version = DataSetVersion.objects.get()
    assert version.status == DataSetVersion.MISMATCH
    assert "passt nicht zum Zyklus 2029–2030 und wurde nicht übernommen" in html
    assert len(version.problems) == 3  # name, horizon, baseline
    doc = BeautifulSoup(html, "html.parser")
    alert = doc.select_one('[role="alert"]')
    assert [li.get_text() for li in alert.select("li")] == version.problems
    assert "name = „2027–2028 (Beispieldaten)“" in version.problems[0]
    # nothing can be computed from it, nothing is published
    assert not doc.select(f'form[action="{URL}version/{version.pk}/berechnen/"]')
    assert client.post(f"{URL}version/{version.pk}/berechnen/").status_code == 404
    with pytest.raises(ValueError):
        services.create_regeneration(version)
    assert later.published_regeneration() is None and not Regeneration.objects.exists()
    # and the cycle's own settings are not overwritten by the other cycle's plan.toml
    later.refresh_from_db()
    assert later.plan_toml == ""


def test_a_planner_who_means_it_accepts_a_mismatch_explicitly_and_it_is_logged(client, planner, cycle, demo_2027_folder):
    version = services.import_dataset(cycle, demo_2027_folder)
    assert version.status == DataSetVersion.MISMATCH and version.file  # kept for the confirmation
    client.force_login(planner)
    accept = f"{URL}version/{version.pk}/trotzdem-uebernehmen/"
    form = BeautifulSoup(client.get(URL).content, "html.parser").select_one(f'form[action="{accept}"]')
    checkbox = form.select_one('input[type="checkbox"][name="confirmed"]')
    assert form.select_one(f'label[for="{checkbox["id"]}"]').get_text().startswith("Diese Daten gehören trotz der Abweichungen")
    response = client.post(accept, follow=True)  # the box not ticked
    assert "Bitte bestätigen Sie ausdrücklich" in response.content.decode()
    version.refresh_from_db()
    assert version.status == DataSetVersion.MISMATCH
    assert not ModelLogEntry.objects.filter(action="figures.accept_mismatch").exists()
    before = timezone.now()
    response = client.post(accept, {"confirmed": "1"}, follow=True)
    assert "Ihre Bestätigung ist protokolliert" in response.content.decode()
    version.refresh_from_db()
    assert version.status == DataSetVersion.VALIDATED
    entry = ModelLogEntry.objects.get(action="figures.accept_mismatch")
    assert entry.user == planner and entry.timestamp >= before and entry.object_id == str(version.pk)
    assert entry.data["mismatches"] == version.problems and entry.data["cycle"] == "2025–2026"
    log = BeautifulSoup(response.content, "html.parser").select_one(f'[data-cycle="{cycle.slug}"] .planning-log')
    assert "Datensatz trotz Abweichung vom Zyklus übernommen – Petra Plan" in log.get_text()


def test_command_refuses_a_mismatch_unless_told(cycle, demo_2027_folder):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="passt nicht zum Zyklus 2025–2026"):
        call_command("import_dataset", "2025-2026", str(demo_2027_folder))
    assert DataSetVersion.objects.get().status == DataSetVersion.MISMATCH
    call_command("import_dataset", "2025-2026", str(demo_2027_folder), "--accept-mismatch")
    assert DataSetVersion.objects.get().status == DataSetVersion.VALIDATED
    assert ModelLogEntry.objects.filter(action="figures.accept_mismatch", user=None).count() == 1


# --- 6: preview, confirm, roll back --------------------------------------------------------


def stored_regeneration(demo_cache, cycle, factor: float) -> Regeneration:
    """A succeeded, unpublished regeneration of the cycle's demo data whose money is ``factor`` times as much."""
    version = cycle.versions.get(is_published=True)
    results, versions = demo_cache.figures(CYCLE_VARIANTS[cycle.slug])
    regeneration = services.create_regeneration(version)
    FigureSnapshot.objects.bulk_create(
        services._snapshot(regeneration, plugin, figure, versions.get(plugin, ""), version.fingerprint)
        for plugin, figure in results
    )
    for key in ("finance.total", "finance.forecast"):
        snapshot = regeneration.snapshots.get(key=key)
        snapshot.data = [
            {k: round(v * factor, 2) if k.endswith("_eur") else v for k, v in row.items()} for row in snapshot.data
        ]
        snapshot.save(update_fields=["data"])
    now = timezone.now()
    Regeneration.objects.filter(pk=regeneration.pk).update(status=Regeneration.SUCCEEDED, started=now, finished=now)
    regeneration.refresh_from_db()
    return regeneration


def test_preview_shows_key_numbers_and_differences_then_publishes_only_when_confirmed(client, planner, demo_cache, cycle):
    published = publish_demo(demo_cache, "2025-2026")
    fresh = stored_regeneration(demo_cache, cycle, 1.015)
    client.force_login(planner)
    index = BeautifulSoup(client.get(URL).content, "html.parser")
    link = index.select_one(f'[data-regeneration="{fresh.pk}"] a[href="{URL}berechnung/{fresh.pk}/vorschau/"]')
    assert link.get_text(" ", strip=True).startswith("Vorschau und veröffentlichen")
    doc = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    old = published.snapshots.get(key="finance.total").data[0]["total_eur"]
    new = fresh.snapshots.get(key="finance.total").data[0]["total_eur"]
    tr = engine_translator("de")
    assert tr.amount(old) == "78,9 Mio. €"  # the demo data's need 2025–2034, as the issue quotes it
    numbers = [li.get_text() for li in doc.select(".key-numbers li")]
    expected = f"Finanzbedarf im Planungshorizont – Gesamt (€) 2025–2034: 78,9 Mio. € → {tr.amount(new)} (+1,5 %)"
    assert expected in numbers
    assert "Finanzbedarf im Planungshorizont – Erstes Jahr" not in " ".join(numbers)  # years are not key numbers
    changed = [d["data-figure-key"] for d in doc.select("details.planning-preview__figure.changed")]
    assert sorted(changed) == ["finance.forecast", "finance.total"]
    forecast = doc.select_one('details[data-figure-key="finance.forecast"]')
    assert forecast.has_attr("open") and "10 Zeilen geändert" in forecast.select_one(".figure-changes").get_text()
    assert len(forecast.select("figure svg")) == 2  # published and regenerated side by side
    unchanged = doc.select_one('details[data-figure-key="finance.product_groups"]')
    assert "unverändert" in unchanged.summary.get_text() and not unchanged.has_attr("open")
    summary = doc.select_one(".preview-summary").get_text()
    assert summary.startswith("2 von ") and summary.endswith("Abbildungen ändern sich.")
    # confirmation is required, and the publication is logged with who and when
    form = doc.select_one("form.planning-preview__confirm")
    assert form["action"] == f"{URL}berechnung/{fresh.pk}/veroeffentlichen/"
    assert form.select_one("#confirm-publish")["name"] == "confirmed"
    client.post(form["action"])
    assert cycle.published_regeneration() == published
    response = client.post(form["action"], {"confirmed": "1"}, follow=True)
    assert "sind veröffentlicht" in response.content.decode()
    assert cycle.published_regeneration() == fresh
    entry = ModelLogEntry.objects.get(action="figures.publish", object_id=str(fresh.pk))
    assert entry.user == planner and entry.data["cycle"] == "2025–2026"


def published_figures(cycle) -> dict:
    regeneration = cycle.published_regeneration()
    return {
        snapshot["key"]: snapshot
        for snapshot in FigureSnapshot.objects.filter(regeneration=regeneration).values(*SNAPSHOT_FIELDS)
    }


def test_restoring_brings_back_exactly_the_previous_figures_logged_and_uncached(client, planner, demo_cache, cycle):
    first = publish_demo(demo_cache, "2025-2026")
    readers_saw = published_figures(cycle)
    second = services.publish(stored_regeneration(demo_cache, cycle, 1.2))
    assert published_figures(cycle) != readers_saw
    assert published_snapshot(cycle, "finance.total").data != readers_saw["finance.total"]["data"]
    client.force_login(planner)
    index = BeautifulSoup(client.get(URL).content, "html.parser")
    form = index.select_one(f'[data-cycle="{cycle.slug}"] form.restore-form')
    assert form.button.get_text() == "Vorherige Fassung wiederherstellen"
    assert f"Neuberechnung {first.pk}" in form.get_text()
    token = generation.current()
    response = client.post(form["action"], follow=True)
    assert "Die vorherige Fassung des Zyklus 2025–2026 ist wiederhergestellt" in response.content.decode()
    assert cycle.published_regeneration() == first
    assert published_figures(cycle) == readers_saw  # every field of every figure, svg and CSV included
    assert list(cycle.versions.filter(is_published=True)) == [first.dataset_version]
    assert generation.current() != token  # cached pages are unreachable: readers see the restored figures at once
    entry = ModelLogEntry.objects.get(action="figures.restore")
    assert entry.user == planner and entry.object_id == str(first.pk) and entry.data["replaced"] == second.pk
    assert "Vorherige Fassung der Abbildungen wiederhergestellt – Petra Plan" in BeautifulSoup(
        response.content, "html.parser"
    ).select_one(f'[data-cycle="{cycle.slug}"] .planning-log').get_text()
    # one more click brings the newer one back
    services.restore_previous(cycle, user=planner)
    assert cycle.published_regeneration() == second


def test_nothing_to_restore_says_so(client, planner, cycle, demo_cache):
    publish_demo(demo_cache, "2025-2026")
    client.force_login(planner)
    assert not BeautifulSoup(client.get(URL).content, "html.parser").select(f'[data-cycle="{cycle.slug}"] form.restore-form')
    response = client.post(f"{URL}zyklus/{cycle.pk}/wiederherstellen/", follow=True)
    assert "keine frühere veröffentlichte Fassung" in response.content.decode()
