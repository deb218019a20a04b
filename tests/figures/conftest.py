"""Fixtures for the figures app: the demo data set as folder, zip and workbook."""

from __future__ import annotations

import csv
import shutil
import zipfile

import openpyxl
import pytest

from portal.engine.hookspecs import hookimpl
from portal.engine.plugins import get_plugin_manager


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEP_PRIVATE_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def zip_folder(folder, target, prefix="daten/"):
    """A zip as a planner makes it: the folder itself zipped, files under a top folder."""
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, prefix + file.name)
    return target


def workbook_from_folder(folder, target_dir):
    """Every CSV of ``folder`` as a sheet of one workbook, plan.toml beside it."""
    target_dir.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for file in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(file.stem)
        with file.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                sheet.append(row)
    path = target_dir / "mep.xlsx"
    book.save(path)
    shutil.copyfile(folder / "plan.toml", target_dir / "plan.toml")
    return path


@pytest.fixture
def demo_zip(demo_folder, tmp_path):
    return zip_folder(demo_folder, tmp_path / "daten.zip")


@pytest.fixture
def bad_folder(demo_folder, tmp_path):
    """The demo data with two broken cells and a missing column."""
    folder = tmp_path / "bad"
    shutil.copytree(demo_folder, folder)
    schools = (folder / "schools.csv").read_text(encoding="utf-8").splitlines()
    header = schools[0].split(",")
    row = schools[2].split(",")
    row[header.index("pupils")] = "viele"
    schools[2] = ",".join(row)
    (folder / "schools.csv").write_text("\n".join(schools) + "\n", encoding="utf-8")
    inventory = (folder / "inventory.csv").read_text(encoding="utf-8").splitlines()
    inv_header = inventory[0].split(",")
    row = inventory[1].split(",")
    row[inv_header.index("product_group")] = "gibt_es_nicht"
    inventory[1] = ",".join(row)
    (folder / "inventory.csv").write_text("\n".join(inventory) + "\n", encoding="utf-8")
    return folder


class BrokenPlugin:
    """A plugin whose computation raises, as a buggy third-party plugin might."""

    @hookimpl
    def mep_figures(self, dataset):
        raise RuntimeError("Division durch null in der Prognose")


@pytest.fixture
def break_a_plugin(monkeypatch):
    """Call it, and every regeneration from then on meets a plugin that raises."""

    def manager(only=None):
        pm = get_plugin_manager(only)
        pm.register(BrokenPlugin(), name="kaputt")
        return pm

    return lambda: monkeypatch.setattr("portal.figures.services.get_plugin_manager", manager)
