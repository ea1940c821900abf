"""Benchmark: ``extract_quantities`` throughput and a money-parsing comparison with JioNLP.

Prints its numbers; asserts nothing about time (compare ratios within one run).

Part 1, extraction on one core (one process, one thread) over the generated corpus
(``make_corpus.py``, ≥10 MB UTF-8, written to a temporary directory):

* A. one call per paragraph (one line of ``corpus.txt``; headings are lines too)
* B. one call per ~100 KB chunk of whole paragraphs (``--chunk-kb``)
* C. one call per ~100 KB chunk of the hard-wrapped text (the same paragraphs as B,
     wrapped like PDF extraction at display width 18)

MB = 10**6 bytes of UTF-8 input passed to the calls. Target: ≥ 1 MB/s. For A and B
the mentions found are scored against the quantities the generator inserted
(found = a mention overlapping the inserted span with the same value and unit);
for C, the mentions are compared with B's, chunk by chunk, and (untimed)
``normalize_text`` of each wrapped chunk is compared with that of the flat chunk.

The generated corpus follows the project's own quantity contract, so its scores are a
consistency check, not an accuracy measure.

Part 2, money expressions of the independent, hand-labelled set (``bench/accuracy``, main
and held-out): ``coop_analysis.parse_quantity`` beside ``jionlp.parse_money``, each on the
cases it claims to handle and on the cases both claim. JioNLP claims a case when its own
currency pattern (``jionlp.rule.rule_pattern.CURRENCY_CASE``) finds a currency and no
currency symbol is used (its docs list symbols as to do); the project claims every money
case. Right = the labelled reading (JioNLP: currency, and the value — for a range both
ends; its interval for 余/多 counts when the stated number is one of its ends) or a
refusal where the label says refuse; WRONG = any other number; refused = no reading where
one was labelled. ``case`` maps 元 → CNY, 美元 → USD … (``ISO``). Speed: best of three
passes over all the money expressions. jionlp is optional (the ``bench`` extra).

Usage::

    /work/venv/bin/python bench/bench_extract.py [--mb 10.5] [--chunk-kb 100] [--corpus-dir DIR] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import math
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(PROJECT))

from make_corpus import DEFAULT_BYTES, make_corpus, wrap_line  # noqa: E402

from coop_analysis.quantities import CURRENCIES  # noqa: E402

CURRENCY_CODES = frozenset({"CNY", "USD", "EUR", "HKD", "JPY", "GBP"})
# JioNLP names currencies as written (元, 美元 …): the same words the contract maps to ISO codes.
JIO_CASE = CURRENCIES


# ------------------------------------------------------------------ extraction


def _chunks(lines: list[str], chunk_bytes: int) -> list[tuple[int, int]]:
    """Groups of whole lines [i, j) of about ``chunk_bytes`` UTF-8 bytes each."""
    out, start, size = [], 0, 0
    for k, ln in enumerate(lines):
        size += len(ln.encode()) + 1
        if size >= chunk_bytes:
            out.append((start, k + 1))
            start, size = k + 1, 0
    if start < len(lines):
        out.append((start, len(lines)))
    return out


def _rows(frame) -> list[tuple[int, int, float, str, str]]:
    return list(
        zip(
            frame["start"].tolist(),
            frame["end"].tolist(),
            frame["value"].tolist(),
            frame["unit"].fillna("").tolist(),
            frame["qualifier"].fillna("").tolist(),
            strict=True,
        )
    )


def _time_calls(texts: list[str], extract) -> tuple[float, list[list[tuple]], float]:
    """(wall-clock seconds, mentions per text, CPU seconds of this process)."""
    found: list[list[tuple]] = []
    t0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        found.append(_rows(extract(t)))
    return time.perf_counter() - t0, found, time.process_time() - c0


def _score(truth: list[list], found: list[tuple]) -> tuple[int, int, int, list[str]]:
    """(truth items found, of them with the same qualifier, extra mentions, examples of misses)."""
    hit = same_q = 0
    used: set[int] = set()
    misses = []
    for s, e, raw, value, unit, qualifier in truth:
        match = None
        for k, (fs, fe, fv, fu, _fq) in enumerate(found):
            if k not in used and fs < e and s < fe and fu == unit and math.isclose(fv, value, rel_tol=1e-9):
                match = k
                break
        if match is None:
            misses.append(f"{raw} ({value:g} {unit} {qualifier})")
            continue
        used.add(match)
        hit += 1
        same_q += found[match][4] == qualifier
    return hit, same_q, len(found) - len(used), misses


def bench_extraction(corpus_dir: Path, chunk_kb: int, profile: bool) -> None:
    from coop_analysis import extract_quantities

    print("=" * 78)
    print("1. extract_quantities throughput (one process, one thread)")
    print("=" * 78)
    flat_text = (corpus_dir / "corpus.txt").read_text(encoding="utf-8")
    lines = flat_text.rstrip("\n").split("\n")
    truths = [json.loads(ln) for ln in (corpus_dir / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(truths) == len(lines), "truth.jsonl does not match corpus.txt"
    groups = _chunks(lines, chunk_kb * 1000)
    flat_chunks = ["\n".join(lines[i:j]) for i, j in groups]
    wrapped_chunks = ["\n".join(wrap_line(ln) for ln in lines[i:j]) for i, j in groups]
    n_bytes = {
        "A": sum(len(ln.encode()) for ln in lines),
        "B": sum(len(c.encode()) for c in flat_chunks),
        "C": sum(len(c.encode()) for c in wrapped_chunks),
    }
    print(
        f"   corpus: {corpus_dir}  {len(lines):,} lines, {sum(len(t) for t in truths):,} quantities inserted; "
        f"{len(groups)} chunks of ~{chunk_kb} KB"
    )
    extract_quantities("预热：约5万元。")  # first call: lazy imports (pandas), not timed

    modes = {
        "A": ("A. one call per paragraph (flat)", lines),
        "B": (f"B. one call per ~{chunk_kb} KB chunk (flat)", flat_chunks),
        "C": (f"C. one call per ~{chunk_kb} KB chunk (hard-wrapped)", wrapped_chunks),
    }
    results: dict[str, tuple[float, list[list[tuple]], float]] = {}
    for key, (_, texts) in modes.items():
        results[key] = _time_calls(texts, extract_quantities)

    print(f"\n   {'mode':<46} {'calls':>7} {'MB':>6} {'s':>7} {'MB/s':>6} {'ms/call':>8} {'mentions':>9}")
    for key, (label, texts) in modes.items():
        dt, found, _cpu = results[key]
        mb = n_bytes[key] / 1e6
        print(
            f"   {label:<46} {len(texts):>7,} {mb:>6.2f} {dt:>7.2f} {mb / dt:>6.2f} {dt / len(texts) * 1e3:>8.2f} "
            f"{sum(len(f) for f in found):>9,}"
        )
    for key in modes:
        rate = n_bytes[key] / 1e6 / results[key][0]
        cpu_rate = n_bytes[key] / 1e6 / results[key][2]
        print(
            f"   {key}: {rate:.2f} MB/s wall clock ({cpu_rate:.2f} MB/s of CPU time) -> target >= 1 MB/s: "
            f"{'met' if rate >= 1 else 'MISSED'}"
        )

    # accuracy against the generator's truth (A: per line; B: chunk offsets = line offsets shifted)
    print("\n   Mentions against the inserted quantities:")
    for key in ("A", "B"):
        found_by_line: list[list[tuple]]
        if key == "A":
            found_by_line = results["A"][1]
        else:
            found_by_line = [[] for _ in lines]
            for (i, j), found in zip(groups, results["B"][1], strict=True):
                starts, pos = [], 0
                for k in range(i, j):
                    starts.append(pos)
                    pos += len(lines[k]) + 1
                li = 0
                for s, e, v, u, q in found:
                    while li + 1 < len(starts) and starts[li + 1] <= s:
                        li += 1
                    found_by_line[i + li].append((s - starts[li], e - starts[li], v, u, q))
        hit = same_q = extra = 0
        misses: Counter[str] = Counter()
        for t, f in zip(truths, found_by_line, strict=True):
            h, sq, ex, ms = _score(t, f)
            hit, same_q, extra = hit + h, same_q + sq, extra + ex
            misses.update(ms)
        total = sum(len(t) for t in truths)
        print(
            f"   {key}: found {hit:,}/{total:,} ({hit / total:.2%}) with value and unit right; "
            f"qualifier also right {same_q:,} ({same_q / total:.2%}); "
            f"{extra:,} mentions that are not inserted quantities"
        )
        if key == "A" and misses:
            print("      most frequent misses: " + "; ".join(f"{m} ×{c}" for m, c in misses.most_common(8)))
    if results["A"][1]:
        extras = Counter()
        for line, t, f in zip(lines, truths, results["A"][1], strict=True):
            spans = [(s, e) for s, e, *_ in t]
            for s, e, *_ in f:
                if not any(s < te and ts < e for ts, te in spans):
                    extras[line[s:e]] += 1
        if extras:
            print(
                "      mentions that are not inserted quantities (most frequent): "
                + "; ".join(f"{m!r} ×{c}" for m, c in extras.most_common(8))
            )

    # C against B
    same = total_b = total_c = 0
    diffs = []
    for (i, _), fb, fc in zip(groups, results["B"][1], results["C"][1], strict=True):
        kb = Counter((round(v, 6), u, q) for _, _, v, u, q in fb)
        kc = Counter((round(v, 6), u, q) for _, _, v, u, q in fc)
        same += sum((kb & kc).values())
        total_b += sum(kb.values())
        total_c += sum(kc.values())
        if kb != kc and len(diffs) < 6:
            diffs.append((i, kb - kc, kc - kb))
    print(
        f"   C vs B: {same:,} of B's {total_b:,} mentions read identically in the wrapped text "
        f"({same / max(total_b, 1):.2%}); C has {total_c:,} mentions"
    )
    for i, only_b, only_c in diffs[:3]:
        flat_only, wrapped_only = list(only_b.elements())[:4], list(only_c.elements())[:4]
        print(f"      chunk at line {i}: only flat {flat_only}  only wrapped {wrapped_only}")
    _compare_normalization(flat_chunks, wrapped_chunks)

    if profile:
        _profile_extraction(extract_quantities, lines, flat_chunks, wrapped_chunks)


def _compare_normalization(flat_chunks: list[str], wrapped_chunks: list[str]) -> None:
    """How often normalize_text(wrapped) gives back the paragraphs of normalize_text(flat) (untimed)."""
    from coop_analysis import normalize_text

    total = same = split = merged = other = 0
    examples: dict[str, list[str]] = {"split": [], "merged": []}
    for flat, wrapped in zip(flat_chunks, wrapped_chunks, strict=True):
        ref = normalize_text(flat).split("\n")
        got = normalize_text(wrapped).split("\n")
        common = Counter(ref) & Counter(got)
        total += len(ref)
        same += sum(common.values())
        left = Counter(got) - common
        for line in (Counter(ref) - common).elements():
            pieces = [g for g in left if g != line and line.startswith(g)]
            longer = [g for g in left if g != line and g.startswith(line)]
            if pieces:
                split += 1
                g = max(pieces, key=len)
                if len(examples["split"]) < 3:
                    examples["split"].append(f"...{g[-16:]}⏎{line[len(g) : len(g) + 10]}...")
            elif longer:
                merged += 1
                g = longer[0]
                if len(examples["merged"]) < 2:
                    examples["merged"].append(f"...{line[-12:]}⏎ joined with {g[len(line) : len(line) + 16]}...")
            else:
                other += 1
    print(
        f"   normalize_text(wrapped) gives back {same:,} of {total:,} lines (paragraphs, headings) of "
        f"normalize_text(flat) exactly ({same / total:.2%}); of the rest: {split:,} paragraphs broken in two, "
        f"{merged:,} joined with the next line, {other:,} other (e.g. a heading absorbed by the line before)"
    )
    for kind, items in examples.items():
        for ex in items:
            print(f"      {kind}: {ex}")


def _profile_extraction(extract, lines, flat_chunks, wrapped_chunks) -> None:
    print("\n   cProfile (about 1 MB of each mode; percentages of the profiled total):")
    budget = 1_000_000
    for label, texts in (
        ("A per paragraph", lines),
        ("B flat chunks", flat_chunks),
        ("C wrapped chunks", wrapped_chunks),
    ):
        subset, size = [], 0
        for t in texts:
            subset.append(t)
            size += len(t.encode())
            if size >= budget:
                break
        prof = cProfile.Profile()
        prof.enable()
        for t in subset:
            extract(t)
        prof.disable()
        _print_profile(prof, f"{label} ({len(subset)} calls, {size / 1e6:.2f} MB)")


def _print_profile(prof: cProfile.Profile, title: str, top: int = 14) -> None:
    st = pstats.Stats(prof)
    total = st.total_tt
    print(f"\n   -- {title}: {total:.2f} s profiled")
    rows = []
    for (fname, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():
        short = fname.replace(str(PROJECT) + os.sep, "")
        short = short.split("site-packages" + os.sep)[-1]
        rows.append((ct, tt, nc, f"{short}:{line}({func})"))
    print(f"   {'cumulative':>10} {'share':>6} {'self':>7} {'share':>6} {'calls':>8}  function")
    for ct, tt, nc, name in sorted(rows, reverse=True)[:top]:
        print(f"   {ct:>9.3f}s {ct / total:>6.1%} {tt:>6.3f}s {tt / total:>6.1%} {nc:>8,}  {name}")
    print("   by self time:")
    for ct, tt, nc, name in sorted(rows, key=lambda r: -r[1])[:8]:
        print(f"   {ct:>9.3f}s {ct / total:>6.1%} {tt:>6.3f}s {tt / total:>6.1%} {nc:>8,}  {name}")


# ------------------------------------------------------------------ money comparison

ISO = {"元": "CNY", "美元": "USD", "港元": "HKD", "日元": "JPY", "韩元": "KRW", "新台币": "TWD", "澳元": "AUD",
       "欧元": "EUR", "英镑": "GBP", "卢布": "RUB", "泰铢": "THB", "加元": "CAD", "新加坡元": "SGD",
       "新西兰元": "NZD", "澳门元": "MOP"}  # fmt: skip
SYMBOLS = ("$", "￥", "¥", "€", "£", "₩", "₽", "₹")


def independent_money_cases() -> list[dict]:
    """Money rows of the hand-labelled sets (main and held-out): readings in a currency, and
    refusals whose text names a currency. Labels come from bench/accuracy, not from either parser."""
    from bench_accuracy import SETS, load_expressions

    from coop_analysis.units import AMBIGUOUS_CURRENCIES, CURRENCIES, CURRENCY_SYMBOLS

    words = [*CURRENCIES, *AMBIGUOUS_CURRENCIES, *CURRENCY_SYMBOLS]
    out = []
    for name, (expr_file, _) in SETS.items():
        for row in load_expressions(expr_file):
            reading = row.get("reading")
            money = reading is not None and len(reading[1]) == 3 and reading[1].isupper()
            if money or (row["expect"] == "reject" and any(w in row["text"] for w in words)):
                out.append({"text": row["text"], "reading": reading, "set": name, "class": row["class"]})
    return out


def _jio_claims(case_pattern, text: str) -> bool:
    """JioNLP's own currency pattern (jionlp.rule.rule_pattern.CURRENCY_CASE) finds a currency, and
    there is no currency symbol (its docs list symbols as to do)."""
    return bool(case_pattern.search(text)) and not any(sym in text for sym in SYMBOLS)


def _read_coop(text: str):
    from coop_analysis import QuantityError, parse_quantity

    try:
        q = parse_quantity(text)
    except QuantityError:
        return None
    return (q.value, q.unit, q.qualifier, q.low, q.high)


def _read_jio(jio, text: str):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            r = jio.parse_money(text)
    except Exception:  # jionlp raises ValueError and others on what it does not read
        return None
    if not r or r.get("num") is None:
        return None
    num = r["num"]
    ends = [float(x) for x in num] if isinstance(num, list | tuple) else [float(num)]
    return (ends, ISO.get(r.get("case"), r.get("case")), r.get("definition"))


def _outcome(parser: str, got, want) -> str:
    """right / wrong / refused, for one parser's reading against the label."""
    if got is None:
        return "right" if want is None else "refused"
    if want is None:
        return "wrong"  # a number where the label says the form cannot be read
    value, unit, qualifier, low, high = want
    if parser == "coop":
        same = all(
            (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))
            for a, b in ((got[0], value), (got[3], low), (got[4], high))
        )
        return "right" if same and got[1:3] == (unit, qualifier) else "wrong"
    ends, case, _definition = got
    if case != unit:
        return "wrong"
    if qualifier == "range":
        ok = len(ends) == 2 and math.isclose(ends[0], low, rel_tol=1e-9) and math.isclose(ends[1], high, rel_tol=1e-9)
    else:  # the stated number, alone or as an end of JioNLP's interval for 余/多/几 (its convention)
        ok = any(math.isclose(e, value, rel_tol=1e-9) for e in ends)
    return "right" if ok else "wrong"


def bench_money(skip_jionlp: bool) -> None:
    print()
    print("=" * 78)
    print("2. Money expressions of the independent hand-labelled set: parse_quantity vs jionlp.parse_money")
    print("=" * 78)
    cases = independent_money_cases()
    n_read = sum(c["reading"] is not None for c in cases)
    print(f"   {len(cases)} money expressions ({n_read} with a reading, {len(cases) - n_read} labelled as refusals)")
    readers = {"coop": lambda t: _read_coop(t)}
    jio = case_pattern = None
    if not skip_jionlp:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                import jionlp as jio
                from jionlp.rule.rule_pattern import CURRENCY_CASE
            case_pattern = re.compile(CURRENCY_CASE)
            readers["jionlp"] = lambda t: _read_jio(jio, t)
            print(f"   jionlp {getattr(jio, '__version__', '?')}")
        except Exception as exc:  # not installed, or broken
            print(f"   jionlp: NOT AVAILABLE ({type(exc).__name__}: {exc}); `pip install jionlp` (the bench extra)")
    claims = {"coop": [True] * len(cases)}
    if case_pattern is not None:
        claims["jionlp"] = [_jio_claims(case_pattern, c["text"]) for c in cases]
    results: dict[str, list[str]] = {}
    got_all: dict[str, list] = {}
    speed: dict[str, float] = {}
    texts = [c["text"] for c in cases]
    for name, read in readers.items():
        for t in texts[:20]:
            read(t)  # warm-up: lazy imports, lexicons
        best = math.inf
        for _ in range(3):
            t0 = time.perf_counter()
            got = [read(t) for t in texts]
            best = min(best, time.perf_counter() - t0)
        speed[name] = len(texts) / best
        got_all[name] = got
        results[name] = [_outcome(name, g, c["reading"]) for g, c in zip(got, cases, strict=True)]

    def row(name: str, idx: list[int], label: str) -> None:
        n = len(idx)
        cnt = Counter(results[name][i] for i in idx)
        print(
            f"   {name:<8} {label:<34} {n:>5} {cnt['right']:>6} {cnt['right'] / n:>7.1%} {cnt['wrong']:>6} "
            f"{cnt['refused']:>8}"
        )

    print(f"\n   {'parser':<8} {'cases':<34} {'n':>5} {'right':>6} {'right%':>7} {'WRONG':>6} {'refused':>8}")
    both = [i for i in range(len(cases)) if all(claims[n][i] for n in claims)]
    for name in readers:
        own = [i for i in range(len(cases)) if claims[name][i]]
        row(name, own, "the cases it claims to handle")
        if len(claims) > 1:
            row(name, both, "the cases both claim")
        held = [i for i in both if cases[i]["set"] == "holdout"]
        row(name, held, "  of them in the held-out set")
    for name in readers:
        print(f"   {name}: {speed[name]:,.0f} expressions/s (best of 3 passes over all {len(texts)})")
    print(
        "   (JioNLP claims a case when its own CURRENCY_CASE pattern finds a currency and no symbol is used;"
        " a JioNLP interval for 余/多 counts as right when the stated number is one of its ends)"
    )
    if "jionlp" in readers:
        shown = 0
        print("\n   where they differ (first 25):")
        for i in both:
            a, b = results["coop"][i], results["jionlp"][i]
            if a != b and shown < 25:
                jg = got_all["jionlp"][i]
                jtxt = "—" if jg is None else f"{jg[0]} {jg[1]} {jg[2]}"
                want = cases[i]["reading"]
                wtxt = "refuse" if want is None else f"{want[0]:g} {want[1]} {want[2]}"
                print(f"   {cases[i]['text']:<22} expected {wtxt:<26} coop {a:<8} jionlp {b:<8} {jtxt}")
                shown += 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=DEFAULT_BYTES / 1e6, help="corpus size in MB (default 10.5)")
    ap.add_argument("--chunk-kb", type=int, default=100)
    ap.add_argument("--corpus-dir", help="use (or create) the corpus here instead of a temporary directory")
    ap.add_argument("--profile", action="store_true", help="also cProfile ~1 MB of each extraction mode")
    ap.add_argument("--skip-jionlp", action="store_true")
    ap.add_argument("--skip-extract", action="store_true")
    args = ap.parse_args(argv)
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs visible")
    tmp = None
    corpus_dir = None
    if args.skip_extract:
        pass  # part 2 does not need the corpus
    elif args.corpus_dir:
        corpus_dir = Path(args.corpus_dir)
        if not (corpus_dir / "manifest.json").exists():
            make_corpus(corpus_dir, int(args.mb * 1e6))
    else:
        tmp = tempfile.mkdtemp(prefix="coop-bench-corpus-")
        corpus_dir = Path(tmp)
        t0 = time.perf_counter()
        make_corpus(corpus_dir, int(args.mb * 1e6))
        print(f"corpus generated in {time.perf_counter() - t0:.1f} s into {corpus_dir} (deleted at the end)")
    if corpus_dir is not None:
        print("manifest: " + json.dumps(json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))))
    try:
        if corpus_dir is not None:
            bench_extraction(corpus_dir, args.chunk_kb, args.profile)
        bench_money(args.skip_jionlp)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
