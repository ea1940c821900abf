"""Benchmark the report charts: build + PNG of every chart the reports draw.

Usage::

    PYTHONPATH=. python bench/bench_figures.py [--repeat 7] [--lang en|zh]

For each chart of the overview and of the Ningxia report (the region with the
most records), prints the fastest of ``--repeat`` runs of building the chart and
rendering its PNG as a notebook does (``Chart._repr_png_``), in two variants run
alternately: as shipped (maps with fixed margins, bar charts with margins
measured from their texts, no layout engine) and with matplotlib's constrained
layout switched back on for the same figure, the layout the charts used before.
Their other changes (no minor ticks on log axes, plain tick labels instead of
mathtext) stay in both, so the ratio shows what the fixed layout alone saves.
The heatmap keeps its constrained layout in both (ratio ≈ 1). Also prints the
one-off cost a kernel pays before its first chart (importing matplotlib,
registering the CJK font, loading the boundary file), in a fresh interpreter.
"""

from __future__ import annotations

import argparse
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
from coop_analysis import charts, figures, profiles
profile = profiles.region_profile("Ningxia")
t = T(); import matplotlib.figure, matplotlib.backends.backend_agg; a = T() - t
t = T(); charts.register_cjk_font(); charts.load_boundaries(); b = T() - t
t = T(); figures.region_map(profile, "en")._repr_png_(); c = T() - t
print(a, b, c)
"""


def _interleaved(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Fastest of ``repeat`` runs of ``a`` and of ``b``, run alternately (noise hits both alike)."""
    times_a, times_b = [], []
    for _ in range(repeat):
        for fn, times in ((a, times_a), (b, times_b)):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return min(times_a), min(times_b)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
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

    print(f"\nbuild + PNG per chart, fastest of {args.repeat}, the two variants alternating (lang {lang}):")
    print(f"  {'chart':28s} {'shipped':>9s} {'constrained':>12s} {'ratio':>6s}")
    total_a = total_b = 0.0
    for name, make in charts.items():
        a, b = _interleaved(lambda make=make: shipped(make), lambda make=make: constrained(make), args.repeat)
        total_a, total_b = total_a + a, total_b + b
        print(f"  {name:28s} {a:8.3f}s {b:11.3f}s {a / b:6.2f}")
    print(f"  {'all seven':28s} {total_a:8.3f}s {total_b:11.3f}s {total_a / total_b:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
