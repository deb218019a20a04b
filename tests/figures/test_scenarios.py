"""Scenarios in the portal: the planner's admin flow to a published page, and the readers' "Was wäre, wenn …?" form."""

from __future__ import annotations

import shutil

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape

from portal.figures import scenarios
from portal.figures.models import Cycle, Scenario, published_scenarios
from portal.plan.models import ChapterPage
from tests.demo import publish_demo

ADD_URL = "/admin/snippets/figures/scenario/add/"


@pytest.fixture
def planner(db, django_user_model):
    user = django_user_model.objects.create_user("planung", password="x-not-used")
    user.groups.add(Group.objects.get(name="Planung"))
    return user


def fields(**overrides):
    data = {
        "cycle": Cycle.objects.get(slug="2025-2026").pk,
        "name": "Schülergeräte ein Jahr länger nutzen",
        "description": "",
        "price_increase_pct": "",
        "price_base_year": "",
        "useful_life_years": "ipad_pupils = 6",
        "unit_cost_eur": "",
        "device_ratio_pct": "",
    }
    data.update(overrides)
    return data


def test_planner_creates_computes_and_publishes_a_scenario(client, planner, published):
    client.force_login(planner)
    response = client.post(ADD_URL, fields(device_ratio_pct="Förderschule = 90"), follow=True)
    assert response.status_code == 200
    scenario = Scenario.objects.get()
    assert scenario.status == Scenario.DRAFT and not scenario.published
    status_url = f"/admin/planungsdaten/szenario/{scenario.pk}/"
    assert "nicht berechnet" in client.get(status_url).content.decode()

    response = client.post(f"{status_url}berechnen/", follow=True)
    scenario.refresh_from_db()
    assert scenario.status == Scenario.SUCCEEDED, scenario.error
    assert "Fertig" in scenario.progress
    sentence = scenario.result["sentence"]
    assert sentence.startswith("Wenn „iPads Schülerinnen & Schüler“ sechs statt fünf Jahre genutzt werden und das Ziel für Förderschule")
    assert escape(sentence) in response.content.decode()
    # the public page is there only once published
    assert client.get(scenario.get_absolute_url()).status_code == 404

    client.post(f"{status_url}veroeffentlichen/", {"publish": "1"}, follow=True)
    scenario.refresh_from_db()
    assert scenario.published
    page = client.get(scenario.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert escape(sentence) in html
    assert "sechs statt fünf Jahre genutzt werden" in html  # the assumptions in words
    assert html.count('class="figure-block__chart"><svg') == 4  # forecast and product groups, base and scenario side by side
    assert "Unterschiede" in html and "Finanzbedarf im Planungshorizont" in html
    # the sentence's numbers are the downloaded table's
    csv_text = client.get(f"/szenarien/2025-2026/{scenario.slug}.csv").content.decode()
    total = next(line for line in csv_text.splitlines() if line.startswith("finance.total,") and ",total_eur," in line)
    diff = float(total.split(",")[-2])
    from portal.engine.numbers import format_eur

    assert format_eur(abs(diff)) in sentence
    data = client.get(f"/szenarien/2025-2026/{scenario.slug}.json").json()
    assert data["summary"] == sentence
    assert data["changes"] == {"useful_life_years.ipad_pupils": 6, "targets.device_ratio_pct.Förderschule": 90.0}

    # English readers get the sentence and the assumptions in English, with English numbers
    english = client.get("/en" + scenario.get_absolute_url()).content.decode()
    assert "If “iPads Schülerinnen &amp; Schüler” are used for six instead of five years and the target for" in english
    assert "if “iPads Schülerinnen &amp; Schüler” are used for six instead of five years</li>" in english
    assert "Wenn " not in english and "genutzt werden" not in english
    translation.activate("de")  # the English request left English active in this thread

    chapter = ChapterPage.objects.get(number="5.3", locale__language_code="de")
    assert scenario.get_absolute_url() in client.get(chapter.url).content.decode()

    client.post(f"{status_url}veroeffentlichen/", {"publish": "0"})
    assert client.get(scenario.get_absolute_url()).status_code == 404
    assert scenario.get_absolute_url() not in client.get(chapter.url).content.decode()


def test_admin_form_shows_the_engines_messages_at_their_fields(client, planner, published):
    client.force_login(planner)
    response = client.post(
        ADD_URL,
        fields(useful_life_years="ipad_pupils = 0\ntoaster = 3", device_ratio_pct="Kita = 20", price_increase_pct="-150"),
    )
    html = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "ipad_pupils: muss eine ganze Zahl ≥ 1 sein" in html
    assert "toaster: unbekannte Produktgruppe (nicht in catalog.csv)" in html
    assert "Kita: unbekannte Schulform" in html
    assert "price_increase_pct: muss größer als -100 sein" in html
    assert not Scenario.objects.exists()


def test_only_planners_reach_the_scenario_screens(client, editor, published):
    scenario = Scenario.objects.create(cycle=Cycle.objects.get(slug="2025-2026"), name="x")
    client.force_login(editor)
    response = client.post(f"/admin/planungsdaten/szenario/{scenario.pk}/berechnen/")
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's answer to a denied view
    assert Scenario.objects.get().status == Scenario.DRAFT


# --- the readers' form ------------------------------------------------------------


@pytest.fixture
def scenario(published):
    """A published scenario with a small result made by hand: the form needs its data set, not its numbers."""
    cycle = Cycle.objects.get(slug="2025-2026")
    return Scenario.objects.create(
        cycle=cycle,
        name="Preise steigen",
        price_increase_pct=3,
        status=Scenario.SUCCEEDED,
        published=True,
        dataset_version=cycle.versions.get(is_published=True),
        result={"label": "s", "sentence": "Ein Satz.", "assumptions": ["die Preise steigen"], "changes": {}, "rows": []},
    )


def row_count() -> int:
    return sum(model.objects.count() for model in apps.get_models())


@pytest.fixture
def computed(monkeypatch):
    cache.clear()
    calls = []
    real = scenarios._compute_whatif
    monkeypatch.setattr(scenarios, "_compute_whatif", lambda *args: calls.append(args) or real(*args))
    return calls


def test_whatif_form_recomputes_the_forecast_and_caches_it_storing_nothing(client, scenario, computed):
    url = scenario.get_absolute_url()
    page = client.get(url).content.decode()
    assert 'name="life_ipad_pupils"' in page and 'value="5"' in page  # the data set's life as the start
    assert 'name="price_increase_pct"' in page and 'value="3,0"' in page  # the scenario's increase
    rows = row_count()
    query = {"life_ipad_pupils": "6", "price_increase_pct": "2,5"}
    first = client.get(url, query).content.decode()
    assert "Ihre Prognose: insgesamt" in first and len(computed) == 1
    life, pct = computed[0][1], computed[0][2]
    assert life["ipad_pupils"] == 6 and pct == 2.5
    # the same question, written differently (leading zero), is answered from the cache
    second = client.get(url, {"life_ipad_pupils": "06", "price_increase_pct": " 2,5"}).content.decode()
    assert len(computed) == 1
    assert first.split("Ihre Prognose")[1][:200] == second.split("Ihre Prognose")[1][:200]
    assert row_count() == rows
    client.get(url, {"life_ipad_pupils": "7", "price_increase_pct": "2,5"})
    assert len(computed) == 2


def test_whatif_forecast_matches_the_engine(scenario, computed):
    from portal.engine.comparison import FORECAST_KEY
    from portal.engine.compute import compute_figures
    from portal.engine.plugins import get_plugin_manager
    from portal.engine.rendering import without_charts
    from portal.engine.scenario import Scenario as EngineScenario
    from portal.engine.scenario import apply_scenario

    version = scenario.dataset_version
    rows = scenarios.whatif_forecast(version, {"ipad_pupils": 6}, 2.5)
    dataset = apply_scenario(
        scenarios.core_dataset(version),
        EngineScenario(name="x", plan={"price_increase_pct": 2.5}, useful_life_years={"ipad_pupils": 6}),
    )
    with without_charts():
        figure = next(f for _p, f in compute_figures(dataset, get_plugin_manager(only={"finance"})) if f.key == FORECAST_KEY)
    assert [row["total_eur"] for row in rows] == figure.data["total_eur"].tolist()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"life_ipad_pupils": "0", "price_increase_pct": "2"}, "Die Nutzungsdauer muss mindestens 1 Jahr betragen."),
        ({"life_ipad_pupils": "13", "price_increase_pct": "2"}, "Die Nutzungsdauer darf höchstens 12 Jahre betragen."),
        ({"life_ipad_pupils": "sechs", "price_increase_pct": "2"}, "Bitte eine ganze Zahl von Jahren angeben."),
        ({"life_ipad_pupils": "5", "price_increase_pct": "11"}, "Die Preissteigerung darf höchstens 10 % betragen."),
        ({"life_ipad_pupils": "5", "price_increase_pct": "-3"}, "Die Preissteigerung darf nicht unter -2 % liegen."),
        ({"life_ipad_pupils": "5", "price_increase_pct": "viel"}, "Bitte eine Zahl angeben, z. B. 2,5."),
    ],
)
def test_whatif_form_refuses_out_of_bounds_input_in_german(client, scenario, computed, query, message):
    page = client.get(scenario.get_absolute_url(), query).content.decode()
    assert message in page
    assert "Ihre Prognose" not in page
    assert computed == []


def test_whatif_waits_its_turn_and_says_so(client, scenario, computed, monkeypatch):
    monkeypatch.setattr(scenarios, "WHATIF_WAIT_SECONDS", 0.0)
    assert cache.add(scenarios.WHATIF_LOCK, 1, 30)  # another reader's question is being computed
    try:
        page = client.get(scenario.get_absolute_url(), {"life_ipad_pupils": "6", "price_increase_pct": "2"}).content.decode()
    finally:
        cache.delete(scenarios.WHATIF_LOCK)
    assert "Gerade wird eine andere Frage berechnet" in page
    assert computed == []


def test_changed_assumptions_withdraw_the_computed_result(client, planner, scenario):
    client.force_login(planner)
    edit = f"/admin/snippets/figures/scenario/edit/{scenario.pk}/"
    client.post(edit, fields(name=scenario.name, price_increase_pct="3", useful_life_years=""))
    scenario.refresh_from_db()
    assert scenario.published and scenario.status == Scenario.SUCCEEDED  # nothing of substance changed
    client.post(edit, fields(name=scenario.name, price_increase_pct="4", useful_life_years=""))
    scenario.refresh_from_db()
    assert not scenario.published and scenario.status == Scenario.DRAFT and scenario.result == {}
    assert client.get(scenario.get_absolute_url()).status_code == 404


# --- new data for the cycle ----------------------------------------------------------


def newer_data(demo_cache, tmp_path):
    """The demo data set with a price increase of 3 % a year: another data set for the same cycle."""
    folder = shutil.copytree(demo_cache.folder("2025"), tmp_path / "neu")
    plan = folder / "plan.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("price_increase_pct = 0.0", "price_increase_pct = 3.0"), encoding="utf-8")
    return folder


def test_new_data_have_the_cycles_scenarios_computed_again(client, published, demo_cache, tmp_path, django_capture_on_commit_callbacks):
    cycle = Cycle.objects.get(slug="2025-2026")
    shown = scenarios.run(Scenario.objects.create(cycle=cycle, name="Sechs Jahre", useful_life_years="ipad_pupils = 6"))
    scenarios.set_published(shown, True)
    draft = Scenario.objects.create(cycle=cycle, name="Noch nicht berechnet", price_increase_pct=1)
    old, old_csv = shown.dataset_version, shown.result["csv"]
    assert shown.status == Scenario.SUCCEEDED and old == published.dataset_version

    with django_capture_on_commit_callbacks(execute=True):
        newer = publish_demo(demo_cache, "2025-2026", newer_data(demo_cache, tmp_path))
    shown.refresh_from_db()
    draft.refresh_from_db()
    assert newer.dataset_version != old
    assert shown.status == Scenario.SUCCEEDED, shown.error
    assert shown.dataset_version == newer.dataset_version
    assert shown.result["fingerprint"] == newer.dataset_version.fingerprint
    assert shown.result["csv"] != old_csv  # the plan's numbers now rise by 3 % a year, the scenario's with them
    assert draft.status == Scenario.DRAFT  # never computed: nothing to renew
    page = client.get(shown.get_absolute_url()).content.decode()
    assert "Neue Planungsdaten" not in page and "compare__side" in page


def test_a_scenario_on_older_data_says_so_while_it_is_computed_again(client, scenario, demo_cache, tmp_path):
    publish_demo(demo_cache, "2025-2026", newer_data(demo_cache, tmp_path))  # on-commit work never runs in this test
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "mit dem vorherigen Datenstand berechnet" in page
    assert "compare__side" not in page  # no chart of today's plan beside the old result
    Scenario.objects.filter(pk=scenario.pk).update(status=Scenario.QUEUED)
    assert client.get(scenario.get_absolute_url()).status_code == 200
    assert list(published_scenarios()) == [scenario]  # chapter 5.3 keeps its link meanwhile
    scenarios._failed(scenario, "Produktgruppe ipad_pupils fehlt")  # as a failed new run ends
    assert client.get(scenario.get_absolute_url()).status_code == 404
    assert list(published_scenarios()) == []
