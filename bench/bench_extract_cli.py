"""Benchmark: ``coop-analysis extract`` end to end through the command line, 1–50 MB.

Prints its numbers; asserts nothing about time (compare within one run).

The input is the generated corpus of ``make_corpus.py`` (one paragraph or heading per
line; the same text for every size, cut at a line end after N MB), so the sizes differ
only in length. Each size runs ``coop-analysis extract FILE --format csv`` (and, with
``--table``, the default table format) in a fresh process whose output goes to
/dev/null; the wrapper reports the child's wall time and peak resident memory
(``ru_maxrss``) and CPU time (user + system: on a shared machine the wall clock also
counts other processes). A one-line input measures the fixed cost (interpreter, imports,
the place-name lookup; after one unmeasured run that fills the caches), which the "net" columns subtract; the bare interpreter
(``python -c pass``, same wrapper) is measured too, and "above bare" is the peak above it.

MB = 10**6 bytes of UTF-8 input. Targets: ≥ 1 MB/s end to end, time growing linearly
with size, peak memory ≤ 10× the input. "net peak/input" is the peak above the one-line
input's (the interpreter, the modules and the gazetteer) per MB of input, "bare peak/input"
the peak above the bare interpreter's per MB. The corpus follows
the project's own quantity contract: it measures speed, not accuracy.

Where ``PYTHONDONTWRITEBYTECODE`` is set (as on the project's shared machines) every start
compiles the package's modules again (≈ 0.08 s of the fixed cost); ``--write-bytecode``
runs the children without it, so their compiled modules are kept in ``__pycache__`` as
on an ordinary installation (the unmeasured first run writes them).

``--baseline DIR`` runs the same inputs, alternating, with the package of another
checkout (e.g. ``git worktree add /tmp/base main``), both as ``python -m
coop_analysis.cli`` with ``PYTHONPATH`` set, and checks the two CSV outputs are
byte-identical; ``--baseline-max-mb`` skips the baseline on larger inputs.

    python bench/bench_extract_cli.py [--sizes 0.1 1 5 10 20 50] [--table] [--keep DIR] [--write-bytecode]
                                      [--baseline DIR [--baseline-max-mb 20]]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import make_corpus

PROJECT = Path(__file__).resolve().parent.parent
#: Variables left out of the children's environment (``--write-bytecode`` adds PYTHONDONTWRITEBYTECODE).
_UNSET: set[str] = set()

_CHILD = """
import json, os, resource, subprocess, sys, time
out = open(sys.argv[1], "wb") if sys.argv[1] != "-" else subprocess.DEVNULL
t = time.perf_counter()
run = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
                  "rc": run.returncode, "err": run.stderr[-300:]}))
"""


def _cut(corpus: Path, out: Path, n_bytes: int) -> int:
    """Write the first ``n_bytes`` of ``corpus`` to ``out``, ending at a line end; return the size."""
    with corpus.open("rb") as src, out.open("wb") as dst:
        data = src.read(n_bytes)
        data = data[: data.rfind(b"\n") + 1] if len(data) == n_bytes else data
        dst.write(data)
    return out.stat().st_size


def _run(package: Path, path: Path, fmt: str, max_mb: float, out: Path | None = None) -> dict[str, float]:
    """One fresh ``python -m coop_analysis.cli extract`` with ``package``'s checkout first on the path."""
    cmd = [sys.executable, "-m", "coop_analysis.cli", "extract", str(path), "--format", fmt, "--max-mb", str(max_mb)]
    return _measure(cmd, package, path.parent, out)


def _measure(cmd: list[str], package: Path, cwd: Path, out: Path | None = None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in _UNSET} | {"PYTHONPATH": str(package)}
    run = subprocess.run([sys.executable, "-c", _CHILD, str(out) if out else "-", *cmd], capture_output=True,
                         text=True, check=True, env=env, cwd=cwd)  # fmt: skip
    result = json.loads(run.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd[1:])} failed: {result['err']}")
    return result


def _row(label: str, fmt: str, size: float, r: dict[str, float], fixed: dict[str, float], bare: float) -> str:
    net = r["seconds"] - fixed["seconds"]
    return (f"{label:>8} {fmt:>6} {size:6.2f} {r['seconds']:8.2f} {size / r['seconds']:6.2f} {net:7.2f} "
            f"{size / net:8.2f} {r['seconds'] / size:6.2f} {r['peak_mb']:8.0f} {r['peak_mb'] / size:10.1f} "
            f"{(r['peak_mb'] - fixed['peak_mb']) / size:14.1f} {(r['peak_mb'] - bare) / size:15.1f} {r['cpu']:6.2f} "
            f"{size / r['cpu']:8.2f}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1, 5, 10, 20, 50], help="input sizes in MB")
    parser.add_argument("--table", action="store_true", help="also time the default table format")
    parser.add_argument("--keep", help="folder for the corpus and inputs (default: a temporary one, removed)")
    parser.add_argument("--baseline", type=Path, help="a checkout whose package to compare with (alternating runs)")
    parser.add_argument("--baseline-max-mb", type=float, default=float("inf"), help="no baseline above this size")
    parser.add_argument("--write-bytecode", action="store_true",
                        help="run without PYTHONDONTWRITEBYTECODE (compiled modules cached, as when installed)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.write_bytecode:
        _UNSET.add("PYTHONDONTWRITEBYTECODE")
    packages = {"current": PROJECT}
    if args.baseline:
        packages = {"baseline": args.baseline.resolve(), **packages}
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-extract-cli-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        corpus = folder / "corpus.txt"
        if not corpus.exists() or corpus.stat().st_size < max(args.sizes) * 1e6:
            print(f"generating a {max(args.sizes):g} MB corpus …", flush=True)
            make_corpus(folder, target_bytes=int(max(args.sizes) * 1e6) + 100_000)
        tiny = folder / "one-line.txt"
        tiny.write_text("签约3家企业。\n", encoding="utf-8")
        formats = ["csv", "table"] if args.table else ["csv"]
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
        compiled = args.write_bytecode or not os.environ.get("PYTHONDONTWRITEBYTECODE")
        print("compiled modules: " + ("cached in __pycache__" if compiled else
              "not cached (PYTHONDONTWRITEBYTECODE is set: each start compiles the package)"), flush=True)  # fmt: skip
        bare = _measure([sys.executable, "-c", "pass"], PROJECT, folder)
        print(f"bare interpreter (python -c pass): {bare['seconds']:.2f} s ({bare['cpu']:.2f} s CPU), "
              f"peak {bare['peak_mb']:.1f} MB")  # fmt: skip
        for pkg in packages.values():  # unmeasured: fills each checkout's caches (tables, place names)
            _run(pkg, tiny, "csv", 1)
        fixed = {(label, fmt): _run(pkg, tiny, fmt, 1) for label, pkg in packages.items() for fmt in formats}
        for (label, fmt), r in fixed.items():
            print(f"fixed cost ({label}, {fmt}, one-line input): {r['seconds']:.2f} s ({r['cpu']:.2f} s CPU), "
                  f"peak {r['peak_mb']:.1f} MB ({r['peak_mb'] - bare['peak_mb']:.1f} MB above the bare interpreter)")  # fmt: skip
        print(f"{'package':>8} {'format':>6} {'MB':>6} {'seconds':>8} {'MB/s':>6} {'net s':>7} {'net MB/s':>8} "
              f"{'s/MB':>6} {'peak MB':>8} {'peak/input':>10} {'net peak/input':>14} {'bare peak/input':>15} {'CPU s':>6} "
              f"{'CPU MB/s':>8}")  # fmt: skip
        for mb in args.sizes:
            path = folder / f"input-{mb:g}mb.txt"
            size = _cut(corpus, path, int(mb * 1e6)) / 1e6
            for fmt in formats:
                outputs = {}
                for label, pkg in packages.items():
                    if label == "baseline" and mb > args.baseline_max_mb:
                        continue
                    out = folder / f"out-{label}.{fmt}" if len(packages) > 1 else None
                    r = _run(pkg, path, fmt, max(100, 2 * mb), out)
                    print(_row(label, fmt, size, r, fixed[label, fmt], bare["peak_mb"]), flush=True)
                    if out is not None:
                        outputs[label] = out
                if len(outputs) == 2:
                    same = outputs["baseline"].read_bytes() == outputs["current"].read_bytes()
                    print(f"{'':>8} output {'identical' if same else 'DIFFERENT'} to the baseline's", flush=True)
                for out in outputs.values():
                    out.unlink()
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
