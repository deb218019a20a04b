"""Issue 15, point 2: a second city with no code change.

The fictional Musterstadt pack (``content/examples/musterstadt/``) is set up
on a fresh SQLite database in processes of its own, as ``MEP_CONTENT_PACK=…
make setup`` does (migrate, load_content, load_demo_data, load_workshops), and
crawled page by page: no page names Bochum. An invalid pack is refused whole,
every problem located as ``FILE:LINE: …``, and the database stays as it was.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from portal.plan.pack_schema import check_pack, contrast

ROOT = Path(settings.BASE_DIR)
MUSTERSTADT = ROOT / "content" / "examples" / "musterstadt"


@pytest.fixture(scope="session")
def musterstadt_site(tmp_path_factory) -> dict[str, dict]:
    """Every page of a portal set up from the Musterstadt pack alone, crawled once per session."""
    folder = tmp_path_factory.mktemp("musterstadt")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEP_CONTENT_PACK": "content/examples/musterstadt",  # relative, as in the README's make call
        "MEP_VAR_DIR": str(folder / "var"),
        "MEDIA_ROOT": str(folder / "media"),
        "PYTHONPATH": str(ROOT),
    }
    for command in (["migrate", "--noinput"], ["load_content"], ["load_demo_data"], ["load_workshops"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-4000:]}"
    out = folder / "pages.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.crawl_pack", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_musterstadt_portal_names_bochum_on_no_page(musterstadt_site):
    html = {url: page for url, page in musterstadt_site.items() if page["type"].startswith("text/html")}
    assert {url: page["status"] for url, page in musterstadt_site.items() if page["status"] != 200} == {}
    slugs = [yaml.safe_load(p.read_text(encoding="utf-8"))["slug"] for p in sorted((MUSTERSTADT / "chapters").glob("*.yaml"))]
    assert len(slugs) == 9
    missing = [slug for slug in slugs if not any(url.startswith("/plan/") and url.endswith(f"/{slug}/") for url in html)]
    assert missing == [], sorted(html)  # every chapter of the plan was reached from the start page
    for expected in ("/impressum/", "/datenschutz/", "/barrierefreiheit/", "/leichte-sprache/", "/partnerangebote/medienwerkstatt/",
                     "/workshops/", "/en/", "/en/workshops/", "/offene-daten/"):
        assert expected in html, expected
    mentions = {url: re.findall(r".{0,60}bochum.{0,60}", page["body"], re.I | re.S)[:2]
                for url, page in musterstadt_site.items() if "bochum" in page["body"].lower()}
    assert mentions == {}
    home = html["/"]["body"]
    assert "<title>Der Medienentwicklungsplan Musterstadt – Medienentwicklungsplan Musterstadt</title>" in home
    assert "Stadt Musterstadt (Beispiel)" in home and "Fachbereich Schule – Medienzentrum" in home


def test_the_musterstadt_figures_come_from_its_own_data(musterstadt_site):
    finance = musterstadt_site["/plan/teil-2-bestand/bestand/finanzen/"]["body"]
    assert "Abb. 8 – Finanzbedarf je Jahr, 2025 bis 2034" in finance and "<svg" in finance
    assert "Beispieldaten" in finance  # the synthetic data say so
    figures = json.loads(musterstadt_site["/api/v1/cycles/2025-2026/figures/"]["body"])
    assert len(figures["figures"] if isinstance(figures, dict) else figures) == 21
    equipment = musterstadt_site["/plan/teil-2-bestand/bestand/ausstattung/"]["body"]
    assert "Abb. 4 – Schülergeräte je Schulform" in equipment and "Gymnasium" in equipment


def test_the_musterstadt_theme_logo_favicon_and_medienzentrum(musterstadt_site):
    css = musterstadt_site["/theme/theme.css"]
    assert css["type"].startswith("text/css") and "--brand: #00665e;" in css["body"] and "--accent: #9a3412;" in css["body"]
    assert musterstadt_site["/theme/logo"]["type"] == "image/svg+xml"
    assert musterstadt_site["/theme/favicon"]["type"] == "image/svg+xml"
    home = musterstadt_site["/"]["body"]
    assert '<link rel="stylesheet" href="/theme/theme.css">' in home and '<link rel="icon" href="/theme/favicon">' in home
    assert 'src="/theme/logo" alt=""' in home and "style=" not in home  # strict CSP: no inline styles
    workshops = musterstadt_site["/workshops/"]["body"]
    assert "Das Medienstudio im Medienzentrum Musterstadt (Am Marktplatz 7, 12345 Musterstadt)" in workshops
    assert "Der Tablet-Koffer im Unterricht" in workshops
    api = json.loads(musterstadt_site["/api/v1/openapi.json"]["body"])
    assert api["info"]["title"] == "Medienentwicklungsplan Musterstadt – Offene Daten"


def test_a_german_only_pack_keeps_english_pages_working(musterstadt_site):
    """Musterstadt has no en/: /en/ shows the interface in English and the German start page, marked German."""
    english = musterstadt_site["/en/"]["body"]
    assert '<html lang="en"' in english
    assert '<h1 lang="de">Der Medienentwicklungsplan Musterstadt</h1>' in english
    assert 'href="/plan/" lang="de"' in english  # the menu leads to the German plan
    assert "Workshops at the" in musterstadt_site["/en/workshops/"]["body"]


# -- the check of a pack --------------------------------------------------------------------------


def test_both_packs_pass_the_check():
    assert check_pack(MUSTERSTADT) == []
    assert check_pack(ROOT / "content") == []


def test_contrast_follows_wcag():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#004f9f", "#ffffff"), 1) == 8.0
    assert contrast("#777777", "#ffffff") < 4.5


def broken_copy(tmp_path: Path) -> Path:
    pack = tmp_path / "musterstadt"
    shutil.copytree(MUSTERSTADT, pack)
    site = pack / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8")
        .replace('brand: "#00665e"', 'brand: "#7fb3ad"')
        .replace("city: Stadt Musterstadt (Beispiel)", "stadt: Stadt Musterstadt (Beispiel)")
        .replace("logo: theme/logo.svg", "logo: theme/wappen.svg"),
        encoding="utf-8",
    )
    milestones = pack / "milestones.yaml"
    milestones.write_text(milestones.read_text(encoding="utf-8").replace("year: 2022, month: 8", "year: 2022, month: 13"), encoding="utf-8")
    plan = pack / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("chapters: [ausblick]", "chapters: [ausblick, rueckschau]"), encoding="utf-8")
    finance = pack / "chapters" / "03-3-finanzen.yaml"
    finance.write_text(
        finance.read_text(encoding="utf-8").replace("key: finance.product_groups", "key: finance.unbekannt").replace("notes: [2]", "notes: [2, 7]"),
        encoding="utf-8",
    )
    (pack / "endnotes.yaml").write_text("endnotes:\n  - {number: 1, text: [unclosed\n", encoding="utf-8")
    return pack


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip().startswith(text))


@pytest.mark.django_db
def test_an_invalid_pack_is_refused_with_every_problem_located_and_nothing_changed(tmp_path):
    from wagtail.models import Page, Revision

    from portal.plan.snippets import Endnote, Milestone

    pack = broken_copy(tmp_path)
    before = (Page.objects.count(), Revision.objects.count(), Milestone.objects.count(), Endnote.objects.count(),
              list(Page.objects.order_by("pk").values_list("title", flat=True)))
    with pytest.raises(CommandError) as refused:
        call_command("load_content", path=pack, verbosity=0)
    message = str(refused.value)
    shown = f"{pack}/"
    expected = [
        f"{shown}site.yaml:{line_of(pack / 'site.yaml', 'stadt:')}: stadt: unbekanntes Feld „stadt“",
        f"{shown}site.yaml:3: city: Pflichtangabe „city“ fehlt.",
        f"{shown}site.yaml:{line_of(pack / 'site.yaml', 'brand:')}: theme › colours › brand: #7fb3ad erreicht auf Weiß nur 2,3:1",
        f"{shown}site.yaml:{line_of(pack / 'site.yaml', 'logo:')}: theme › logo: Datei „theme/wappen.svg“ fehlt im Inhaltspaket.",
        f"{shown}milestones.yaml:4: milestones › 3 › month: darf höchstens 12 sein.",
        f"{shown}plan.yaml:{line_of(pack / 'plan.yaml', 'chapters: [ausblick, rueckschau]')}: parts › 3 › chapters › 2: Kapitel „rueckschau“ gibt es in chapters/ nicht.",
        f"{shown}endnotes.yaml:3: kein gültiges YAML:",
        f"{shown}chapters/03-3-finanzen.yaml:{line_of(pack / 'chapters' / '03-3-finanzen.yaml', 'key: finance.unbekannt')}: "
        "Block 3 › figure › key: Abbildung „finance.unbekannt“ bietet kein installiertes Plugin an",
    ]
    for line in expected:
        assert line in message, f"{line!r} not in\n{message}"
    assert "nichts wurde geändert" in message
    after = (Page.objects.count(), Revision.objects.count(), Milestone.objects.count(), Endnote.objects.count(),
             list(Page.objects.order_by("pk").values_list("title", flat=True)))
    assert after == before


@pytest.mark.django_db
def test_a_second_schooltraegers_pack_is_refused_by_a_database_that_holds_another(tmp_path):
    from wagtail.models import Page

    from portal.plan.models import LoadedContentPack

    assert LoadedContentPack.objects.get().name == "Medienentwicklungsplan Bochum"  # the test database's pack
    titles = list(Page.objects.order_by("pk").values_list("title", flat=True))
    with pytest.raises(CommandError) as refused:
        call_command("load_content", path=MUSTERSTADT, verbosity=0)
    message = str(refused.value)
    assert "„Medienentwicklungsplan Musterstadt“" in message and "nichts wurde geändert" in message
    assert "enthält das Inhaltspaket „Medienentwicklungsplan Bochum“" in message and "DATABASE_URL" in message
    assert list(Page.objects.order_by("pk").values_list("title", flat=True)) == titles
    assert LoadedContentPack.objects.get().name == "Medienentwicklungsplan Bochum"
    # a copy of the same pack (another folder, same name) is the same Schulträger's and loads
    copy = shutil.copytree(ROOT / "content", tmp_path / "content", ignore=shutil.ignore_patterns("examples", "demodata"))
    call_command("load_content", path=copy, update=True, verbosity=0)
    assert LoadedContentPack.objects.get().path == str(copy)


@pytest.mark.django_db
def test_load_content_loads_the_pack_the_setting_names(settings, tmp_path):
    """MEP_CONTENT_PACK chooses the pack: load_content without --path checks (and here refuses) that one."""
    settings.MEP_CONTENT_PACK = broken_copy(tmp_path)
    with pytest.raises(CommandError, match=r"musterstadt/milestones.yaml:4: milestones › 3 › month"):
        call_command("load_content", verbosity=0)


@pytest.mark.django_db
def test_the_identity_and_theme_follow_the_setting(settings, client):
    settings.MEP_CONTENT_PACK = MUSTERSTADT
    from portal.plan.identity import site_identity

    identity = site_identity("de")
    assert (identity.name, identity.city, identity.medienzentrum) == (
        "Medienentwicklungsplan Musterstadt", "Stadt Musterstadt (Beispiel)", "Medienzentrum Musterstadt")
    assert identity.studio_address == "Medienwerkstatt im Medienzentrum Musterstadt, Am Marktplatz 7, 12345 Musterstadt"
    response = client.get("/theme/theme.css")
    assert response.status_code == 200 and "--brand: #00665e;" in response.content.decode()
    settings.MEP_CONTENT_PACK = ROOT / "content"
    assert site_identity("de").city == "Stadt Bochum" and site_identity("en").city == "City of Bochum"
    assert client.get("/theme/logo").status_code == 404  # Bochum's pack names no logo
    assert "--brand: #004f9f;" in client.get("/theme/theme.css").content.decode()


# -- nothing of Bochum in code and templates ------------------------------------------------------

#: migrations written before the pack held everything: their historical help texts are schema, not data
HISTORICAL_MIGRATIONS = {"portal/plan/migrations/0011_easy_language_page.py", "portal/workshops/migrations/0003_booking_double_opt_in.py"}


def python_strings(path: Path) -> list[str]:
    """String constants of a module that are not docstrings (comments are not in the tree at all)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.add(id(first.value))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_no_bochum_in_portal_and_plugins_outside_comments_and_tests():
    found = []
    for folder in ("portal", "plugins"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = str(path.relative_to(ROOT))
            if not path.is_file() or "/tests/" in f"/{relative}" or relative in HISTORICAL_MIGRATIONS:
                continue
            if path.suffix == ".py":
                found += [f"{relative}: {s[:80]!r}" for s in python_strings(path) if "bochum" in s.lower()]
            elif path.suffix in (".html", ".txt", ".css", ".js"):
                text = re.sub(r"\{#.*?#\}|/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
                found += [f"{relative}: {line.strip()[:80]}" for line in text.splitlines() if "bochum" in line.lower()]
    assert found == []


def test_every_pack_file_is_documented():
    from portal.plan.pack_schema import FILES

    readme = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    for name in [*FILES, "chapters/*.yaml", "data/<zyklus>/", "theme"]:
        assert f"`{name}" in readme, name
    for key in ("name", "city", "footer", "medienzentrum", "theme", "colours", "logo", "favicon", "studio_location"):
        assert f"{key}:" in readme, key
    assert yaml.safe_load((MUSTERSTADT / "site.yaml").read_text(encoding="utf-8"))["theme"]["logo"] == "theme/logo.svg"


def test_the_demo_schools_come_from_the_packs_own_data(settings):
    """A portal without published data offers the pack's own schools for booking (MEP_SCHOOL_SOURCE demo source)."""
    from portal.workshops.schools import demo_data_schools

    settings.MEP_CONTENT_PACK = MUSTERSTADT
    schools = dict(demo_data_schools())
    assert len(schools) == 6 and schools["M06"] == "Gymnasium Am Schlossberg"
