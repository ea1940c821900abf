"""Benchmark the report charts: build + PNG of every chart the reports draw.

Usage::

    PYTHONPATH=. python bench/bench_figures.py [--repeat 3] [--lang en|zh]

For each chart of the overview and of the Ningxia report (the region with the
most records), prints the median of ``--repeat`` runs of building the chart and
rendering its PNG as a notebook does (``Chart._repr_png_``), twice in the same
run: as shipped (maps with fixed margins, bar charts with margins measured from
their texts, no layout engine) and with matplotlib's constrained layout switched
back on for the same figure, the layout the charts used before (their other
changes, no minor ticks on log axes and plain tick labels instead of mathtext,
stay in both). The ratio shows what the fixed layout alone saves. Also prints the one-off cost a kernel pays
before its first chart (importing matplotlib, registering the CJK font, loading
the boundary file), measured in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_CHART = """
import time
T = time.perf_counter
import pandas
from coop_analysis import figures, plots, profiles
profile = profiles.region_profile("Ningxia")
t = T(); import matplotlib.figure, matplotlib.backends.backend_agg; a = T() - t
t = T(); plots.register_cjk_font(); plots.load_boundaries(); b = T() - t
t = T(); figures.region_map(profile, "en")._repr_png_(); c = T() - t
print(a, b, c)
"""


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lang", choices=["en", "zh"], default="en")
    args = ap.parse_args(argv)

    out = subprocess.run([sys.executable, "-c", FIRST_CHART], cwd=ROOT, check=True, capture_output=True, text=True)
    imports, setup, first = (float(x) for x in out.stdout.split())
    print("one-off cost before a kernel's first chart (fresh interpreter):")
    print(f"  import matplotlib.figure + Agg   {imports:6.3f} s")
    print(f"  register CJK font + boundaries   {setup:6.3f} s")
    print(f"  first chart (region map) + PNG   {first:6.3f} s")

    from coop_analysis import figures, profiles

    lang = args.lang
    profile = profiles.region_profile("Ningxia")
    charts: dict[str, Callable[[], figures.Chart | None]] = {
        "region map (Ningxia)": lambda: figures.region_map(profile, lang),
        "region counts (Ningxia)": lambda: figures.region_bars(profile, "count", lang),
        "region amounts (Ningxia)": lambda: figures.region_bars(profile, "money", lang),
        "overview flow map": lambda: figures.overview_flow_map(lang),
        "overview amounts": lambda: figures.overview_amounts("money", lang),
        "overview counts": lambda: figures.overview_amounts("count", lang),
        "overview matrix": lambda: figures.overview_matrix(lang),
    }
    for make in charts.values():  # warm: imports, fonts, boundary file, data
        chart = make()
        if chart is not None:
            chart._repr_png_()

    def shipped(make: Callable[[], figures.Chart | None]) -> None:
        chart = make()
        if chart is not None:
            chart._repr_png_()

    def constrained(make: Callable[[], figures.Chart | None]) -> None:
        chart = make()
        if chart is not None:
            chart.figure.set_layout_engine("constrained")
            chart._repr_png_()

    print(f"\nbuild + PNG per chart, median of {args.repeat} (lang {lang}):")
    print(f"  {'chart':28s} {'shipped':>9s} {'constrained':>12s} {'ratio':>6s}")
    total_a = total_b = 0.0
    for name, make in charts.items():
        a = _median(lambda make=make: shipped(make), args.repeat)
        b = _median(lambda make=make: constrained(make), args.repeat)
        total_a, total_b = total_a + a, total_b + b
        print(f"  {name:28s} {a:8.3f}s {b:11.3f}s {a / b:6.2f}")
    print(f"  {'all seven':28s} {total_a:8.3f}s {total_b:11.3f}s {total_a / total_b:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
