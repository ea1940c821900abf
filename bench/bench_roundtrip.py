"""Round trip: numbers rendered in Chinese by cn2an's ``an2cn`` must parse back to the same value.

For ``--n`` random numbers (default 20,000, seeded): an integer up to 10^12 or a
decimal with up to two places, rendered by ``cn2an.an2cn`` in one of its modes —
``low`` (一百二十三点四五), ``up`` (壹佰贰拾叁点肆伍), ``rmb`` (壹佰贰拾叁元肆角伍分) — with,
for ``low``/``up``, a 万/亿/万亿 scale (on numbers below 10,000), a qualifier
(约, 近, 超过, 不到, 达, 最高 … or 左右, 以上, 以内) and a unit (家, 人, 元, 美元, %,
个百分点, 吨, 平方米 …). ``parse_quantity`` must give the value, unit and qualifier
the rendering stands for. ``direct`` mode (digits one by one) is meaningful only
after 点 (already part of ``low``); for whole numbers of three or more digits it
must be *refused* (a year or a code, not a count), never read as another number;
two-digit direct forms (五六) are ranges by contract and not tested.

Prints the counts: same value, refused (QuantityError), different value (wrong).

Usage::

    python bench/bench_roundtrip.py [--n 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from decimal import Decimal

PREFIXES = [("", "exact"), ("约", "approx"), ("近", "nearly"), ("超过", "over"), ("不到", "up_to"), ("达", "exact"),
            ("最高", "up_to"), ("逾", "over"), ("将近", "nearly"), ("不少于", "over")]  # fmt: skip
SUFFIXES = [("左右", "approx"), ("以上", "over"), ("以内", "up_to"), ("以下", "up_to")]
UNITS = [("家", "家"), ("人", "人"), ("元", "CNY"), ("美元", "USD"), ("欧元", "EUR"), ("%", "percent"),
         ("个百分点", "pp"), ("吨", "吨"), ("平方米", "平方米"), ("人次", "人次"), ("项", "项"), ("亩", "亩")]  # fmt: skip
SCALES = [("", 1), ("万", 10**4), ("亿", 10**8), ("万亿", 10**12)]


def render(rng: random.Random) -> tuple[str, float | None, str, str, str]:
    """(text, expected value or None for "must be refused", unit, qualifier, mode)."""
    import cn2an

    mode = rng.choice(["low", "low", "up", "rmb", "direct"])
    if mode == "direct":
        n = rng.randint(100, 10**9)
        return cn2an.an2cn(n, "direct") + rng.choice(UNITS)[0], None, "", "", mode
    # a decimal with two places at most, or a whole number up to 10^12
    number = Decimal(rng.randint(0, 9_999_999)) / 100 if rng.random() < 0.4 else Decimal(int(10 ** rng.uniform(0, 12)))
    if mode == "rmb":
        return cn2an.an2cn(str(number), "rmb"), float(number), "CNY", "exact", mode
    scale_word, scale = ("", 1)
    if 0 < number < 10_000 and rng.random() < 0.5:
        scale_word, scale = rng.choice(SCALES[1:])
    words = cn2an.an2cn(str(number), mode)
    unit_word, unit = rng.choice(UNITS)
    prefix, qualifier = rng.choice(PREFIXES)
    suffix = ""
    if not prefix and rng.random() < 0.3:
        suffix, qualifier = rng.choice(SUFFIXES)
    return f"{prefix}{words}{scale_word}{unit_word}{suffix}", float(number * scale), unit, qualifier, mode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    from coop_analysis import QuantityError, parse_quantity

    rng = random.Random(args.seed)
    cases = [render(rng) for _ in range(args.n)]
    outcome: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[str]] = {"refused": [], "wrong": []}
    t0 = time.perf_counter()
    for text, value, unit, qualifier, mode in cases:
        try:
            q = parse_quantity(text)
        except QuantityError as exc:
            kind = "right" if value is None else "refused"
            if kind == "refused" and len(examples["refused"]) < 10:
                examples["refused"].append(f"{text}: {exc}")
            outcome[mode, kind] += 1
            continue
        ok = value is not None and math.isclose(q.value, value, rel_tol=1e-12, abs_tol=1e-12)
        ok = ok and q.unit == unit and q.qualifier == qualifier
        outcome[mode, "right" if ok else "wrong"] += 1
        if not ok and len(examples["wrong"]) < 20:
            examples["wrong"].append(f"{text}: expected {value} {unit} {qualifier}, got {q}")
    dt = time.perf_counter() - t0
    print(f"{args.n:,} rendered numbers (seed {args.seed}) parsed in {dt:.2f} s")
    print(f"   {'mode':<8} {'n':>7} {'right':>7} {'refused':>8} {'WRONG':>7}")
    for mode in ("low", "up", "rmb", "direct"):
        n = sum(v for (m, _), v in outcome.items() if m == mode)
        print(
            f"   {mode:<8} {n:>7,} {outcome[mode, 'right']:>7,} {outcome[mode, 'refused']:>8,} "
            f"{outcome[mode, 'wrong']:>7,}"
        )
    wrong = sum(v for (_, k), v in outcome.items() if k == "wrong")
    refused = sum(v for (_, k), v in outcome.items() if k == "refused")
    print(f"   all      {args.n:>7,} {args.n - wrong - refused:>7,} {refused:>8,} {wrong:>7,}")
    print("   (direct: 'right' means refused, as it must be)")
    for kind, items in examples.items():
        for e in items:
            print(f"   {kind}: {e}")
    return 1 if wrong or refused else 0


if __name__ == "__main__":
    sys.exit(main())
