"""Uploaded labels are text: they neither break a regeneration nor run as formulas in a reader's spreadsheet."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from portal.figures import services
from portal.figures.models import Cycle, Regeneration

FORMULA = '=HYPERLINK("http://evil","x")'
MATH = "Lizenz $\\foo$ und $x^2$"


def publish_with_labels(folder, tmp_path, *labels: str) -> Regeneration:
    """The demo data with its first catalog labels replaced by ``labels``, regenerated and published."""
    changed = tmp_path / "labels"
    shutil.copytree(folder, changed)
    with (changed / "catalog.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row, label in zip(rows, labels, strict=False):  # only the first rows get a label
        row["label"] = label
    with (changed / "catalog.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    cycle = Cycle.objects.get(name="2025–2026")
    regeneration = services.regenerate(services.import_dataset(cycle, changed), publish_when_done=True)
    assert regeneration.status == Regeneration.SUCCEEDED, regeneration.error
    return regeneration


@pytest.fixture
def labelled(db, demo_folder, tmp_path):
    """A label a naive spreadsheet would run as a formula."""
    return publish_with_labels(demo_folder, tmp_path, FORMULA)


def test_labels_with_dollar_signs_regenerate_and_show_literally(db, demo_folder, tmp_path):
    regeneration = publish_with_labels(demo_folder, tmp_path, MATH)  # matplotlib's mathtext failed on "\\foo"
    assert MATH in regeneration.snapshots.get(key="finance.product_groups").svg


def test_public_csv_neutralises_formula_labels_and_json_stays_raw(client, labelled):
    response = client.get("/figures/2025-2026/finance.product_groups.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    labels = [row["label"] for row in rows]
    assert "'" + FORMULA in labels and FORMULA not in labels
    json_rows = client.get("/figures/2025-2026/finance.product_groups.json").json()["data"]
    assert FORMULA in [row["label"] for row in json_rows]


def test_numbers_stay_numbers_and_only_formula_text_is_neutralised():
    from portal.spreadsheet import neutralise, neutralised_csv

    text = 'year,delta_eur,label\n2025,-12.5,"=1+2"\n2026,+3,-Text\n2027,-4e3,@SUM(A1)\n2028,0,"\tx"\n'
    assert neutralised_csv(text) == (
        "year,delta_eur,label\n2025,-12.5,'=1+2\n2026,+3,'-Text\n2027,-4e3,'@SUM(A1)\n2028,0,'\tx\n"
    )
    assert [neutralise(v) for v in (-3, -2.5, "-2.5", "-", "Anna", None)] == ["-3", "-2.5", "-2.5", "'-", "Anna", ""]


def test_public_fingerprint_is_a_hex_digest_never_a_path(client, labelled):
    version = labelled.dataset_version
    body = client.get("/api/v1/cycles/2025-2026/figures/finance.forecast").json()
    assert re.fullmatch(r"[0-9a-f]{64}", body["dataset_fingerprint"])
    assert body["dataset_fingerprint"] == version.fingerprint
    download = client.get("/figures/2025-2026/finance.forecast.json").json()
    assert download["dataset_fingerprint"] == version.fingerprint
    assert services._hex_digest("/var/mep/private/datasets/x.zip") != "/var/mep/private/datasets/x.zip"
    assert re.fullmatch(r"[0-9a-f]{64}", services._hex_digest("/var/mep/private/datasets/x.zip"))
