"""Fuzz ``extract_quantities``, ``normalize_text`` and ``parse_quantity`` for a given time.

Every input must pass the oracle of ``tests/test_extraction.py``
(``check_extraction`` and ``check_normalization``): no exception, offsets that
slice the raw text to the mention (``text[start:end] == raw``, and the raw slice
equals the normalized mention up to spaces, line breaks and full-width forms),
values finite, unparsed mentions without a value, each read mention reading the
same when parsed alone, and no call over 1 s of CPU time on inputs under 10 KB (UTF-8);
the machine is shared, so the wall clock is printed too. ``coop-analysis extract`` reads a
text part by part: each input is also read cut into parts of 1 to 64 characters, which must
give the same candidates as the whole text (``check_parts`` of ``tests/test_ingest.py``).
``parse_quantity`` must return a Quantity or raise QuantityError, nothing else.

Inputs come from hypothesis (arbitrary Unicode text; text dense in numerals,
units, markers, separators, byte-order marks and line breaks, up to 10,000
characters; hostile repetitions such as long digit chains). The run prints the
number of inputs, characters, the slowest call and any failure with the input
that caused it (minimised by hypothesis).

Usage::

    python bench/fuzz_quantities.py --minutes 10
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import traceback
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from coop_analysis import QuantityError, parse_quantity  # noqa: E402
from tests.test_extraction import _DENSE, check_extraction, check_normalization  # noqa: E402
from tests.test_ingest import check_parts  # noqa: E402

_PIECES = [
    "1,000",
    "九",
    "1",
    "万",
    "亿",
    "家",
    "元",
    "-",
    "—",
    "至",
    "%",
    "百分之",
    "点",
    "(含)",
    "/",
    "\ufeff",
    "\r\n",
]
HOSTILE = st.builds(
    lambda piece, n, tail: piece * n + tail,
    st.sampled_from([*_PIECES, "1,", "1.", "一", "十", "零", "约", "第", "两三", "五六", "¥1", "$"]),
    st.integers(min_value=1, max_value=3_000),
    st.sampled_from(["", "家", "万元", "%", "年", "。"]),
)
STRATEGIES = {
    "unicode": st.text(max_size=2_000),
    "dense": st.lists(_DENSE, max_size=2_500).map("".join).map(lambda t: t[:10_000]),
    "hostile": HOSTILE,
}


class Stats:
    inputs = 0
    chars = 0
    slowest = (0.0, 0)  # wall-clock seconds, UTF-8 bytes: any input
    slowest_small = (0.0, 0)  # the same among inputs under 10 KB
    slowest_cpu_small = (0.0, 0)  # CPU seconds of this process, among inputs under 10 KB


def one(text: str) -> None:
    t0, c0 = time.perf_counter(), time.process_time()
    check_extraction(text)  # includes the oracle's own checks: an upper bound of the extraction's time
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    size = len(text.encode())
    Stats.inputs += 1
    Stats.chars += len(text)
    if dt > Stats.slowest[0]:
        Stats.slowest = (dt, size)
    if size < 10_000 and dt > Stats.slowest_small[0]:
        Stats.slowest_small = (dt, size)
    if size < 10_000 and dc > Stats.slowest_cpu_small[0]:
        Stats.slowest_cpu_small = (dc, size)
    check_normalization(text)
    check_parts(text, 1 + Stats.inputs % 64)
    for piece in (text[:60], text[:12]):
        with contextlib.suppress(QuantityError):
            parse_quantity(piece)


def run(minutes: float, seed: int) -> int:
    deadline = time.monotonic() + minutes * 60
    rounds = 0
    failures = 0
    while time.monotonic() < deadline:
        for name, strategy in STRATEGIES.items():
            if time.monotonic() >= deadline:
                break
            test = settings(
                max_examples=300,
                deadline=None,
                database=None,
                derandomize=False,
                suppress_health_check=list(HealthCheck),
            )(given(strategy)(one))
            try:
                test()
            except Exception as exc:  # report (with the minimised input), keep fuzzing the other strategies
                failures += 1
                subs = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
                for sub in subs:
                    report = "".join(traceback.format_exception(sub))
                    print(f"FAILURE in {name}:\n{report[-6000:]}", flush=True)
        rounds += 1
        elapsed = minutes * 60 - (deadline - time.monotonic())
        print(
            f"  {elapsed:6.0f} s: {Stats.inputs:,} inputs, {Stats.chars / 1e6:.1f} M characters, slowest call "
            f"{Stats.slowest[0]:.3f} s ({Stats.slowest[1]:,} bytes; under 10 KB: {Stats.slowest_small[0]:.3f} s wall, "
            f"{Stats.slowest_cpu_small[0]:.3f} s CPU), "
            f"failures {failures}",
            flush=True,
        )
    print(
        f"done: {rounds} rounds, {Stats.inputs:,} inputs, {Stats.chars / 1e6:.1f} M characters in {minutes:g} min; "
        f"slowest call {Stats.slowest[0]:.3f} s on {Stats.slowest[1]:,} bytes, {Stats.slowest_small[0]:.3f} s on "
        f"{Stats.slowest_small[1]:,} bytes among inputs under 10 KB (CPU time: {Stats.slowest_cpu_small[0]:.3f} s on "
        f"{Stats.slowest_cpu_small[1]:,} bytes); failures: {failures}"
    )
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0, help="unused by hypothesis' own randomness; kept for the log")
    args = ap.parse_args(argv)
    return run(args.minutes, args.seed)


if __name__ == "__main__":
    sys.exit(main())
