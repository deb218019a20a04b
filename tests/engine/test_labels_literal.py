"""Labels from a data set are text, never markup: matplotlib must not read ``$…$`` as mathtext."""

from __future__ import annotations

from portal.engine.compute import compute_figures
from portal.engine.dataset import load_dataset
from portal.engine.testing import write_dataset

LABELS = ("Lizenz $\\foo$", "Fläche $x^2$")


def test_catalog_labels_with_dollar_signs_render_literally(tmp_path, core_pm):
    folder = write_dataset(
        tmp_path / "data",
        catalog=f"""\
        product_group,label,category,useful_life_years,unit_cost_eur,pupil_device,teacher_device
        ipad,{LABELS[0]},hardware,2,100,true,false
        net,{LABELS[1]},infrastructure,10,1000,false,false
        """,
    )
    figures = {figure.key: figure for _, figure in compute_figures(load_dataset(folder, pm=core_pm), pm=core_pm)}
    svg = figures["finance.product_groups"].svg
    for label in LABELS:
        assert label in svg
    assert "$" not in svg.replace(LABELS[0], "").replace(LABELS[1], "")
