"""Hot paths read what is stored: the figure choices come from a cached key list, the bookable schools from a row."""

from __future__ import annotations

import csv
import importlib
import shutil
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from portal.figures import catalog, services
from portal.figures.blocks import FigureBlock
from portal.figures.models import Cycle, DataSetVersion, FigureSnapshot, Regeneration
from portal.plan.models import ChapterPage

ORPHAN = "energy.consumption"  # a key no installed plugin offers


@pytest.fixture
def cycle(db):
    return Cycle.objects.get(name="2025–2026")


@pytest.fixture
def scans(monkeypatch):
    """How often the keys were read from the database (every StreamField of every model)."""
    calls = []
    read = catalog._read_stored_keys

    def counting():
        calls.append(1)
        return read()

    monkeypatch.setattr(catalog, "_read_stored_keys", counting)
    return calls


def key_choices():
    return dict(FigureBlock().child_blocks["key"].field.choices)


def published_by_hand(cycle, keys=(), schools=()) -> Regeneration:
    """A published regeneration holding snapshots of ``keys``, without running the engine."""
    version = DataSetVersion.objects.create(
        cycle=cycle, fingerprint="f" * 64, status=DataSetVersion.VALIDATED, schools=list(schools)
    )
    regeneration = Regeneration.objects.create(dataset_version=version, status=Regeneration.SUCCEEDED)
    FigureSnapshot.objects.bulk_create(
        FigureSnapshot(
            regeneration=regeneration, key=key, plugin=key.split(".")[0], title=key, kind="table",
            summary="–", data_csv="", engine_version="1", dataset_fingerprint="f" * 64,
        )
        for key in keys
    )
    return services.publish(regeneration)


# --- the figure block's choices ----------------------------------------------


def test_a_page_view_reads_a_figure_block_without_the_choice_list(db, django_assert_num_queries):
    block = FigureBlock()
    with django_assert_num_queries(0):
        value = block.to_python({"key": "finance.forecast", "title": "Abb. 5", "caption": "", "cycle": ""})
    assert value["key"] == "finance.forecast"


def test_the_editor_form_reads_the_stored_keys_once(db, scans, django_assert_max_num_queries):
    first = key_choices()
    with django_assert_max_num_queries(0):
        for _ in range(3):
            assert key_choices() == first
    assert len(scans) == 1
    assert first["finance.forecast"] == "Prognose des Finanz- und Investitionsvolumens (finance)"


def test_a_chapter_view_and_its_edit_form_never_read_every_stream_field(client, editor, monkeypatch):
    key_choices()  # the list as the admin builds it once

    def refuse():
        raise AssertionError("alle StreamFields gelesen")

    monkeypatch.setattr(catalog, "_read_stored_keys", refuse)
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    assert client.get(page.url).status_code == 200
    client.force_login(editor)
    for _ in range(2):
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200


def test_published_figures_of_an_uninstalled_plugin_become_choices(cycle, scans):
    assert ORPHAN not in key_choices()
    published_by_hand(cycle, keys=["finance.forecast", ORPHAN])
    assert key_choices()[ORPHAN] == f"{ORPHAN} (Plugin nicht installiert)"
    assert len(scans) == 2  # read again once, because figures were published


def test_saving_a_page_reads_the_keys_again_only_for_a_key_nobody_knew(db, scans):
    key_choices()
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    page.body.append(("figure", {"key": "infrastructure.device_ratio", "title": "Geräte", "caption": ""}))
    page.save_revision().publish()
    assert ORPHAN not in key_choices() and len(scans) == 1  # an installed key changes nothing
    page.body.append(("figure", {"key": ORPHAN, "title": "Strom", "caption": ""}))
    page.save_revision().publish()
    assert key_choices()[ORPHAN] == f"{ORPHAN} (Plugin nicht installiert)"
    read = len(scans)
    for _ in range(2):
        page.save_revision().publish()
        key_choices()
    assert len(scans) == read  # a key already known is no reason to read again


def test_a_deleted_page_takes_its_uninstalled_figure_out_of_the_choices(db):
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    page.body.append(("figure", {"key": ORPHAN, "title": "Strom", "caption": ""}))
    page.save_revision().publish()
    assert ORPHAN in key_choices()
    page.delete()
    assert ORPHAN not in key_choices()


# --- the bookable schools ----------------------------------------------------


def schools_in(folder):
    with (folder / "schools.csv").open(encoding="utf-8", newline="") as fh:
        return [(row["school_id"], row["name"]) for row in csv.DictReader(fh)]


def publish_folder(cycle, folder) -> Regeneration:
    """Validate a data set and publish it, skipping the figures (not needed for the schools)."""
    version = services.import_dataset(cycle, folder)
    assert version.status == DataSetVersion.VALIDATED, version.problems
    return services.publish(Regeneration.objects.create(dataset_version=version, status=Regeneration.SUCCEEDED))


def never_read_a_data_set(monkeypatch):
    """From here on, unpacking or reading a data set fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("Datensatz gelesen")

    monkeypatch.setattr("portal.figures.services.unpacked", refuse)
    monkeypatch.setattr("portal.figures.schools.unpacked", refuse, raising=False)
    monkeypatch.setattr("portal.figures.schools.load_dataset", refuse, raising=False)
    monkeypatch.setattr("portal.engine.dataset.load_dataset", refuse)


@pytest.fixture
def session(db):
    from portal.workshops.models import Workshop, WorkshopSession

    workshop = Workshop.objects.create(
        title="Lernroboter", slug="lernroboter-schulen", description="Roboter ausprobieren.",
        target_group=Workshop.TargetGroup.PRIMARY, place=Workshop.Place.STUDIO, duration_minutes=120,
    )
    start = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    return WorkshopSession.objects.create(workshop=workshop, start=start, capacity=4, max_seats_per_school=2)


def test_the_booking_form_reads_the_schools_from_the_database(
    client, cycle, session, demo_folder, settings, monkeypatch, django_assert_max_num_queries
):
    from django.core.cache import cache

    from portal.figures.schools import published_schools

    settings.MEP_SCHOOL_SOURCE = "portal.figures.schools.published_schools"
    publish_folder(cycle, demo_folder)
    never_read_a_data_set(monkeypatch)
    cache.clear()
    with django_assert_max_num_queries(1):
        assert published_schools() == schools_in(demo_folder)
    response = client.get(f"/workshops/termine/{session.pk}/buchen/")
    assert response.status_code == 200
    assert "Beispielschule Grundschule 01" in response.content.decode()


def test_publishing_another_data_set_changes_the_bookable_schools(cycle, demo_folder, tmp_path):
    from portal.figures.schools import published_schools

    assert published_schools() == []
    publish_folder(cycle, demo_folder)
    assert published_schools() == schools_in(demo_folder)
    renamed = tmp_path / "renamed"
    shutil.copytree(demo_folder, renamed)
    text = (renamed / "schools.csv").read_text(encoding="utf-8")
    (renamed / "schools.csv").write_text(
        text.replace("Beispielschule Grundschule 01", "Grundschule Am Kirchplatz"), encoding="utf-8"
    )
    validated = services.import_dataset(cycle, renamed)
    assert published_schools() == schools_in(demo_folder)  # validated, not published: no change yet
    services.publish(Regeneration.objects.create(dataset_version=validated, status=Regeneration.SUCCEEDED))
    assert ("S001", "Grundschule Am Kirchplatz") in published_schools()
    assert published_schools() == schools_in(renamed)


def test_a_version_validated_before_schools_were_stored_gets_them(cycle, demo_folder):
    """The migration fills published versions; an older validated version is read once when published."""
    from portal.figures.schools import published_schools

    migration = importlib.import_module("portal.figures.migrations.0007_dataset_version_schools")
    published = publish_folder(cycle, demo_folder).dataset_version
    DataSetVersion.objects.filter(pk=published.pk).update(schools=None)
    assert published_schools() == []
    migration.store_published_schools(apps, None)
    assert published_schools() == schools_in(demo_folder)
    DataSetVersion.objects.filter(pk=published.pk).update(schools=None)
    services.publish(Regeneration.objects.create(dataset_version=published, status=Regeneration.SUCCEEDED))
    assert published_schools() == schools_in(demo_folder)
