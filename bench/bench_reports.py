"""Benchmark the report suite against the kernel floor.

Usage::

    /work/venv/bin/python bench/bench_reports.py [--jobs N] [--lang en|zh] [--out DIR] [--check]

Runs, with the same runner (:func:`coop_analysis.reports.build_reports`) and the
same parallelism:

1. EMPTY notebooks: copies of ``notebooks/region_report.ipynb`` and
   ``notebooks/overview.ipynb`` reduced to their parameters cell plus one code
   cell ``pass`` — one per report of the real suite (the kernel floor);
2. IMPORTS-ONLY notebooks: the same, with one cell that only imports what a
   report needs (pandas, matplotlib's Figure and Agg backend, coop_analysis with
   its data loaded) — the least any report built on this stack can cost;
3. the real suite: every province with records plus the overview.

Prints the parent's import time (``coop_analysis.reports`` and the CLI, each in a
fresh interpreter, against ``import nbformat`` for comparison), the per-notebook
times and wall times of the three runs, and their ratios (target for real / empty: ≤ 1.5). Output goes
to a temporary folder unless ``--out`` is given (never to ``reports/``).
``--check`` exits 1 when the ratio is over the target or a report failed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 1.5


def _import_seconds(code: str, repeat: int = 3) -> float:
    """Median wall time of ``python -c code`` minus a bare interpreter start."""

    def run(c: str) -> float:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", c], check=True, cwd=ROOT)
        return time.perf_counter() - t

    bare = statistics.median(run("pass") for _ in range(repeat))
    return statistics.median(run(code) for _ in range(repeat)) - bare


#: What a report notebook imports before it does any work: the stack the design card asks
#: for (pandas for the tables, matplotlib with its Agg backend for the figures) and the
#: library with its data loaded. No report can do less than this.
IMPORTS_ONLY = (
    "import pandas\n"
    "import matplotlib.figure\n"
    "import matplotlib.backends.backend_agg\n"
    "from coop_analysis import figures, narrative, profiles, reports\n"
    "from coop_analysis.datasets import load_facts\n"
    "load_facts()"
)


def _empty_copy(source: Path, target: Path, code_source: str = "pass") -> None:
    """``source`` reduced to its parameters cell and one code cell ``code_source`` (plain JSON)."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    params = [c for c in nb["cells"] if "parameters" in (c.get("metadata", {}).get("tags") or [])]
    code = {"cell_type": "code", "execution_count": None, "id": "empty-pass", "metadata": {}, "outputs": [],
            "source": code_source}  # fmt: skip
    nb["cells"] = [*params[:1], code]
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def _stats(seconds: dict[str, float]) -> str:
    if not seconds:
        return "-"
    values = sorted(seconds.values())
    slowest = max(seconds, key=seconds.get)
    return (
        f"median {statistics.median(values):.2f} s, min {values[0]:.2f} s, "
        f"max {values[-1]:.2f} s ({slowest}), sum {sum(values):.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=None, help="parallel workers (default: number of cores)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--out", help="keep the outputs in this folder (default: a temporary folder)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if the ratio is over {TARGET}")
    args = parser.parse_args(argv)

    from coop_analysis import paths
    from coop_analysis.reports import OVERVIEW_NOTEBOOK, REGION_NOTEBOOK, BuildResult, build_reports, default_regions

    nb_dir = paths.notebooks_dir()
    missing = [n for n in (REGION_NOTEBOOK, OVERVIEW_NOTEBOOK) if not (nb_dir / n).is_file()]
    if missing:
        print(f"bench_reports: missing notebook(s) {missing} in {nb_dir}; the report suite cannot run yet.",
              file=sys.stderr)  # fmt: skip
        return 2

    print("parent import time (fresh interpreter, bare start subtracted):")
    for label, code in [
        ("import coop_analysis.reports", "import coop_analysis.reports"),
        ("import coop_analysis.cli", "import coop_analysis.cli"),
        ("import nbformat (for comparison)", "import nbformat"),
        ("import papermill (for comparison)", "import papermill"),
    ]:
        print(f"  {label:36s} {_import_seconds(code):6.2f} s")
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys, coop_analysis.cli, coop_analysis.reports;"
         "print(sorted(m for m in ('nbformat', 'papermill', 'nbconvert', 'jsonschema') if m in sys.modules))"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout.strip()  # fmt: skip
    print(f"  heavy modules in the parent after import: {heavy}")

    regions = default_regions()
    jobs = args.jobs or os.cpu_count() or 1
    n = len(regions) + 1
    print(f"\n{n} notebooks ({len(regions)} provinces + overview), lang {args.lang}, {jobs} worker(s)")

    with tempfile.TemporaryDirectory(prefix="bench_reports_") as tmp:
        base = Path(args.out) if args.out else Path(tmp)
        common = {"lang": args.lang, "jobs": args.jobs, "progress": None}

        def reduced(label: str, code_source: str) -> BuildResult:
            folder = Path(tmp) / f"{label}_notebooks"
            folder.mkdir()
            for name in (REGION_NOTEBOOK, OVERVIEW_NOTEBOOK):
                _empty_copy(nb_dir / name, folder / name, code_source)
            quiet = io.StringIO()  # reduced notebooks record no headline: drop those warnings
            with contextlib.redirect_stderr(quiet):
                result = build_reports(regions, out=base / label, notebooks_dir=folder, **common)
            for line in quiet.getvalue().splitlines():
                if "record_headline" not in line:
                    print(line, file=sys.stderr)
            return result

        empty = reduced("empty", "pass")
        imports = reduced("imports", IMPORTS_ONLY)
        real = build_reports(None, out=base / "real", **common)

    ratio = real.seconds / empty.seconds
    print()
    rows = [
        ("empty notebooks (kernel floor)", empty),
        ("imports only (no report work)", imports),
        ("real report suite", real),
    ]
    for label, result in rows:
        print(f"  {label:31s} {result.seconds:6.1f} s wall; per notebook {_stats(result.notebook_seconds)}")
    print(f"  ratio imports-only / empty:     {imports.seconds / empty.seconds:6.2f}  (the least any report can do)")
    print(f"  ratio real / imports-only:      {real.seconds / imports.seconds:6.2f}  (the reports' own work)")
    verdict = "OK" if ratio <= TARGET else "OVER"
    print(f"  ratio real / empty:             {ratio:6.2f}  (target ≤ {TARGET}: {verdict})")
    failed = empty.failed + imports.failed + real.failed
    for name, error in failed:
        print(f"  FAILED {name}: {error}", file=sys.stderr)
    if args.out:
        print(f"  outputs kept in {base}")
    if args.check and (failed or ratio > TARGET):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
