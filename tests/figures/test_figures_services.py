"""Import, regenerate, publish: the rules of the figures app."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from portal.figures import services
from portal.figures.models import Cycle, DataSetVersion, FigureSnapshot, Regeneration, published_snapshot
from tests.figures.conftest import workbook_from_folder


@pytest.fixture
def cycle(db):
    return Cycle.objects.get(name="2025–2026")


def published_state(cycle):
    """Everything a reader could see of the cycle's figures, field by field."""
    regeneration = cycle.published_regeneration()
    if regeneration is None:
        return None
    return [
        (s.key, s.title, s.summary, s.data, s.data_csv, s.svg, s.dataset_fingerprint)
        for s in regeneration.snapshots.order_by("key")
    ]


def test_the_plan_knows_its_cycles_and_one_is_current(db):
    assert list(Cycle.objects.values_list("name", flat=True)) == ["2019–2024", "2025–2026", "2027–2028"]
    assert Cycle.current().name == "2025–2026"
    Cycle.objects.create(name="2029–2030", start_year=2029, end_year=2030, is_current=True)
    assert list(Cycle.objects.filter(is_current=True).values_list("name", flat=True)) == ["2029–2030"]
    assert Cycle.objects.get(name="2029–2030").slug == "2029-2030"


def test_database_refuses_two_current_cycles(db):
    with pytest.raises(IntegrityError):
        Cycle.objects.filter(name="2027–2028").update(is_current=True)


def test_import_zip_validates_and_keeps_the_file(cycle, demo_zip):
    version = services.import_dataset(cycle, demo_zip)
    assert version.status == DataSetVersion.VALIDATED
    assert version.problems == []
    assert version.synthetic is True
    assert len(version.fingerprint) == 64
    assert version.file.name.startswith("datasets/2025-2026/")
    assert version.original_name == "daten.zip"
    assert not version.is_published


def test_import_workbook_with_plan(cycle, demo_folder, tmp_path):
    workbook = workbook_from_folder(demo_folder, tmp_path / "mappe")
    with workbook.open("rb") as book, (tmp_path / "mappe" / "plan.toml").open("rb") as plan:
        version = services.import_dataset(cycle, book, plan=plan)
    assert version.status == DataSetVersion.VALIDATED, version.problems
    regeneration = services.regenerate(version)
    assert regeneration.status == Regeneration.SUCCEEDED, regeneration.error
    assert regeneration.snapshots.filter(key="finance.forecast").exists()


def test_same_data_twice_makes_no_new_version(cycle, demo_folder, demo_zip):
    first = services.import_dataset(cycle, demo_folder)
    again = services.import_dataset(cycle, demo_zip)
    assert again.pk == first.pk
    assert cycle.versions.count() == 1


def test_refused_upload_lists_every_problem(cycle, bad_folder):
    version = services.import_dataset(cycle, bad_folder)
    assert version.status == DataSetVersion.REFUSED
    assert "schools.csv:3: column pupils: " in "\n".join(version.problems)
    assert any(p.startswith("inventory.csv:2: column product_group: ") for p in version.problems)
    with pytest.raises(ValueError):
        services.regenerate(version)


def test_refused_upload_keeps_published_figures(cycle, demo_folder, bad_folder):
    services.regenerate(services.import_dataset(cycle, demo_folder), publish_when_done=True)
    before = published_state(cycle)
    assert before
    services.import_dataset(cycle, bad_folder)
    assert published_state(cycle) == before
    assert cycle.versions.get(is_published=True).status == DataSetVersion.VALIDATED


def test_regeneration_stores_one_snapshot_per_figure(cycle, demo_folder):
    version = services.import_dataset(cycle, demo_folder)
    regeneration = services.regenerate(version)
    assert regeneration.status == Regeneration.SUCCEEDED
    assert regeneration.started and regeneration.finished
    assert "finance: " in regeneration.progress
    forecast = regeneration.snapshots.get(key="finance.forecast")
    assert forecast.plugin == "finance"
    assert forecast.columns == ["year", "investment_eur", "recurring_eur", "total_eur"]
    assert [row["year"] for row in forecast.data] == list(range(2025, 2035))
    assert forecast.data_csv.splitlines()[0] == "year,investment_eur,recurring_eur,total_eur"
    assert forecast.svg.lstrip().startswith("<")
    assert "<title" in forecast.svg
    assert forecast.engine_version == "0.1.0"
    assert forecast.plugin_version
    assert forecast.dataset_fingerprint == version.fingerprint
    assert regeneration.snapshots.count() == regeneration.snapshots.values("key").distinct().count() > 10
    # not published until someone publishes it
    assert cycle.published_regeneration() is None


def test_publish_switches_all_figures_at_once(cycle, demo_folder, demo_2027_folder):
    first = services.regenerate(services.import_dataset(cycle, demo_folder), publish_when_done=True)
    second_version = services.import_dataset(cycle, demo_2027_folder, accept_mismatch=True)  # other data, same cycle
    second = services.regenerate(second_version)
    assert cycle.published_regeneration() == first
    services.publish(second)
    assert cycle.published_regeneration() == second
    assert Regeneration.objects.filter(dataset_version__cycle=cycle, published=True).count() == 1
    assert list(cycle.versions.filter(is_published=True)) == [second_version]
    fingerprints = {s.dataset_fingerprint for s in FigureSnapshot.objects.filter(regeneration=second)}
    assert fingerprints == {second_version.fingerprint}
    assert published_snapshot(cycle, "finance.forecast").regeneration == second
    # another cycle is untouched
    assert Cycle.objects.get(name="2027–2028").published_regeneration() is None


def test_failing_plugin_keeps_published_snapshots_byte_for_byte(cycle, demo_folder, demo_2027_folder, break_a_plugin):
    published = services.regenerate(services.import_dataset(cycle, demo_folder), publish_when_done=True)
    before = published_state(cycle)
    break_a_plugin()
    failed = services.regenerate(services.import_dataset(cycle, demo_2027_folder, accept_mismatch=True), publish_when_done=True)
    assert failed.status == Regeneration.FAILED
    assert "kaputt" in failed.error and "Division durch null" in failed.error
    assert not failed.snapshots.exists()
    assert not failed.published
    assert published_state(cycle) == before
    assert cycle.published_regeneration() == published
    with pytest.raises(ValueError):
        services.publish(failed)
    assert cycle.published_regeneration() == published


def test_import_command_publishes(cycle, demo_folder, capsys):
    call_command("import_dataset", "2025–2026", str(demo_folder), "--publish")
    out = capsys.readouterr().out
    assert "geprüft" in out and "veröffentlicht" in out
    assert published_snapshot(cycle, "finance.forecast") is not None
    call_command("import_dataset", "2025-2026", str(demo_folder), "--publish")
    assert "unverändert" in capsys.readouterr().out
    assert cycle.versions.count() == 1
    assert Regeneration.objects.count() == 1


def test_import_command_lists_every_problem(cycle, bad_folder):
    with pytest.raises(CommandError) as error:
        call_command("import_dataset", "2025–2026", str(bad_folder))
    message = str(error.value)
    assert "schools.csv:3: column pupils: " in message
    assert "inventory.csv:2: column product_group: " in message


def test_regenerate_command(cycle, demo_folder, capsys):
    services.import_dataset(cycle, demo_folder)
    call_command("regenerate", "2025–2026", "--publish")
    assert "erfolgreich" in capsys.readouterr().out
    assert cycle.published_regeneration() is not None


def test_regenerate_command_reports_failing_plugin(cycle, demo_folder, break_a_plugin):
    services.import_dataset(cycle, demo_folder)
    break_a_plugin()
    with pytest.raises(CommandError, match="kaputt"):
        call_command("regenerate", "2025–2026", "--publish")
    assert cycle.published_regeneration() is None


def test_unknown_cycle_is_a_command_error(db, demo_folder):
    with pytest.raises(CommandError, match="Zyklus"):
        call_command("import_dataset", "1999–2000", str(demo_folder))


def test_demo_data_loads_once(cycle, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path / "var"
    call_command("load_demo_data")
    first = cycle.published_regeneration()
    assert first is not None and first.dataset_version.synthetic
    assert (tmp_path / "var" / "demo" / "2025-2026" / "plan.toml").is_file()
    later = Cycle.objects.get(slug="2027-2028")
    second = later.published_regeneration()
    assert second is not None and second.dataset_version.synthetic
    assert (tmp_path / "var" / "demo" / "2027-2028" / "plan.toml").is_file()
    assert second.snapshots.get(key="finance.forecast").data[0]["year"] == 2027
    assert first.snapshots.get(key="finance.forecast").data[0]["year"] == 2025
    call_command("load_demo_data")
    assert capsys.readouterr().out.count("unverändert") >= 2
    assert cycle.versions.count() == 1 and later.versions.count() == 1
    assert Regeneration.objects.count() == 2
    assert cycle.published_regeneration() == first
    assert later.published_regeneration() == second


def test_demo_data_never_replaces_published_real_data(cycle, demo_folder, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    real = services.regenerate(services.import_dataset(cycle, demo_folder), publish_when_done=True)
    DataSetVersion.objects.filter(pk=real.dataset_version.pk).update(synthetic=False)
    call_command("load_demo_data")
    assert cycle.versions.count() == 1
    assert cycle.published_regeneration() == real


def test_bookable_schools_are_those_of_the_published_data_set(cycle, demo_folder, bad_folder):
    import csv

    from portal.figures.schools import published_schools

    assert published_schools() == []
    services.regenerate(services.import_dataset(cycle, demo_folder), publish_when_done=True)
    with (demo_folder / "schools.csv").open(encoding="utf-8") as fh:
        expected = [(row["school_id"], row["name"]) for row in csv.DictReader(fh)]
    assert published_schools() == expected and len(expected) == 80
    services.import_dataset(cycle, bad_folder)  # refused: the published schools stay
    assert published_schools() == expected
