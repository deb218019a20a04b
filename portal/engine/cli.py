"""The headless interface: ``mep validate``, ``mep compute``, ``mep compare``, ``mep import-assets``, ``mep template``
and ``mep plugins``.

Exit codes: 0 done; 1 a plugin failed (or the engine itself), nothing written;
2 the data set has problems, every one listed on stdout; 64 the command was
called wrongly. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from portal.engine.i18n import LANGUAGES, SOURCE_LANGUAGE  # no Babel yet: that waits for a translation

if TYPE_CHECKING:  # rich is imported where it prints: a chart worker process imports this module, and prints nothing
    from rich.console import Console

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PROBLEMS = 2
EXIT_USAGE = 64

KIND_LABELS = {"table": "Tabelle", "chart": "Diagramm", "key_figure": "Kennzahl"}


#: argparse's own messages (Python 3.11+), in German; matched on the finished English text.
ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), r"Pflichtangabe fehlt: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"unbekannte Angabe: \1"),
    (re.compile(r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)"), r"\1: unbekannter Wert \2 (möglich: \3)"),
    (re.compile(r"argument (.*?): expected one argument"), r"\1 verlangt einen Wert"),
    (re.compile(r"argument (.*?): (.*)"), r"\1: \2"),
)


class _GermanHelp(argparse.HelpFormatter):
    """argparse's help with a German "usage:" heading."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argparse parser that speaks German and exits 64 on a wrong call."""

    def __init__(self, **kwargs) -> None:
        super().__init__(formatter_class=_GermanHelp, add_help=False, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        self.add_argument("-h", "--help", action="help", help="diese Hilfe zeigen und beenden")

    def error(self, message: str) -> None:  # argparse would exit 2, which means "bad data" here
        for pattern, german in ARGPARSE_MESSAGES:
            if pattern.fullmatch(message):
                message = pattern.sub(german, message)
                break
        self.print_usage(sys.stderr)
        print(f"{self.prog}: Aufruf fehlerhaft: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mep", description="Planungsmaschine des lebendigen Medienentwicklungsplans.")
    commands = parser.add_subparsers(dest="command", title="Befehle", metavar="BEFEHL", parser_class=_Parser)
    commands.required = True

    validate = commands.add_parser("validate", help="einen Datensatz prüfen und jedes Problem auflisten")
    validate.add_argument("data", metavar="DATA", help="Ordner mit CSV-Dateien oder .xlsx-Arbeitsmappe")

    compute = commands.add_parser("compute", help="alle Kennzahlen, Tabellen und Diagramme berechnen")
    compute.add_argument("data", metavar="DATA", help="Ordner mit CSV-Dateien oder .xlsx-Arbeitsmappe")
    compute.add_argument("--out", metavar="OUT", required=True, help="Zielordner (wird als Ganzes ersetzt)")
    compute.add_argument(
        "--scenario",
        metavar="FILE",
        help="Szenario (TOML): rechnen, als stünden seine Annahmen im Datensatz",
    )
    compute.add_argument(
        "--language",
        choices=LANGUAGES,
        default=SOURCE_LANGUAGE,
        help="Sprache der Titel, Zusammenfassungen, Spaltenüberschriften und Diagramme (Standard: de); "
        "die CSV-Dateien sind in jeder Sprache gleich",
    )
    compute.add_argument(
        "--jobs",
        metavar="N",
        type=_jobs,
        default=None,
        help="Prozesse, die die Diagramme zeichnen (0: im Hauptprozess; Standard: einer je freiem Kern neben dem Hauptprozess, höchstens 4)",
    )

    compare = commands.add_parser(
        "compare", help="Basis und Szenarien nebeneinander: jede Zahl, ihre Differenz und ein Satz für die Vorlage"
    )
    compare.add_argument("data", metavar="DATA", help="Ordner mit CSV-Dateien oder .xlsx-Arbeitsmappe")
    compare.add_argument(
        "--scenario", metavar="FILE", action="append", required=True, help="Szenario (TOML); mehrfach möglich"
    )
    compare.add_argument("--out", metavar="OUT", required=True, help="Zielordner (wird als Ganzes ersetzt)")
    compare.add_argument(
        "--language",
        choices=LANGUAGES,
        default=SOURCE_LANGUAGE,
        help="Sprache des Satzes für die Vorlage (Standard: de); die Tabelle ist in jeder Sprache gleich",
    )

    assets = commands.add_parser(
        "import-assets",
        help="Export einer Inventarverwaltung (Snipe-IT, GLPI, jede CSV je Gerät) als inventory.csv übernehmen",
    )
    assets.add_argument("export", metavar="EXPORT.csv", help="eine Zeile je Gerät; Trennzeichen , oder ;")
    assets.add_argument(
        "--mapping", metavar="MAPPING.toml", help="Zuordnung: Spalten, Standorte → school_id, Modelle → product_group"
    )
    assets.add_argument("--out", metavar="inventory.csv", help="Zieldatei (wird nur geschrieben, wenn es kein Problem gibt)")
    assets.add_argument("--format", choices=("snipeit", "glpi"), help="Spaltennamen dieses Systems als Vorgabe für [columns]")
    assets.add_argument(
        "--write-mapping-template",
        metavar="FILE",
        help="eine Zuordnung schreiben, die jeden noch nicht zugeordneten Standort und jedes Modell enthält; "
        "nur die rechten Seiten sind auszufüllen",
    )

    commands.add_parser("plugins", help="Plugins und ihre Abbildungen auflisten")

    template = commands.add_parser(
        "template",
        help="Vorlage schreiben: eine .xlsx-Arbeitsmappe mit einem Tabellenblatt je Tabelle der Plugins, "
        "dazu plan.toml (falls noch keine daneben liegt)",
    )
    template.add_argument("out", metavar="OUT.xlsx", help="Ziel, z. B. vorlage.xlsx")
    return parser


def _jobs(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"keine Zahl ab 0: {text!r}")
    return int(text)


def escape(text: str) -> str:
    """``text`` with rich's markup escaped."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        args = build_parser().parse_args(argv)
        command = {
            "validate": _validate,
            "compute": _compute,
            "compare": _compare,
            "import-assets": _import_assets,
            "plugins": _plugins,
            "template": _template,
        }[args.command]
        return command(args, out, err)
    except SystemExit as exc:  # --help and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        err.print("Abgebrochen.")
        return 130
    except Exception as exc:
        from portal.engine.plugins import PluginError

        if isinstance(exc, PluginError):
            err.print(f"[bold red]Fehler:[/] {escape(str(exc))}")
            err.print("Es wurde nichts geschrieben.")
        else:
            err.print(f"[bold red]Interner Fehler:[/] {escape(type(exc).__name__)}: {escape(str(exc))}")
        return EXIT_FAILED


def _load(data: str, pm, out: Console, err: Console):
    from portal.engine.dataset import DataSetError, load_dataset

    try:
        return load_dataset(Path(data), pm=pm)
    except DataSetError as exc:
        for problem in exc.problems:
            out.print(escape(str(problem)))
        count = len(exc.problems)
        err.print(
            f"[bold red]{count} {'Problem' if count == 1 else 'Probleme'}[/] in {escape(data)}: "
            "der Datensatz wurde nicht übernommen."
        )
        return None


def _load_scenarios(files: Sequence[str], dataset, out: Console, err: Console):
    """Every scenario checked against ``dataset``, or None after listing every problem of all of them."""
    from portal.engine.dataset import DataSetError
    from portal.engine.scenario import read_scenario

    scenarios, problems = [], []
    for file in files:
        try:
            scenarios.append(read_scenario(file, dataset))
        except DataSetError as exc:
            problems.extend(exc.problems)
    if not problems:
        return scenarios
    for problem in problems:
        out.print(escape(str(problem)))
    count = len(problems)
    err.print(
        f"[bold red]{count} {'Problem' if count == 1 else 'Probleme'}[/] im Szenario: "
        "es wurde nicht übernommen."
    )
    return None


def _validate(args, out: Console, err: Console) -> int:
    from portal.engine.plugins import get_plugin_manager

    dataset = _load(args.data, get_plugin_manager(), out, err)
    if dataset is None:
        return EXIT_PROBLEMS
    sizes = ", ".join(f"{name}: {len(table)}" for name, table in dataset.tables.items())
    err.print(f"[bold green]Keine Probleme.[/] {escape(dataset.cycle_name)} ({sizes} Zeilen)")
    return EXIT_OK


def _compute(args, out: Console, err: Console) -> int:
    from portal.engine.rendering import ChartPool, default_workers

    started = time.perf_counter()
    workers = default_workers() if args.jobs is None else args.jobs
    if not workers:
        return _compute_with(args, out, err, started, None)
    # first thing: the workers import matplotlib while this process imports pandas and reads the data
    with ChartPool(workers) as pool:
        return _compute_with(args, out, err, started, pool)


def _compute_with(args, out: Console, err: Console, started: float, pool) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from portal.engine.compute import compute_figures, write_figures
    from portal.engine.plugins import get_plugin_manager

    pm = get_plugin_manager()
    dataset = _load(args.data, pm, out, err)
    if dataset is None:
        err.print(f"{escape(args.out)} bleibt unverändert.")
        return EXIT_PROBLEMS
    err.print(f"Datensatz {escape(dataset.cycle_name)} gelesen ({time.perf_counter() - started:.2f} s).")
    scenario = None
    if args.scenario is not None:
        from portal.engine.scenario import apply_scenario

        scenarios = _load_scenarios([args.scenario], dataset, out, err)
        if scenarios is None:
            err.print(f"{escape(args.out)} bleibt unverändert.")
            return EXIT_PROBLEMS
        scenario = scenarios[0]
        dataset = apply_scenario(dataset, scenario)
        err.print(f"Szenario {escape(scenario.name)} angewandt.")

    names = pm.plugin_names()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} Plugins"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("Berechne …", total=len(names))

        def report(name: str, figures, seconds: float) -> None:
            progress.advance(task)
            progress.console.print(f"  {escape(name)}: {len(figures)} Abbildungen ({seconds:.2f} s)")

        results = compute_figures(dataset, pm, progress=report, language=args.language, pool=pool)
    written = write_figures(args.out, dataset, results, pm, scenario=scenario)
    err.print(
        f"[bold green]{len(results)} Abbildungen[/] nach {escape(str(written))} geschrieben "
        f"({time.perf_counter() - started:.2f} s)."
    )
    return EXIT_OK


def _compare(args, out: Console, err: Console) -> int:
    from portal.engine.comparison import compare, sides, summary_sentence
    from portal.engine.compute import write_comparison
    from portal.engine.i18n import engine_translator
    from portal.engine.plugins import get_plugin_manager

    started = time.perf_counter()
    pm = get_plugin_manager()
    dataset = _load(args.data, pm, out, err)
    scenarios = None if dataset is None else _load_scenarios(args.scenario, dataset, out, err)
    if scenarios is None:
        err.print(f"{escape(args.out)} bleibt unverändert.")
        return EXIT_PROBLEMS
    base, others = sides(dataset, scenarios, pm)
    table = compare(base, others)
    tr = engine_translator(args.language)
    sentences = [summary_sentence(base, side, table, tr) for side in others]
    written = write_comparison(args.out, table, sentences, [side.scenario.manifest() for side in others], dataset)
    for sentence in sentences:
        out.print(escape(sentence))
    err.print(
        f"[bold green]Vergleich[/] von {len(others)} {'Szenario' if len(others) == 1 else 'Szenarien'} "
        f"nach {escape(str(written))} geschrieben ({time.perf_counter() - started:.2f} s)."
    )
    return EXIT_OK


def _import_assets(args, out: Console, err: Console) -> int:
    from portal.engine.assets import import_assets, read_mapping
    from portal.engine.limits import DEFAULT_LIMITS, file_problem
    from portal.engine.specs import Problem

    started = time.perf_counter()
    template = Path(args.write_mapping_template) if args.write_mapping_template else None
    if args.out is None and template is None:
        err.print("mep import-assets: Aufruf fehlerhaft: --out oder --write-mapping-template angeben")
        return EXIT_USAGE
    if template is not None and args.mapping is not None and template.resolve() == Path(args.mapping).resolve():
        err.print("mep import-assets: Aufruf fehlerhaft: die Vorlage würde die Zuordnung überschreiben; einen anderen Dateinamen wählen")
        return EXIT_USAGE
    if args.mapping is None and args.format is None:
        err.print("mep import-assets: Aufruf fehlerhaft: --mapping oder --format angeben")
        return EXIT_USAGE
    mapping, problems = read_mapping(args.mapping, format=args.format)
    export = Path(args.export)
    result = None
    if not export.is_file():
        problems.append(Problem(export.name, None, None, "Datei nicht gefunden"))
    elif (too_big := file_problem(export, DEFAULT_LIMITS)) is not None:
        problems.append(Problem(export.name, None, None, too_big))
    elif mapping.columns_ok:
        result = import_assets(export.read_bytes(), mapping, file=export.name)
        problems.extend(result.problems)
    if template is not None and result is not None and result.readable:
        _write_atomically(template, result.template())
        todo = len(result.unmapped_schools) + len(result.unmapped_product_groups)
        err.print(
            f"Vorlage der Zuordnung nach {escape(str(template))} geschrieben: "
            f"{_counted(len(result.unmapped_schools), 'Standort', 'Standorte')} und "
            f"{_counted(len(result.unmapped_product_groups), 'Modell', 'Modelle')} einzutragen."
            if todo
            else f"Vorlage der Zuordnung nach {escape(str(template))} geschrieben: jeder Wert ist zugeordnet."
        )
    if problems:
        for problem in problems:
            out.print(escape(str(problem)))
        where = f"{escape(str(args.out))} bleibt unverändert." if args.out else "Es wurde kein Bestand geschrieben."
        count = len(problems)
        err.print(f"[bold red]{count} {'Problem' if count == 1 else 'Probleme'}[/] beim Import: {where}")
        return EXIT_PROBLEMS
    assert result is not None
    if args.out:
        _write_atomically(Path(args.out), result.inventory_csv())
    for line in asset_report_lines(result):
        err.print(escape(line))
    if args.out:
        err.print(
            f"[bold green]{len(result.counts)} Zeilen[/] nach {escape(args.out)} geschrieben "
            f"({time.perf_counter() - started:.2f} s)."
        )
    return EXIT_OK


def _counted(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def asset_report_lines(result) -> list[str]:
    """The import report as lines: how many assets, what was skipped, the counts per product group and school."""
    from portal.engine.limits import count

    lines = [f"{count(result.assets)} Geräte gelesen, {count(result.counted)} gezählt, {count(result.skipped)} nicht gezählt."]
    for title, skipped in (
        ("Status", result.skipped_statuses),
        ("Standort", result.skipped_schools),
        ("Modell", result.skipped_product_groups),
    ):
        for value, n in sorted(skipped.items()):
            lines.append(f"  nicht gezählt, {title} {value or '(leer)'}: {count(n)}")
    lines.append("Je Produktgruppe:")
    lines += [f"  {group}: {count(n)}" for group, n in result.by_product_group().items()]
    lines.append("Je Schule:")
    for school, groups in result.by_school().items():
        detail = ", ".join(f"{group} {count(n)}" for group, n in groups.items())
        lines.append(f"  {school}: {count(sum(groups.values()))} ({detail})")
    return lines


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all: a reader never sees half a file."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary file would be: mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _template(args, out: Console, err: Console) -> int:
    from portal.engine.plugins import get_plugin_manager
    from portal.engine.template import write_template

    if not args.out.lower().endswith(".xlsx"):
        err.print(f"mep template: Aufruf fehlerhaft: {escape(args.out)} endet nicht auf .xlsx")
        return EXIT_USAGE
    book, plan = write_template(args.out, get_plugin_manager())
    err.print(f"[bold green]Vorlage[/] nach {escape(str(book))} geschrieben.")
    if plan is None:
        err.print(f"{escape(str(book.parent / 'plan.toml'))} gibt es schon; sie bleibt, wie sie ist.")
    else:
        err.print(f"Beispiel-Einstellungen nach {escape(str(plan))} geschrieben.")
    err.print("Beispielzeilen (gelb) löschen, eigene Zeilen eintragen, dann: mep validate " + escape(str(book)))
    return EXIT_OK


def _plugins(args, out: Console, err: Console) -> int:
    from rich.table import Table

    from portal.engine.compute import figure_catalog
    from portal.engine.plugins import get_plugin_manager

    pm = get_plugin_manager()
    catalog = figure_catalog(pm)
    if not out.is_terminal:  # plain lines for pipes and scripts: nothing squeezed to 80 columns
        for name, infos in catalog:
            out.print(f"{name} {pm.versions.get(name, '')}".rstrip())
            for info in infos:
                out.print(f"  {info.key}\t{KIND_LABELS.get(info.kind, info.kind)}\t{escape(info.title)}")
        return EXIT_OK
    table = Table(title="Plugins der Planungsmaschine", show_lines=False)
    table.add_column("Plugin")
    table.add_column("Version")
    table.add_column("Abbildung")
    table.add_column("Art")
    table.add_column("Titel")
    for name, infos in catalog:
        version = pm.versions.get(name, "")
        if not infos:
            table.add_row(name, version, "–", "", "")
        for i, info in enumerate(infos):
            table.add_row(
                name if i == 0 else "",
                version if i == 0 else "",
                info.key,
                KIND_LABELS.get(info.kind, info.kind),
                escape(info.title),
            )
    out.print(table)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
