"""Every published figure can explain itself: "Wie entsteht diese Zahl?" on the page, in the API and the JSON (issue 14, point 3)."""

from __future__ import annotations

import hashlib

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Locale

from portal.engine.plugins import get_plugin_manager
from portal.engine.testing import PLAN, write_dataset
from portal.figures import services
from portal.figures.models import Cycle, FigureSnapshot
from portal.plan.models import ChapterPage
from tests.figures.test_open_data import check_against_spec, spec  # noqa: F401 – the OpenAPI fixture
from tests.test_i18n import english_chapter  # noqa: F401 – chapter 5.3 in English

FORECAST = 'figure[data-figure-key="finance.forecast"]'


def chapter(client, language="de"):
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    url = page.url if language == "de" else page.get_translation(Locale.objects.get(language_code=language)).url
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def disclosure(doc, selector=FORECAST):
    details = doc.select_one(f"{selector} details.figure-block__provenance")
    assert details is not None
    return details, {dt.get_text(strip=True): dd for dt, dd in zip(details.select("dt"), details.select("dd"), strict=True)}


# --- stored on regeneration, shown on the page ----------------------------------


def test_published_snapshots_store_their_provenance(published):
    for snapshot in published.snapshots.all():
        assert snapshot.provenance["rule"] and snapshot.provenance["plugin"] == snapshot.plugin, snapshot.key
        assert snapshot.translations["en"]["rule"] and snapshot.translations["en"]["rule"] != snapshot.provenance["rule"]
        assert all(len(t["sha256"]) == 64 and t["rows"] >= 0 for t in snapshot.provenance["tables"]), snapshot.key
    forecast = published.snapshots.get(key="finance.forecast").provenance
    assert [t["table"] for t in forecast["tables"]] == ["inventory", "catalog", "recurring"]
    assert {s["key"] for s in forecast["settings"]} == {"cycle.horizon", "cycle.price_base_year", "cycle.price_increase_pct"}


def test_the_page_says_how_the_number_is_made(client, published):
    doc = chapter(client)
    snapshot = published.snapshots.get(key="finance.forecast")
    version = published.dataset_version
    details, fields = disclosure(doc)
    assert details.summary.get_text(strip=True) == "Wie entsteht diese Zahl?"
    assert list(fields) == [
        "Rechenregel", "Datensatz", "Gelesene Tabellen", "Einstellungen aus plan.toml", "Versionen", "Neuberechnung",
        "Was hat sich geändert?",
    ]
    assert fields["Rechenregel"].get_text(strip=True) == snapshot.provenance["rule"]
    assert "(1 + jährliche Preissteigerung) hoch (Jahr minus Preisbasisjahr)" in fields["Rechenregel"].get_text()
    dataset = fields["Datensatz"].get_text(" ", strip=True)
    assert f"Version {version.pk}" in dataset and snapshot.dataset_fingerprint in dataset
    assert fields["Datensatz"].time["datetime"] == version.created.date().isoformat()
    tables = [li.get_text(" ", strip=True) for li in fields["Gelesene Tabellen"].select("li")]
    inventory = snapshot.provenance["tables"][0]
    assert tables[0].startswith("inventory.csv : ") and inventory["sha256"] in tables[0]
    assert f"{inventory['rows']:,}".replace(",", ".") + " Zeilen" in tables[0]
    settings = [li.get_text(" ", strip=True) for li in fields["Einstellungen aus plan.toml"].select("li")]
    assert "cycle.horizon = 2025–2034" in settings
    versions = fields["Versionen"].get_text(" ", strip=True)
    assert snapshot.engine_version in versions and f"„finance“ {snapshot.plugin_version}" in versions
    assert f"Nr. {published.pk}" in fields["Neuberechnung"].get_text()
    assert "Keine frühere veröffentlichte Neuberechnung" in fields["Was hat sich geändert?"].get_text()
    assert details.find(style=True) is None and details.find("script") is None


def test_english_page_explains_the_number_in_english(client, published, english_chapter):  # noqa: F811
    doc = chapter(client, "en")
    snapshot = published.snapshots.get(key="finance.forecast")
    details, fields = disclosure(doc)
    assert details.summary.get_text(strip=True) == "How is this number made?"
    assert list(fields)[:3] == ["Rule", "Data set", "Tables read"]
    assert fields["Rule"].get_text(strip=True) == snapshot.translations["en"]["rule"]
    assert fields["Rule"].get_text().startswith("For every year of the planning horizon")
    assert " rows" in fields["Tables read"].get_text() and "uploaded on" in fields["Data set"].get_text()
    assert "No earlier published regeneration" in fields["What changed?"].get_text()


def test_a_snapshot_stored_before_provenance_still_renders_what_is_known(client, published):
    for snapshot in published.snapshots.filter(key="finance.forecast"):
        snapshot.translations["en"].pop("rule")
        FigureSnapshot.objects.filter(pk=snapshot.pk).update(provenance={}, translations=snapshot.translations)
    _details, fields = disclosure(chapter(client))
    assert "Herkunft noch nicht gespeichert" in fields["Rechenregel"].get_text()
    assert f"Version {published.dataset_version.pk}" in fields["Datensatz"].get_text()
    assert "Gelesene Tabellen" not in fields and "Planungsmaschine" in fields["Versionen"].get_text()
    snapshot = published.snapshots.get(key="finance.forecast")
    response = client.get("/api/v1/cycles/2025-2026/figures/finance.forecast")
    assert response.status_code == 200
    assert response.json()["provenance"]["rule"] == "" and response.json()["provenance"]["tables"] == []
    assert response.json()["provenance"]["dataset_fingerprint"] == snapshot.dataset_fingerprint


# --- API and JSON download -------------------------------------------------------


def test_api_figure_carries_the_provenance(client, spec, published):  # noqa: F811
    response = client.get("/api/v1/cycles/2025-2026/figures/infrastructure.device_ratio")
    assert response.status_code == 200
    check_against_spec(spec, "/api/v1/cycles/{cycle}/figures/{key}", response)
    snapshot = published.snapshots.get(key="infrastructure.device_ratio")
    provenance = response.json()["provenance"]
    assert provenance["rule"] == snapshot.provenance["rule"] and provenance["rule_en"] == snapshot.translations["en"]["rule"]
    assert provenance["dataset_version"] == published.dataset_version.pk and provenance["regeneration"] == published.pk
    assert provenance["dataset_uploaded"].startswith(published.dataset_version.created.date().isoformat())
    assert provenance["tables"] == snapshot.provenance["tables"]
    assert provenance["settings"][0]["key"] == "targets.device_ratio_pct"
    assert provenance["settings"][0]["value"]["Grundschule"] == snapshot.data[0]["target_pct"]
    assert (provenance["plugin"], provenance["plugin_version"]) == ("infrastructure", snapshot.plugin_version)
    assert provenance["changes"] is None
    download = client.get("/figures/2025-2026/infrastructure.device_ratio.json").json()
    assert download["provenance"] == provenance


# --- what changed between two regenerations -------------------------------------------


@pytest.fixture
def core_fields(monkeypatch):
    """Regenerations compute only the two core fields: the tiny data set has none of the others' tables."""
    pm = get_plugin_manager(only={"finance", "infrastructure"})
    monkeypatch.setattr(services, "get_plugin_manager", lambda only=None: pm)
    return pm


def test_what_changed_since_the_previous_published_regeneration(client, spec, db, tmp_path, core_fields):  # noqa: F811
    cycle = Cycle.objects.get(slug="2025-2026")
    first_data = write_dataset(tmp_path / "first")
    first = services.regenerate(services.import_dataset(cycle, first_data), publish_when_done=True)
    first.refresh_from_db()
    assert first.published and not first.snapshots.get(key="finance.forecast").changes
    # one more iPad stock at S2: 30 instead of 20, replaced in 2026 at 100 €
    second_data = write_dataset(
        tmp_path / "second",
        inventory="""\
        school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years
        S1,ipad,40,2023,,
        S2,ipad,30,2024,,
        S1,net,1,2016,,
        """,
    )
    second = services.regenerate(services.import_dataset(cycle, second_data), publish_when_done=True)
    forecast = second.snapshots.get(key="finance.forecast")
    changes = forecast.changes
    assert changes["previous_regeneration"] == first.pk
    assert (changes["rows_changed"], changes["rows_added"], changes["rows_removed"]) == (1, 0, 0)  # only 2026
    assert changes["tables_changed"] == ["inventory.csv"] and changes["settings_changed"] == []
    numbers = {n["column"]: (n["before"], n["after"]) for n in changes["key_numbers"]}
    assert numbers["investment_eur"] == (11000.0, 12000.0) and numbers["total_eur"] == (11300.0, 12300.0)
    inventory = next(t for t in forecast.provenance["tables"] if t["table"] == "inventory")
    assert inventory["sha256"] == hashlib.sha256((second_data / "inventory.csv").read_bytes()).hexdigest()
    ratio = second.snapshots.get(key="infrastructure.device_ratio").changes
    assert ratio["rows_changed"] == 1 and {n["column"] for n in ratio["key_numbers"]} >= {"pupil_devices", "missing_devices"}
    equipment = second.snapshots.get(key="infrastructure.equipment").changes
    assert equipment["rows_changed"] == 1 and not equipment["unchanged"]

    _details, fields = disclosure(chapter(client))
    text = fields["Was hat sich geändert?"].get_text(" ", strip=True)
    assert text.startswith(f"Gegenüber der Neuberechnung {first.pk}: 1 Zeile geändert, 0 neu und 0 entfallen.")
    assert "Investitionen (€) (Summe) jetzt 12.000 statt 11.000." in text
    assert "Geänderte Eingabetabellen: inventory.csv." in text

    response = client.get("/api/v1/cycles/2025-2026/figures/finance.forecast")
    check_against_spec(spec, "/api/v1/cycles/{cycle}/figures/{key}", response)
    api_changes = response.json()["provenance"]["changes"]
    assert api_changes["text"] == text and api_changes["text_en"].startswith(f"Since regeneration {first.pk}: 1 row changed")
    assert api_changes["tables_changed"] == ["inventory.csv"]


def test_a_changed_setting_is_named(client, db, tmp_path, core_fields):
    cycle = Cycle.objects.get(slug="2025-2026")
    services.regenerate(services.import_dataset(cycle, write_dataset(tmp_path / "first")), publish_when_done=True)
    raised = PLAN.replace("price_increase_pct = 0.0", "price_increase_pct = 2.5")
    second = services.regenerate(services.import_dataset(cycle, write_dataset(tmp_path / "second", plan=raised)), publish_when_done=True)
    changes = second.snapshots.get(key="finance.forecast").changes
    assert changes["settings_changed"] == [{"key": "cycle.price_increase_pct", "before": 0.0, "after": 2.5}]
    assert changes["tables_changed"] == []
    unchanged = second.snapshots.get(key="infrastructure.device_ratio").changes
    assert unchanged["unchanged"] and unchanged["rows_changed"] == 0
    _details, fields = disclosure(chapter(client))
    assert "Einstellung cycle.price_increase_pct jetzt 2,5 statt 0." in fields["Was hat sich geändert?"].get_text()
