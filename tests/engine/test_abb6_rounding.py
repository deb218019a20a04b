"""Abb. 6: a share is rounded once (in ``finance.product_groups``); chart, its text and its table show that one value."""

from __future__ import annotations

from plugins.finance import compute as finance
from portal.engine.dataset import load_dataset
from portal.engine.plugins import get_plugin_manager


def test_chart_labels_and_table_of_abb_6_show_the_same_rounded_share(demo_data):
    dataset = load_dataset(demo_data, pm=get_plugin_manager())
    groups = finance.product_groups(dataset)
    figure = finance.product_groups_figure(dataset, groups)
    tr = finance.MESSAGES.translator()
    shown = groups[groups["cost_eur"] > 0]
    for share in shown["share_pct"]:
        assert round(share, 2) == share  # rounded in the data already, to the places the chart shows
        assert tr.pct(share, 2) in figure.svg  # the bar's label is that value, not a second rounding of the cost
    table = {row["label"]: row["share_pct"] for row in figure.data.to_dict("records")}
    assert table == dict(zip(groups["label"], groups["share_pct"], strict=True))
    lead = shown.iloc[0]
    assert tr.pct(lead["share_pct"], 2) in figure.summary


def test_the_demo_shares_of_abb_6_are_the_shares_the_plan_published(demo_data):
    """The list under Abb. 6 gives the shares as the council read them; the demo data reproduce every one of them,
    so chart and list show the same numbers (7,53 %, not 7,54 %, for construction)."""
    from pathlib import Path

    import yaml

    chapter = Path(__file__).resolve().parents[2] / "content" / "chapters" / "05-3-finanz-und-investitionsplanung.yaml"
    body = yaml.safe_load(chapter.read_text(encoding="utf-8"))["body"]
    published = next(block["plan_values"] for block in body if "plan_values" in block)
    listed = {row["label"]: row["value"] for row in published["rows"]}
    dataset = load_dataset(demo_data, pm=get_plugin_manager())
    groups = finance.product_groups(dataset)
    tr = finance.MESSAGES.translator()
    # the catalogue writes "Microsoft365", the plan "Microsoft 365"
    computed = {label.replace("Microsoft365", "Microsoft 365"): tr.pct(share, 2) for label, share in zip(groups["label"], groups["share_pct"], strict=True)}
    assert computed == listed
