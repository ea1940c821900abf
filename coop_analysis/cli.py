"""The ``coop-analysis`` command.

Subcommands:

* ``validate`` — run every data check; exit 1 and list problems if any.
* ``extract FILE`` — list candidate quantities of a text, with sentence,
  section, province guesses and whether each is already curated.
* ``add-source FILE --title ... --date ...`` — copy a text into ``data/raw/``
  with its metadata and checksum.
* ``reports [REGION ...]`` — build the regional reports (see ``reports --help``).
* ``export --format csv|parquet|xlsx --out DIR`` — every table with a Frictionless
  ``datapackage.json``.
* ``kernel install`` — register the ``coop-analysis`` Jupyter kernel
  (``--fork``: the ``coop-analysis-fork`` kernel the report runner uses).
* ``diff [OLD [NEW]]`` — records added, removed or changed between two git
  revisions (default: the last commit and the work tree), and the reports they reach.

Exit codes: 0 success, 1 data problems, failed reports or a failed run (disk
full, unreadable data …), 2 bad usage (unknown option or region, unreadable
input file, bad option value, a project root without data/), 130 interrupted,
143 terminated (``reports`` writes its index first).
Every error is one line on standard error; ``--debug`` (or the environment
variable ``COOP_ANALYSIS_DEBUG=1``) adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from coop_analysis.errors import (
    CoopAnalysisError,
    DataValidationError,
    ProjectRootError,
    RevisionError,
    SourceError,
    UnknownRegionError,
)
from coop_analysis.exports import ExportError
from coop_analysis.kernel import add_arguments as _kernel_arguments
from coop_analysis.wording import count_label

log = logging.getLogger("coop_analysis")


def _cmd_validate(args: argparse.Namespace) -> int:
    from coop_analysis.validate import validate_all

    report = validate_all()
    for w in report.warnings:
        print(f"warning: {w}")
    if report.problems:
        print(f"validate: {count_label(len(report.problems), 'problem')}:", file=sys.stderr)
        for p in report.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
    print(f"validate: all checks passed ({counts})")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from coop_analysis.ingest import candidates, read_source_file, write_candidates_csv
    from coop_analysis.markup import CONTROL_PATTERN

    if not args.max_mb > 0:
        raise _UsageError(f"--max-mb: expected a positive number of megabytes, got {args.max_mb:g}")
    text = read_source_file(args.file, max_bytes=int(args.max_mb * 2**20))
    if args.format == "csv":
        write_candidates_csv(text, sys.stdout)  # written part by part: memory near the text's size
    else:
        frame = candidates(text)
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 40):  # fmt: skip
            cols = ["start", "raw_normalized", "value", "unit", "qualifier", "section", "provinces", "status", "ref",
                    "problem"]  # fmt: skip
            shown = frame[cols].assign(problem=frame["problem"].fillna("")) if len(frame) else None
            table = shown.to_string(index=False) if shown is not None else "no quantities found"
        # A text's control characters (terminal escape sequences …) are shown, not sent to the terminal.
        print(CONTROL_PATTERN.sub(lambda m: f"\\x{ord(m.group()):02x}" if m.group() != "\n" else "\n", table))
        unparsed = int(frame["problem"].notna().sum()) if len(frame) else 0
        print(
            f"{len(frame)} candidate(s); {int(frame['curated'].sum()) if len(frame) else 0} already curated"
            + (f"; {unparsed} not read (value missing, see problem)" if unparsed else "")
        )
    return 0


def _cmd_add_source(args: argparse.Namespace) -> int:
    from coop_analysis.ingest import add_source

    meta = add_source(
        args.file,
        title=args.title,
        published=args.date,
        publisher=args.publisher,
        title_en=args.title_en,
        date_is_estimate=args.date_is_estimate,
        doc_id=args.doc_id,
        notes=args.notes,
    )
    if meta.get("received_via_link"):
        print(f"note: {args.file} is a symbolic link; copied its target {meta['received_as']}")
    print(f"added source {meta['doc_id']}: data/raw/{meta['doc_id']}.txt (sha256 {meta['sha256'][:12]}…)")
    print("next: `coop-analysis extract` it, curate facts, then `coop-analysis validate`")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from coop_analysis.diff import diff_revisions, format_markdown, format_text

    result = diff_revisions(args.old, args.new)
    sys.stdout.write(format_markdown(result) if args.format == "markdown" else format_text(result))
    return 0


def _cmd_reports(args: argparse.Namespace) -> int:
    from coop_analysis.runner import run_cli

    if getattr(args, "no_chart_cache", False):
        from coop_analysis.chartcache import ENV

        os.environ[ENV] = "off"  # read by the report kernels, which get this environment
    return run_cli(args)


def _cmd_export(args: argparse.Namespace) -> int:
    from coop_analysis.exports import export

    descriptor = export(args.out, args.format, tables=args.tables or None)
    resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
    files = sorted({r["path"] for r in resources})
    print(
        f"exported {count_label(len(resources), 'table')} as {args.format} to {descriptor.parent}: {', '.join(files)}"
    )
    print(f"described in {descriptor} (check it with `frictionless validate {descriptor}`)")
    return 0


def _cmd_kernel(args: argparse.Namespace) -> int:
    if getattr(args, "fork", False):
        from coop_analysis.kernels import KERNEL_NAME, install_kernel_spec

        path = install_kernel_spec(sys_prefix=args.sys_prefix, prefix=args.prefix)
        print(f"installed Jupyter kernel {KERNEL_NAME!r} (forked from a warm server, {sys.executable}) in {path}")
        return 0
    from coop_analysis.kernel import run

    return run(args)


class _UsageError(CoopAnalysisError):
    """A bad command line (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``coop-analysis add-source: error: …; see --help``), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="coop-analysis", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error (or COOP_ANALYSIS_DEBUG=1)"
    )
    parser.add_argument("--root", help="project folder holding data/ (default: this checkout)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check schemas, provenance and coverage of all data")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("extract", help="list candidate quantities in a text file")
    p.add_argument("file", help="a UTF-8 text file (raw or normalized), or - for standard input")
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument("--max-mb", type=float, default=100, help="refuse texts longer than this (default 100 MB)")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("add-source", help="copy a text into data/raw with metadata and checksum")
    p.add_argument("file", help="a UTF-8 text file")
    p.add_argument("--title", required=True, help="title as published")
    p.add_argument("--date", required=True, help="publication date, YYYY, YYYY-MM or YYYY-MM-DD")
    p.add_argument("--publisher", default="unknown")
    p.add_argument("--title-en", default="")
    p.add_argument("--date-is-estimate", action="store_true", help="the date is our estimate")
    p.add_argument("--doc-id", help="identifier (default: derived from the file's checksum)")
    p.add_argument("--notes", default="")
    p.set_defaults(func=_cmd_add_source)

    p = sub.add_parser("reports", help="build regional reports (HTML + executed notebooks)")
    p.add_argument("regions", nargs="*", metavar="REGION", help="provinces, any name form (default: all with records)")
    p.add_argument("--all", action="store_true", help="all 31 provinces (instead of REGION names)")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--out", default=None, help="output folder (default: reports/)")
    p.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: number of cores)")
    p.add_argument("--no-overview", action="store_true", help="skip the national overview")
    p.add_argument(
        "--force", action="store_true", help="rebuild every report (default: only those whose inputs changed)"
    )
    p.add_argument("--fresh-kernels", action="store_true", help="start a fresh kernel per notebook (no fork server)")
    p.add_argument(
        "--no-chart-cache", action="store_true", help="draw every chart (default: reuse cached chart images)"
    )
    p.set_defaults(func=_cmd_reports)

    p = sub.add_parser("export", help="write every table as CSV, Parquet or XLSX with a datapackage.json")
    p.add_argument("--format", choices=["csv", "parquet", "xlsx"], default="csv")
    p.add_argument("--out", default="export", help="output folder (default: ./export)")
    p.add_argument("--tables", nargs="+", metavar="TABLE", help="only these tables (default: all)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("kernel", help="Jupyter kernel for this environment")
    kernel_sub = p.add_subparsers(dest="action", required=True)
    p = kernel_sub.add_parser("install", help="register the 'coop-analysis' kernel (for your user by default)")
    _kernel_arguments(p)
    p.add_argument(
        "--fork", action="store_true", help="the 'coop-analysis-fork' kernel instead (forked from a warm server)"
    )
    p.set_defaults(func=_cmd_kernel)

    p = sub.add_parser("diff", help="records and reports changed between two git revisions")
    p.add_argument("old", nargs="?", default="HEAD", metavar="OLD", help="git revision (default: HEAD)")
    p.add_argument("new", nargs="?", default=None, metavar="NEW", help="git revision (default: the work tree)")
    p.add_argument("--format", choices=["text", "markdown"], default="text", help="markdown: for a pull request")
    p.set_defaults(func=_cmd_diff)
    return parser


def _one_line(exc: BaseException) -> str:
    """The error as one line (a data error: its first problem and how many more)."""
    if isinstance(exc, DataValidationError) and exc.problems:
        more = len(exc.problems) - 1
        return exc.problems[0] + (
            f" (and {more} more {'problem' if more == 1 else 'problems'}; run `coop-analysis validate`)" if more else ""
        )
    if isinstance(exc, OSError) and not isinstance(exc, CoopAnalysisError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, CoopAnalysisError) else f"{type(exc).__name__}: {text}"


def _exit_code(exc: BaseException) -> int:
    usage = (_UsageError, UnknownRegionError, SourceError, ExportError, ProjectRootError, FileNotFoundError,
             IsADirectoryError, RevisionError)  # fmt: skip
    return 2 if isinstance(exc, usage) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``coop-analysis``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("COOP_ANALYSIS_DEBUG", "") not in ("", "0")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        if args.root is not None:
            if not args.root.strip():
                raise _UsageError("--root: expected the project folder holding data/, got an empty string")
            os.environ["COOP_ANALYSIS_ROOT"] = args.root
        return int(args.func(args))
    except KeyboardInterrupt:
        print("coop-analysis: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the boundary: one line for the user, the traceback only on request
        expected = isinstance(exc, (CoopAnalysisError, OSError))
        hint = "" if expected or debug else " (an unexpected error: run with --debug for the traceback)"
        print(f"coop-analysis {args.command}: {_one_line(exc)}{hint}", file=sys.stderr)
        if debug:
            raise
        return _exit_code(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
