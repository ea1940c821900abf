"""Benchmark the map helpers: boundary loading, draw_china and a flow map PNG.

Usage::

    PYTHONPATH=. python bench/bench_map.py [--repeat 5]

Prints the boundary file size, the time to load it cold (fresh cache; and in a
fresh interpreter, imports included), and the median of ``--repeat`` runs of
draw + save for ``draw_china`` alone and for a flow map with the eleven 2021
East–West pairs, plus the first (cold) run, which includes importing pyplot and
loading the CJK font.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

# 2021 East–West pairs (design.md), with made-up weights.
PAIRS = [
    (110000, 150000, 12),
    (120000, 620000, 8),
    (310000, 530000, 20),
    (320000, 610000, 15),
    (320000, 630000, 5),
    (330000, 510000, 18),
    (350000, 640000, 9),
    (370000, 620000, 7),
    (370000, 500000, 6),
    (440000, 450000, 16),
    (440000, 520000, 14),
]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    code = (
        "import time; t = time.perf_counter(); "
        "from coop_analysis.charts import load_boundaries; load_boundaries(); "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    fresh = float(out.stdout.strip())

    t0 = time.perf_counter()
    import pandas as pd

    from coop_analysis import charts as plots
    from coop_analysis.charts import geo

    t_import = time.perf_counter() - t0

    path = geo.reference_dir() / plots.BOUNDARIES_FILE
    size = path.stat().st_size

    loads = []
    for _ in range(args.repeat):
        geo._load_boundaries_cached.cache_clear()
        geo._projected.cache_clear()
        t = time.perf_counter()
        plots.load_boundaries()
        loads.append(time.perf_counter() - t)

    import matplotlib.pyplot as plt

    def draw_china_once() -> None:
        with plots.report_style():
            fig, ax = plt.subplots(figsize=(8, 6))
            plots.draw_china(ax, {620000: "#f4a582"})
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)

    flows = pd.DataFrame(PAIRS, columns=["source_adcode", "target_adcode", "weight"])

    def flow_once() -> None:
        fig = plots.flow_map(flows, lang="zh", title="东西部协作结对（示意）")
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)

    def timed(fn) -> list[float]:  # type: ignore[no-untyped-def]
        out = []
        for _ in range(args.repeat + 1):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
        return out

    geo._projected.cache_clear()
    china = timed(draw_china_once)
    flow = timed(flow_once)

    print(f"boundary file            {path.relative_to(ROOT)}: {size / 1024:.0f} KB ({size:,} bytes)")
    print(f"import coop_analysis.charts (+pandas)     {_ms(t_import)}")
    print(f"load boundaries, fresh interpreter       {_ms(fresh)}  (imports included)")
    print(f"load boundaries, cold cache, median of {args.repeat} {_ms(statistics.median(loads))}")
    print(f"draw_china + save PNG: first (cold)      {_ms(china[0])}  (pyplot, projection cache)")
    print(f"draw_china + save PNG: median of {args.repeat}       {_ms(statistics.median(china[1:]))}")
    print(f"flow_map + save PNG:   first             {_ms(flow[0])}  (CJK font first use)")
    print(f"flow_map + save PNG:   median of {args.repeat}       {_ms(statistics.median(flow[1:]))}")


if __name__ == "__main__":
    main()
