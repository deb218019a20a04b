"""The headless interface: exit codes, atomic output, no tracebacks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from portal.engine.cli import EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, main
from portal.engine.hookspecs import hookimpl
from portal.engine.testing import install_plugin


class Exploding:
    @hookimpl
    def mep_figures(self, dataset):
        raise RuntimeError("Daten unverständlich")


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validate_valid_data_exits_0(data, cli_plugins, capsys):
    assert main(["validate", str(data)]) == EXIT_OK
    assert "Keine Probleme" in capsys.readouterr().err


def test_validate_bad_data_lists_every_problem_and_exits_2(data, cli_plugins, capsys):
    (data / "schools.csv").write_text(
        "school_id,name,school_type,pupils,teachers\nS1,A,Grundschule,x,8\nS2,B,Gymnasium,50,-1\n", encoding="utf-8"
    )
    assert main(["validate", str(data)]) == EXIT_PROBLEMS
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "schools.csv:2: column pupils: keine ganze Zahl: 'x'",
        "schools.csv:3: column teachers: kleiner als 0: '-1'",
    ]
    assert "2 Probleme" in captured.err


def test_compute_writes_figures_json_csv_and_svg(data, cli_plugins, tmp_path):
    out = tmp_path / "out"
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_OK
    manifest = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert manifest["cycle"] == "Testzyklus"
    assert manifest["synthetic"] is False
    assert len(manifest["fingerprint"]) == 64
    assert manifest["engine_version"]
    assert set(manifest["plugins"]) == {"finance", "infrastructure"}
    entries = {entry["key"]: entry for entry in manifest["figures"]}
    assert entries["finance.forecast"]["files"] == ["finance.forecast.csv", "finance.forecast.svg"]
    assert entries["finance.forecast"]["plugin"] == "finance"
    assert entries["finance.forecast"]["kind"] == "chart"
    assert entries["finance.forecast"]["summary"]
    assert entries["infrastructure.school_ratios"]["files"] == ["infrastructure.school_ratios.csv"]
    for entry in manifest["figures"]:
        for name in entry["files"]:
            assert (out / name).is_file()
    assert (out / "infrastructure.device_ratio.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "school_type,schools,pupils,pupil_devices,ratio_pct,target_pct,missing_devices"
    )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no staging left behind


def test_compute_replaces_previous_output_whole(data, cli_plugins, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.csv").write_text("alt", encoding="utf-8")
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_OK
    assert not (out / "stale.csv").exists()
    assert (out / "figures.json").exists()


def test_bad_data_leaves_out_as_it_was(data, cli_plugins, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_OK
    before = snapshot(out)
    (data / "inventory.csv").unlink()
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_PROBLEMS
    assert "inventory.csv: Datei fehlt" in capsys.readouterr().out
    assert snapshot(out) == before


def test_failing_plugin_is_named_and_nothing_is_written(data, cli_plugins, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_OK
    before = snapshot(out)
    cli_plugins.register(Exploding(), name="explodiert")
    capsys.readouterr()
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "Plugin „explodiert“ ist fehlgeschlagen: RuntimeError: Daten unverständlich" in err
    assert "Es wurde nichts geschrieben." in err
    assert "Traceback" not in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_failing_plugin_on_first_run_creates_no_out(data, cli_plugins, tmp_path):
    cli_plugins.register(Exploding(), name="explodiert")
    assert main(["compute", str(data), "--out", str(tmp_path / "out")]) == EXIT_FAILED
    assert not (tmp_path / "out").exists()


def test_failure_while_writing_keeps_previous_output(data, cli_plugins, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_OK
    before = snapshot(out)

    def full_disk(*args, **kwargs):
        raise OSError(28, "Kein Platz mehr auf dem Gerät")

    monkeypatch.setattr("pandas.DataFrame.to_csv", full_disk)
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_FAILED
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_usage_errors_exit_64(capsys):
    assert main(["compute", "daten"]) == EXIT_USAGE
    assert "Aufruf fehlerhaft" in capsys.readouterr().err
    assert main([]) == EXIT_USAGE


#: argparse's English words; none may reach a user of ``mep``.
ENGLISH = re.compile(r"usage|options|positional|show this help|error|\bargument\b|required|unrecognized|choice|expected", re.I)


@pytest.mark.parametrize(
    "command",
    [[], ["validate"], ["compute"], ["import-assets"], ["plugins"]],
    ids=["mep", "validate", "compute", "import-assets", "plugins"],
)
def test_help_is_german_headings_included(command, capsys):
    assert main([*command, "--help"]) == EXIT_OK
    help_text = capsys.readouterr().out
    assert help_text.startswith(f"Aufruf: {' '.join(['mep', *command])} [-h]")
    # the column the help starts in depends on the longest option (compute has --language)
    assert re.search(r"\nOptionen:\n  -h, --help +diese Hilfe zeigen und beenden\n", help_text)
    if command in (["validate"], ["compute"]):
        assert "\nArgumente:\n  DATA" in help_text
    if command == ["import-assets"]:
        assert "\nArgumente:\n  EXPORT.csv" in help_text and "--write-mapping-template FILE" in help_text
    if not command:
        assert "\nBefehle:\n" in help_text and "compute      alle Kennzahlen, Tabellen und Diagramme berechnen" in help_text
    assert not ENGLISH.findall(help_text), help_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "mep: Aufruf fehlerhaft: Pflichtangabe fehlt: BEFEHL"),
        (["compute", "daten"], "mep compute: Aufruf fehlerhaft: Pflichtangabe fehlt: --out"),
        (["compute", "daten", "--out"], "mep compute: Aufruf fehlerhaft: --out verlangt einen Wert"),
        (["plugins", "--alle"], "mep: Aufruf fehlerhaft: unbekannte Angabe: --alle"),
        (
            ["rechne"],
            "mep: Aufruf fehlerhaft: BEFEHL: unbekannter Wert 'rechne' "
            "(möglich: 'validate', 'compute', 'compare', 'import-assets', 'plugins', 'template')",
        ),
    ],
)
def test_usage_errors_are_german(args, message, capsys):
    assert main(args) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("Aufruf: mep")
    assert message in err
    assert not ENGLISH.findall(err), err


def test_mep_help_in_its_own_process_is_german(tmp_path):
    result = run_mep("--help", cwd=tmp_path)
    assert result.returncode == EXIT_OK
    assert result.stdout.startswith("Aufruf: mep [-h] BEFEHL ...")
    assert not ENGLISH.findall(result.stdout), result.stdout


def test_plugins_lists_plugins_and_their_figures(cli_plugins, capsys):
    assert main(["plugins"]) == EXIT_OK
    out = capsys.readouterr().out
    for key in ("finance.forecast", "finance.product_groups", "infrastructure.device_ratio"):
        assert key in out


def run_mep(*args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "portal.engine.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_no_traceback_reaches_the_user(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "plan.toml").write_bytes(b"\xff\xfe[cycle")
    result = run_mep("compute", "data", "--out", "out", cwd=tmp_path)
    assert result.returncode == EXIT_PROBLEMS
    assert "Traceback" not in result.stdout + result.stderr
    assert "plan.toml:1: kein gültiges TOML" in result.stdout
    assert "schools.csv: Datei fehlt" in result.stdout


def test_stranger_plugin_installed_by_entry_point_runs_through_the_cli(tmp_path, demo_data):
    """The six fields plus a pip-installed stranger's plugin: its figures appear, no engine change."""
    site = install_plugin(
        tmp_path / "site",
        "hello",
            """
            import pandas as pd
            from portal.engine.figures import Figure
            from portal.engine.hookspecs import hookimpl

            @hookimpl
            def mep_figures(dataset):
                n = len(dataset.tables["schools"])
                return [Figure("hello.schools", "Schulen", "key_figure", f"{n} Schulen.", pd.DataFrame({"n": [n]}))]
            """,
    )
    result = run_mep("compute", str(demo_data), "--out", "out", cwd=tmp_path, env={"PYTHONPATH": str(site)})
    assert result.returncode == EXIT_OK, result.stderr
    manifest = json.loads((tmp_path / "out" / "figures.json").read_text(encoding="utf-8"))
    plugins = {entry["key"]: entry["plugin"] for entry in manifest["figures"]}
    assert plugins["hello.schools"] == "hello"
    assert {"infrastructure", "support", "finance", "controlling", "ki", "datastrategy", "hello"} <= set(plugins.values())
    assert manifest["synthetic"] is True
    assert manifest["plugins"]["hello"] == "0.1"
    assert (tmp_path / "out" / "hello.schools.csv").read_text(encoding="utf-8") == "n\n80\n"

    (site / "mep_hello.py").write_text(
        "from portal.engine.hookspecs import hookimpl\n\n@hookimpl\ndef mep_figures(dataset):\n    raise KeyError('schools')\n"
    )
    before = snapshot(tmp_path / "out")
    failed = run_mep("compute", str(demo_data), "--out", "out", cwd=tmp_path, env={"PYTHONPATH": str(site)})
    assert failed.returncode == EXIT_FAILED
    assert "Plugin „hello“ ist fehlgeschlagen: KeyError: 'schools'" in failed.stderr
    assert "Traceback" not in failed.stdout + failed.stderr
    assert snapshot(tmp_path / "out") == before


@pytest.mark.parametrize("command", [["validate"], ["compute", "--out", "out"]])
def test_missing_data_folder_is_a_problem(tmp_path, command, cli_plugins, capsys):
    args = [command[0], str(tmp_path / "fehlt"), *command[1:]]
    assert main(args) == EXIT_PROBLEMS
    assert "fehlt: Datei oder Ordner nicht gefunden" in capsys.readouterr().out
