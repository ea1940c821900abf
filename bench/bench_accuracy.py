"""Accuracy of ``parse_quantity`` and ``extract_quantities`` on an independent, hand-labelled set.

The set (``bench/accuracy/``) was written by hand in the style of Chinese
government bulletins, financial news and statistical communiqués, and labelled
by reasoning about the Chinese, before the parser it measures was written; it
is not generated from the parser or from the project's contract code.

* ``expressions.csv``: one expression per row with its class and expected
  reading (``expect`` = ``read`` with ``value, unit, qualifier`` — for a range
  ``low, high`` instead of ``value`` — or ``reject``). Bounds of non-range
  readings follow from the qualifier (exact: low = high = value; over: low;
  nearly/up_to: high; approx: none).
* ``sentences.jsonl``: sentences with every mention a reader should get, in
  text order: ``[raw, value, unit, qualifier]``, ``[raw, null, unit, "range",
  low, high]`` or ``[raw, "unparsed"]`` (a mention that must be reported
  without a value). Anything else the extractor reports is *spurious*.

Outcomes, printed per class:

* **right**: the reading (value, unit, qualifier, low, high) as labelled, or a
  rejection / unparsed report where one is labelled;
* **WRONG**: a number that differs from the label, or a number where the label
  says reject/unparsed, or a spurious mention with a number — the worst case;
* **safe**: rejected or reported unparsed where a reading was labelled (no
  number is given, so nothing wrong is shown);
* for sentences also **missed** (a labelled mention the extractor does not
  report at all) and **false alarms** (spurious unparsed mentions).

Usage::

    python bench/bench_accuracy.py [--show 40]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent / "accuracy"

Reading = tuple[float, str, str, float | None, float | None]


def _num(s: str) -> float | None:
    return float(s) if s not in ("", None) else None


def expected_reading(value: float | None, unit: str, qualifier: str, low: float | None, high: float | None) -> Reading:
    """The full reading a label stands for (bounds from the qualifier, a range's value its midpoint)."""
    if qualifier == "range":
        assert low is not None and high is not None
        return ((low + high) / 2, unit, "range", low, high)
    assert value is not None
    low = value if qualifier in ("exact", "over") else None
    high = value if qualifier in ("exact", "nearly", "up_to") else None
    return (value, unit, qualifier, low, high)


SETS = {
    "main": ("expressions.csv", "sentences.jsonl"),
    "holdout": ("holdout_expressions.csv", "holdout_sentences.jsonl"),
}


def load_expressions(name: str = "expressions.csv") -> list[dict]:
    rows = []
    with open(HERE / name, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["expect"] == "read":
                row["reading"] = expected_reading(
                    _num(row["value"]), row["unit"], row["qualifier"], _num(row["low"]), _num(row["high"])
                )
            elif row["expect"] != "reject":
                raise ValueError(f"expressions.csv: expect must be read or reject, got {row['expect']!r}")
            rows.append(row)
    return rows


def load_sentences(name: str = "sentences.jsonl") -> list[dict]:
    out = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        mentions = []
        for m in d["mentions"]:
            if m[1] == "unparsed":
                mentions.append((m[0], None))
            elif m[3] == "range":
                mentions.append((m[0], expected_reading(None, m[2], "range", m[4], m[5])))
            else:
                mentions.append((m[0], expected_reading(m[1], m[2], m[3], None, None)))
        d["expected"] = mentions
        out.append(d)
    return out


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return (a is None or a != a) and (b is None or b != b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def same(got: Reading, want: Reading) -> bool:
    return (
        _close(got[0], want[0])
        and got[1] == want[1]
        and got[2] == want[2]
        and _close(got[3], want[3])
        and _close(got[4], want[4])
    )


def fmt(r: Reading | None) -> str:
    if r is None:
        return "—"
    v, u, q, lo, hi = r
    return f"{v:g} {u} {q}" + (f" [{lo:g}, {hi:g}]" if q == "range" else "")


def score_expressions(rows: list[dict]) -> tuple[dict, list[str]]:
    from coop_analysis import QuantityError, parse_quantity

    per_class: dict[str, Counter] = defaultdict(Counter)
    notes = []
    for row in rows:
        try:
            q = parse_quantity(row["text"])
            got: Reading | None = (q.value, q.unit, q.qualifier, q.low, q.high)
            err = ""
        except QuantityError as exc:
            got, err = None, str(exc)
        c = per_class[row["class"]]
        c["n"] += 1
        if row["expect"] == "reject":
            if got is None:
                c["right"] += 1
            else:
                c["wrong"] += 1
                notes.append(f"WRONG  {row['class']:<14} {row['text']!r}: expected a rejection, got {fmt(got)}")
        elif got is None:
            c["safe"] += 1
            notes.append(f"safe   {row['class']:<14} {row['text']!r}: expected {fmt(row['reading'])}; {err[:90]}")
        elif same(got, row["reading"]):
            c["right"] += 1
        else:
            c["wrong"] += 1
            notes.append(f"WRONG  {row['class']:<14} {row['text']!r}: expected {fmt(row['reading'])}, got {fmt(got)}")
    return per_class, notes


def score_sentences(rows: list[dict]) -> tuple[dict, list[str]]:
    from coop_analysis import extract_quantities

    per_class: dict[str, Counter] = defaultdict(Counter)
    notes = []
    for d in rows:
        text = d["text"]
        found = extract_quantities(text)
        got = [
            (int(r.start), int(r.end), r.raw, None if r.value != r.value else (r.value, r.unit, r.qualifier,
             None if r.low != r.low else r.low, None if r.high != r.high else r.high))
            for r in found.itertuples(index=False)
        ]  # fmt: skip
        used: set[int] = set()
        c = per_class[d["class"]]
        pos = 0
        for raw, want in d["expected"]:
            s = text.find(raw, pos)
            e = s + len(raw)
            pos = s + 1
            c["n"] += 1
            hits = [k for k, (gs, ge, *_rest) in enumerate(got) if gs < e and s < ge and k not in used]
            if not hits:
                c["missed"] += 1
                notes.append(f"missed {d['id']} {raw!r} (expected {fmt(want) if want else 'unparsed'})")
                continue
            k = hits[0]
            used.add(k)
            reading = got[k][3]
            if want is None:
                if reading is None:
                    c["right"] += 1
                else:
                    c["wrong"] += 1
                    notes.append(f"WRONG  {d['id']} {raw!r}: expected unparsed, got {got[k][2]!r} {fmt(reading)}")
            elif reading is None:
                c["safe"] += 1
                notes.append(f"safe   {d['id']} {raw!r}: expected {fmt(want)}, got unparsed {got[k][2]!r}")
            elif same(reading, want):
                c["right"] += 1
            else:
                c["wrong"] += 1
                notes.append(f"WRONG  {d['id']} {raw!r}: expected {fmt(want)}, got {got[k][2]!r} {fmt(reading)}")
        for k, (_s, _e, raw, reading) in enumerate(got):
            if k in used:
                continue
            if reading is None:
                c["false_alarm"] += 1
                notes.append(f"alarm  {d['id']} spurious unparsed mention {raw!r}")
            else:
                c["wrong"] += 1
                c["spurious"] += 1
                notes.append(f"WRONG  {d['id']} spurious mention {raw!r} read as {fmt(reading)}")
    return per_class, notes


def _table(title: str, per_class: dict, extra: tuple[str, ...] = ()) -> Counter:
    total: Counter = Counter()
    cols = ("n", "right", "WRONG", "safe", *extra)
    print(f"\n{title}")
    print(f"   {'class':<16}" + "".join(f"{c:>9}" for c in cols) + f"{'right %':>9}")
    for cls in sorted(per_class):
        c = per_class[cls]
        total.update(c)
        vals = [c["n"], c["right"], c["wrong"], c["safe"], *(c[x] for x in extra)]
        print(f"   {cls:<16}" + "".join(f"{v:>9}" for v in vals) + f"{c['right'] / c['n']:>9.1%}")
    vals = [total["n"], total["right"], total["wrong"], total["safe"], *(total[x] for x in extra)]
    print(f"   {'all':<16}" + "".join(f"{v:>9}" for v in vals) + f"{total['right'] / total['n']:>9.1%}")
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=40, help="how many wrong/safe/missed cases to list (default 40)")
    ap.add_argument("--set", choices=sorted(SETS), default="main", help="main set (default) or the held-out set")
    args = ap.parse_args(argv)
    expr_file, sent_file = SETS[args.set]
    exprs, sents = load_expressions(expr_file), load_sentences(sent_file)
    n_mentions = sum(len(d["expected"]) for d in sents)
    print(f"{args.set} set: {len(exprs)} expressions, {len(sents)} sentences with {n_mentions} labelled mentions")
    e_classes, e_notes = score_expressions(exprs)
    s_classes, s_notes = score_sentences(sents)
    et = _table("parse_quantity on the expressions", e_classes)
    st = _table("extract_quantities on the sentences", s_classes, ("missed", "false_alarm"))
    print(
        f"\nWRONG readings: {et['wrong']} of {et['n']} expressions, {st['wrong']} in the sentences "
        f"({st['spurious']} of them spurious mentions). Safe rejections: {et['safe']} + {st['safe']}; "
        f"silently missed mentions: {st['missed']}; false alarms: {st['false_alarm']}."
    )
    notes = [n for n in e_notes + s_notes if n.startswith("WRONG")] + [
        n for n in e_notes + s_notes if not n.startswith("WRONG")
    ]
    for n in notes[: args.show]:
        print("   " + n)
    if len(notes) > args.show:
        print(f"   … {len(notes) - args.show} more (--show N)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
