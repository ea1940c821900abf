"""Benchmark the report suite against papermill's empty-notebook floor.

Usage::

    .venv/bin/python bench/bench_reports.py [--rounds N] [--jobs N] [--lang en|zh] [--check]

In one process, alternating for ``--rounds`` rounds (the order flips each round):

* FLOOR — papermill's empty-notebook floor: one empty notebook per report of the
  suite (the report notebooks reduced to their parameters cell plus ``pass``),
  each run by plain ``papermill.execute_notebook`` with a fresh ``python3``
  kernel, ``--jobs`` at a time (threads; papermill is imported before timing);
* COLD — the real build, ``build_reports()`` as ``coop-analysis reports`` runs
  it: every province with records plus the overview, kernels forked from the
  warm server (its start-up and preload included in every round), HTML export,
  files and index written; the chart cache and the font-subset cache empty
  (as in a first build; the table cache is kept);
* WARM — the same build with both caches as the previous build left them;
* NO CHART CACHE (``--no-chart-cache-row``) — a warm build with the chart cache
  turned off (font subsets cached): what the chart cache saves, in the same run.

The caches are the bench's own (temporary folders), not the project's. Prints
each row per round, min and median, each build's ratio to the floor of the
same round (target: median ≤ 1.0), CPU time, and where a report's time goes
(median per notebook over all rounds, cold and warm apart: kernel start, the
cells by kind — imports, data and profile, figures, tables and text — kernel
shutdown, HTML export, writing). ``--fresh`` adds a cold build with fresh kernels
(``fork=False``). Outputs go to a temporary folder. ``--check`` exits 1 when the
median warm ratio is over the target or a report failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 1.0
#: As the runner: keeps ipykernel's start-up warning about unencrypted local TCP off the terminal.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


def _empty_copy(source: Path, target: Path) -> None:
    """``source`` reduced to its parameters cell and one code cell ``pass`` (plain JSON)."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    params = [c for c in nb["cells"] if "parameters" in (c.get("metadata", {}).get("tags") or [])]
    code = {"cell_type": "code", "execution_count": None, "id": "empty-pass", "metadata": {}, "outputs": [],
            "source": "pass"}  # fmt: skip
    nb["cells"] = [*params[:1], code]
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def _floor(papermill: object, notebooks: list[tuple[str, dict[str, str]]], jobs: int) -> float:
    """Wall time of plain papermill running ``notebooks`` with fresh kernels, ``jobs`` at a time."""

    def run(item: tuple[str, dict[str, str]]) -> None:
        path, params = item
        papermill.execute_notebook(  # type: ignore[attr-defined]
            path, None, parameters=params, kernel_name="python3", progress_bar=False, extra_arguments=KERNEL_ARGS
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(run, notebooks))
    return time.perf_counter() - started


def _cpu() -> float:
    """CPU seconds of this process plus its waited-for descendants (fresh kernels, fork servers and their kernels)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _kind(source: str) -> str:
    if "figures." in source:
        return "figures"
    if source.lstrip().startswith(("from ", "import ")) or "\nimport " in source or "\nfrom " in source:
        return "imports+data" if "profile" in source else "imports"
    return "tables+text"


def _breakdown(outcomes: list) -> dict[str, float]:
    """Median seconds per phase over the notebooks given (each phase summed within a notebook)."""
    per_phase: dict[str, list[float]] = {}
    for outcome in outcomes:
        t = outcome.timings
        if t is None or not outcome.ok:
            continue
        phases = t.phases()
        cells: dict[str, float] = {}
        for source, seconds in t.cells:
            cells[_kind(source)] = cells.get(_kind(source), 0.0) + seconds
        row = {"kernel start": phases.get("kernel", 0.0)} | cells
        row |= {"cells, other (papermill, messages)": phases.get("cells", 0.0) - sum(cells.values())}
        row |= {k: phases.get(k, 0.0) for k in ("shutdown", "export", "write")}
        row["total"] = sum(phases.values())
        for key, value in row.items():
            per_phase.setdefault(key, []).append(value)
    return {k: statistics.median(v) for k, v in per_phase.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=None, help="notebooks at once (default: number of cores)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--fresh", action="store_true", help="also time a cold build with fresh kernels")
    parser.add_argument("--no-chart-cache-row", action="store_true",
                        help="also time a warm build with the chart cache off")  # fmt: skip
    parser.add_argument("--check", action="store_true", help=f"exit 1 if the median warm ratio is over {TARGET}")
    args = parser.parse_args(argv)

    from coop_analysis import chartcache, paths, site
    from coop_analysis.execution import import_stack
    from coop_analysis.runner import OVERVIEW_NOTEBOOK, REGION_NOTEBOOK, build_reports, default_jobs, default_regions

    papermill = import_stack()["papermill"]
    nb_dir = paths.notebooks_dir()
    regions = default_regions()
    jobs = args.jobs or default_jobs()
    n = len(regions) + 1
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    print(f"{n} notebooks ({len(regions)} provinces + overview), lang {args.lang}, {jobs} at a time, "
          f"{args.rounds} rounds; {os.cpu_count()} cores, load average {load[0]:.1f} at start; "
          f"Python {platform.python_version()}")  # fmt: skip

    seconds: dict[str, list[float]] = {}
    outcomes: dict[str, list] = {"cold": [], "warm": [], "nochart": []}
    cpu: dict[str, list[float]] = {}
    failed: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench_reports_") as tmp:
        empty_dir = Path(tmp) / "empty"
        empty_dir.mkdir()
        for name in (REGION_NOTEBOOK, OVERVIEW_NOTEBOOK):
            _empty_copy(nb_dir / name, empty_dir / name)
        empties = [(str(empty_dir / OVERVIEW_NOTEBOOK), {"lang": args.lang})]
        empties += [(str(empty_dir / REGION_NOTEBOOK), {"region": r, "lang": args.lang}) for r in regions]
        charts, fonts = Path(tmp) / "charts", Path(tmp) / "fonts"
        os.environ[chartcache.ENV] = str(charts)  # the kernels' chart cache
        site.font_cache_dir = lambda: fonts  # type: ignore[attr-defined]  # finish_site's, in this process

        def build(r: int, label: str) -> float:
            if label in ("cold", "fresh"):
                shutil.rmtree(charts, ignore_errors=True)
                shutil.rmtree(fonts, ignore_errors=True)
            os.environ[chartcache.ENV] = "off" if label == "nochart" else str(charts)
            result = build_reports(None, lang=args.lang, out=Path(tmp) / f"{label}{r}", jobs=jobs,
                                   fork=label != "fresh", progress=False)  # fmt: skip
            failed.extend(result.failed)
            outcomes.get(label, []).extend(result.outcomes)
            return result.seconds

        build(-1, "cold")  # fills the caches for round 1's warm build (not timed)
        for r in range(args.rounds):
            steps = [("floor", lambda: _floor(papermill, empties, jobs))]
            steps += [(label, lambda r=r, label=label: build(r, label)) for label in ("cold", "warm")]
            if args.no_chart_cache_row:
                steps.append(("nochart", lambda r=r: build(r, "nochart")))
            if args.fresh:
                steps.append(("fresh", lambda r=r: build(r, "fresh")))
            if r % 2:
                steps.reverse()
                steps.sort(key=lambda step: step[0] not in ("warm", "nochart"))  # first: caches full
            times = {}
            for label, step in steps:
                before = _cpu()
                times[label] = step()
                cpu.setdefault(label, []).append(_cpu() - before)
                seconds.setdefault(label, []).append(times[label])
            order = " → ".join(label for label, _ in steps)
            print(f"  round {r + 1} ({order}): floor {times['floor']:.2f} s, "
                  + ", ".join(f"{k} {times[k]:.2f} s ({times[k] / times['floor']:.2f}×)" for k in times if k != "floor"))  # fmt: skip
        del os.environ[chartcache.ENV]

    floor_s = seconds["floor"]
    med_floor = statistics.median(floor_s)
    print()
    print(f"  papermill empty-notebook floor: min {min(floor_s):.2f} s, median {med_floor:.2f} s")
    ratios: dict[str, float] = {}
    for label, title in [("cold", "cold (empty chart and font caches)"), ("warm", "warm (caches from the build before)"),
                         ("nochart", "warm, chart cache off"), ("fresh", "cold, fresh kernels")]:  # fmt: skip
        if label not in seconds:
            continue
        values = seconds[label]
        per_round = [v / f for v, f in zip(values, floor_s, strict=True)]
        ratios[label] = statistics.median(per_round)
        verdict = "OK" if ratios[label] <= TARGET else "OVER"
        print(f"  {title:36s} min {min(values):.2f} s, median {statistics.median(values):.2f} s; "
              f"ratio to the floor: median {ratios[label]:.2f} (target ≤ {TARGET}: {verdict}), "
              f"min/min {min(values) / min(floor_s):.2f}, per round {', '.join(f'{x:.2f}' for x in per_round)}")  # fmt: skip
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "")
    print("\nCPU seconds (this process and every process it started, kernels and servers included; median):")
    for label, values in cpu.items():
        ratio = statistics.median(values) / statistics.median(cpu["floor"])
        print(f"  {label:6s} {statistics.median(values):6.2f}  ({ratio:.2f}× the floor's; load-independent)")

    print("\nper report notebook (median over all rounds, seconds; the cells by what they call):")
    columns = {label: _breakdown(found) for label, found in outcomes.items() if found}
    print(f"  {'':36s} " + " ".join(f"{label:>7s}" for label in columns))
    for key in columns["cold"]:
        print(f"  {key:36s} " + " ".join(f"{c.get(key, float('nan')):7.3f}" for c in columns.values()))
    for name, error in failed:
        print(f"  FAILED {name}: {error}", file=sys.stderr)
    if args.check and (failed or ratios["warm"] > TARGET):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
