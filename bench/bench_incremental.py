"""Reproducible and incremental builds of every report, each step a fresh ``coop-analysis reports`` command.

1. Two clones of this commit (``git clone``), each built in full: wall time, and whether
   the two ``reports/`` folders are byte-identical (every file, manifest and index included).
2. A no-change rebuild in the first clone, several times: wall time of the whole command.
3. One fact changed (F027's value) in the first clone: the incremental build's time and
   the reports it ran, against the full build's time.

The clones share this checkout's installed library (``coop_analysis`` of the running
interpreter); data, notebooks and lock come from each clone (``COOP_ANALYSIS_ROOT``).

    python bench/bench_incremental.py [--repeat 5] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def reports(root: Path, jobs: int, *extra: str) -> tuple[float, str]:
    env = os.environ | {"COOP_ANALYSIS_ROOT": str(root), "COOP_ANALYSIS_CACHE": str(root / ".cache")}
    command = [sys.executable, "-m", "coop_analysis.cli", "reports", "--out", str(root / "reports"), *extra]
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"reports failed in {root}:\n{done.stderr[-2000:]}")
    return seconds, done.stdout.strip().splitlines()[-1]


def tree(root: Path) -> dict[str, bytes]:
    out = root / "reports"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="no-change rebuilds to time")
    parser.add_argument("--jobs", type=int, default=0, help="notebooks at once (default: the runner's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp:
        clones = [Path(tmp) / "a", Path(tmp) / "b"]
        for clone in clones:
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        print(f"commit {subprocess.check_output(['git', '-C', str(ROOT), 'rev-parse', 'HEAD'], text=True)[:12]}, "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")  # fmt: skip
        full = []
        for clone in clones:
            seconds, line = reports(clone, args.jobs)
            full.append(seconds)
            print(f"full build in clone {clone.name}: {seconds:6.1f} s  ({line})")
        a, b = tree(clones[0]), tree(clones[1])
        differ = sorted(name for name in set(a) | set(b) if a.get(name) != b.get(name))
        n_reports = sum(name.endswith(".html") and name != "index.html" for name in a)
        print(f"two clones byte-identical: {'yes' if not differ else 'NO'} ({len(a)} files, {n_reports} reports)")
        for name in differ[:20]:
            print(f"  differs: {name}")

        times = []
        for _ in range(args.repeat):
            seconds, line = reports(clones[0], args.jobs)
            times.append(seconds)
        print(f"no-change rebuild ({n_reports} reports, fresh command): min {min(times):.2f} s, "
              f"median {statistics.median(times):.2f} s, max {max(times):.2f} s  ({line})")  # fmt: skip

        facts = clones[0] / "data" / "curated" / "facts.csv"
        lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
        changed = [ln.replace(",6800000,", ",6900000,", 1) if ln.startswith("F027,") else ln for ln in lines]
        if changed == lines:
            raise SystemExit("F027's value is no longer 6800000: update the bench")
        facts.write_text("".join(changed), encoding="utf-8")
        seconds, line = reports(clones[0], args.jobs)
        print(f"one fact changed (F027): {seconds:6.1f} s vs full {min(full):.1f} s  ({line})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
