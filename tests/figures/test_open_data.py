"""Open data: a page lists every published figure with CSV and JSON; a read-only API described by OpenAPI."""

from __future__ import annotations

import json

import jsonschema
import pytest
from bs4 import BeautifulSoup

from portal.figures.api import api
from portal.figures.models import FigureSnapshot

API_PATHS = {"/api/v1/cycles/", "/api/v1/cycles/{cycle}/figures/", "/api/v1/cycles/{cycle}/figures/{key}", "/api/v1/goals/"}


@pytest.fixture
def spec(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def check_against_spec(spec, path, response):
    """The response's body is valid against the schema the description gives for its path and status."""
    operation = spec["paths"][path]["get"]
    described = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    schema = {**described, "components": spec["components"]}
    jsonschema.validate(response.json(), schema, cls=jsonschema.Draft202012Validator)


def test_openapi_description_lists_every_endpoint(spec):
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"].startswith("Medienentwicklungsplan")
    assert set(spec["paths"]) == API_PATHS
    served = {"/api/v1/" + str(p.pattern) for p in api.urls[0] if p.name not in {"openapi-json", "api-root"}}
    assert {path.replace("<cycle>", "{cycle}").replace("<key>", "{key}") for path in served} == API_PATHS
    for path in API_PATHS:
        assert set(spec["paths"][path]) == {"get"}, "die Schnittstelle ist nur lesend"
    jsonschema.Draft202012Validator.check_schema({"components": spec["components"]})


def test_cycles_match_the_description(client, spec, published):
    response = client.get("/api/v1/cycles/")
    assert response.status_code == 200
    check_against_spec(spec, "/api/v1/cycles/", response)
    cycles = {cycle["slug"]: cycle for cycle in response.json()}
    assert list(cycles) == ["2019-2024", "2025-2026", "2027-2028"]
    assert cycles["2025-2026"]["current"] and cycles["2025-2026"]["published"]
    assert not cycles["2027-2028"]["published"]
    assert cycles["2025-2026"]["figures_url"] == "/api/v1/cycles/2025-2026/figures/"


def test_figures_of_a_cycle_match_the_description(client, spec, published):
    response = client.get("/api/v1/cycles/2025-2026/figures/")
    assert response.status_code == 200
    check_against_spec(spec, "/api/v1/cycles/{cycle}/figures/", response)
    body = response.json()
    assert body["synthetic"] is True and body["cycle_name"] == "2025–2026"
    keys = [figure["key"] for figure in body["figures"]]
    assert keys == sorted(published.snapshots.values_list("key", flat=True))
    forecast = next(figure for figure in body["figures"] if figure["key"] == "finance.forecast")
    assert forecast["url"] == "/api/v1/cycles/2025-2026/figures/finance.forecast"
    assert client.get(forecast["url"]).status_code == 200
    assert client.get(forecast["csv_url"]).status_code == 200


def test_figure_by_key_and_cycle_matches_the_description(client, spec, published):
    response = client.get("/api/v1/cycles/2025-2026/figures/finance.forecast")
    assert response.status_code == 200
    check_against_spec(spec, "/api/v1/cycles/{cycle}/figures/{key}", response)
    body = response.json()
    snapshot = published.snapshots.get(key="finance.forecast")
    assert body["data"] == snapshot.data
    assert body["columns"][1] == {"name": "investment_eur", "label": "Investitionen (€)"}
    assert body["summary"] == snapshot.summary and body["kind"] == "chart"
    assert body["synthetic"] is True
    assert body["stand"] == published.finished.date().isoformat()
    assert body["dataset_fingerprint"] == published.dataset_version.fingerprint
    assert body["engine_version"] and body["plugin"] == "finance" and body["plugin_version"]


@pytest.mark.parametrize(
    "path, template",
    [
        ("/api/v1/cycles/2027-2028/figures/", "/api/v1/cycles/{cycle}/figures/"),
        ("/api/v1/cycles/1999-2000/figures/", "/api/v1/cycles/{cycle}/figures/"),
        ("/api/v1/cycles/2025-2026/figures/finance.nothing", "/api/v1/cycles/{cycle}/figures/{key}"),
        ("/api/v1/cycles/2027-2028/figures/finance.forecast", "/api/v1/cycles/{cycle}/figures/{key}"),
    ],
)
def test_unpublished_is_404_as_described(client, spec, published, path, template):
    response = client.get(path)
    assert response.status_code == 404
    check_against_spec(spec, template, response)


def test_api_is_read_only(client, published):
    assert client.get("/api/v1/").status_code == 404  # nothing undescribed
    assert client.post("/api/v1/cycles/", data="{}", content_type="application/json").status_code == 405
    assert client.delete("/api/v1/cycles/2025-2026/figures/finance.forecast").status_code == 405


def test_open_data_page_lists_every_published_figure_with_csv_and_json(client, published):
    response = client.get("/offene-daten/")
    assert response.status_code == 200
    doc = BeautifulSoup(response.content, "html.parser")
    assert doc.h1.get_text() == "Offene Daten"
    rows = doc.select('section[aria-labelledby="zyklus-2025-2026"] tbody tr')
    snapshots = FigureSnapshot.objects.filter(regeneration=published)
    assert sorted(row["data-figure-key"] for row in rows) == sorted(s.key for s in snapshots)
    for row in rows:
        links = [a["href"] for a in row.select("a")]
        key = row["data-figure-key"]
        assert links == [f"/tabellen/2025-2026/{key}.xlsx", f"/figures/2025-2026/{key}.csv", f"/figures/2025-2026/{key}.json"]
    download = client.get(links[2])
    assert download.status_code == 200 and json.loads(download.content)["key"] == key
    forecast = doc.select_one('tr[data-figure-key="finance.forecast"] td').get_text(" ", strip=True)
    assert forecast.startswith("Jahr ( year ), Investitionen (€) ( investment_eur )")
    assert doc.select_one('a[href="/api/v1/openapi.json"]') is not None


def test_footer_links_to_open_data(client, db):
    doc = BeautifulSoup(client.get("/").content, "html.parser")
    assert doc.select_one('footer a[href="/offene-daten/"]').get_text() == "Offene Daten"


def test_open_data_page_without_published_figures_says_so(client, db):
    response = client.get("/offene-daten/")
    assert response.status_code == 200
    assert "Es sind noch keine Abbildungen veröffentlicht." in response.content.decode()
