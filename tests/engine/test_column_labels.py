"""Every figure names its columns in German for readers; the data keeps the contract's names."""

from __future__ import annotations

import pandas as pd

from portal.engine.compute import figure_catalog
from portal.engine.figures import Figure
from portal.engine.plugins import get_plugin_manager


def test_every_column_of_every_demo_figure_has_a_german_label(demo_cache):
    results, _versions = demo_cache.figures("2025")  # every installed plugin's figures of the demo data
    assert len(results) >= 20
    for _plugin, figure in results:
        labels = figure.column_labels()
        assert list(labels) == [str(c) for c in figure.data.columns], figure.key
        unlabelled = [name for name, label in labels.items() if name not in figure.columns]
        assert not unlabelled, f"{figure.key}: keine deutsche Überschrift für {unlabelled}"
        assert all(label.strip() for label in labels.values()), figure.key


def test_catalog_carries_the_same_labels_as_the_computed_figures(demo_cache):
    catalog = {info.key: info for _plugin, infos in figure_catalog(get_plugin_manager()) for info in infos}
    for _plugin, figure in demo_cache.figures("2025")[0]:
        assert dict(figure.columns) == dict(catalog[figure.key].columns), figure.key


def test_forecast_columns_read_in_german():
    from plugins.finance.compute import FORECAST

    assert FORECAST.columns == {
        "year": "Jahr",
        "investment_eur": "Investitionen (€)",
        "recurring_eur": "Laufende Kosten (€)",
        "total_eur": "Gesamt (€)",
    }


def test_column_without_a_label_keeps_its_name():
    data = pd.DataFrame({"year": [2025], "extra": [1.5]})
    figure = Figure("x.y", "Titel", "table", "Satz.", data, columns={"year": "Jahr"})
    assert figure.column_labels() == {"year": "Jahr", "extra": "extra"}
