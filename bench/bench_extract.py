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

Part 2, money expressions: ``coop_analysis.parse_quantity`` beside ``jionlp.parse_money``
on the money rows of the project's tests (``tests/test_quantities.py`` PARSE_CASES
whose unit is a currency), the money facts of ``data/curated/facts.csv`` and the
generated ``money.tsv``. Correct = value and currency both right. JioNLP's dict is
mapped as: ``case`` 元/人民币 → CNY, 美元 → USD, 欧元 → EUR, 港元/港币 → HKD,
日元 → JPY, 英镑 → GBP; ``num`` a string → float; ``num`` a [low, high] list (its
reading of ranges, and of 余/多/几) → the midpoint, as the project's contract does for
ranges ("strict"); "lenient" also accepts either end of the list. ``definition``
(accurate/blur/blur+/blur-) is not scored for correctness; its agreement with the
project's exact/non-exact qualifier is printed. jionlp is optional (``pip install
coop-analysis[bench]``): without it this part says so and runs the project's parser alone.

Usage::

    /work/venv/bin/python bench/bench_extract.py [--mb 10.5] [--chunk-kb 100] [--corpus-dir DIR] [--profile]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import cProfile
import io
import json
import math
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

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
            frame["unit"].tolist(),
            frame["qualifier"].tolist(),
            strict=True,
        )
    )


def _time_calls(texts: list[str], extract) -> tuple[float, list[list[tuple]]]:
    found: list[list[tuple]] = []
    t0 = time.perf_counter()
    for t in texts:
        found.append(_rows(extract(t)))
    return time.perf_counter() - t0, found


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
    results: dict[str, tuple[float, list[list[tuple]]]] = {}
    for key, (_, texts) in modes.items():
        results[key] = _time_calls(texts, extract_quantities)

    print(f"\n   {'mode':<46} {'calls':>7} {'MB':>6} {'s':>7} {'MB/s':>6} {'ms/call':>8} {'mentions':>9}")
    for key, (label, texts) in modes.items():
        dt, found = results[key]
        mb = n_bytes[key] / 1e6
        print(
            f"   {label:<46} {len(texts):>7,} {mb:>6.2f} {dt:>7.2f} {mb / dt:>6.2f} {dt / len(texts) * 1e3:>8.2f} "
            f"{sum(len(f) for f in found):>9,}"
        )
    for key in modes:
        rate = n_bytes[key] / 1e6 / results[key][0]
        print(f"   {key}: {rate:.2f} MB/s -> target >= 1 MB/s: {'met' if rate >= 1 else 'MISSED'}")

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


def _eval_literal(node: ast.AST):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in ("N", "None"):
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval_literal(node.operand)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [_eval_literal(e) for e in node.elts]
    raise ValueError(ast.dump(node))


def test_money_cases() -> list[tuple[str, float, str, str]]:
    """Money rows of PARSE_CASES in tests/test_quantities.py, read without importing the tests."""
    path = PROJECT / "tests" / "test_quantities.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "PARSE_CASES" for t in node.targets
        ):
            out = []
            for elt in node.value.elts:
                try:
                    text, value, unit, _qualifier, *_ = _eval_literal(elt)
                except (ValueError, TypeError):
                    continue
                if unit in CURRENCY_CODES and value is not None:
                    out.append((text, float(value), unit, "tests"))
            return out
    return []


def fact_money_cases() -> list[tuple[str, float, str, str]]:
    from coop_analysis import load_facts

    facts = load_facts()
    money = facts[facts["unit"].isin(list(CURRENCY_CODES))]
    return [(str(r.raw), float(r.value), str(r.unit), "facts") for r in money.itertuples()]


def generated_money_cases(corpus_dir: Path) -> list[tuple[str, float, str, str]]:
    out = []
    rows = (corpus_dir / "money.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        expr, value, currency, _qualifier, form = row.split("\t")
        out.append((expr, float(value), currency, f"generated:{form}"))
    return out


def _coop_reader():
    from coop_analysis import QuantityError, parse_quantity

    def read(expr: str):
        try:
            q = parse_quantity(expr)
        except QuantityError as exc:
            return None, None, f"error: {str(exc)[:40]}", None
        return q.value, q.unit, f"{q.value:g} {q.unit} {q.qualifier}", q.qualifier != "exact"

    return read


def _jio_reader(jio):
    def read(expr: str):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                r = jio.parse_money(expr)
        except Exception as exc:  # jionlp raises ValueError and others on unreadable input
            return None, None, f"error: {type(exc).__name__}", None
        num, case, definition = r.get("num"), r.get("case"), r.get("definition", "")
        try:
            if isinstance(num, list | tuple):
                ends = [float(x) for x in num]
                value = (ends[0] + ends[-1]) / 2
            else:
                ends = [float(num)]
                value = ends[0]
        except (TypeError, ValueError):
            return None, None, f"unreadable num {num!r}", None
        unit = JIO_CASE.get(case, case)
        shown = f"{num} {case} {definition}"
        return (value, ends), unit, shown, definition != "accurate"

    return read


def bench_money(corpus_dir: Path, skip_jionlp: bool) -> None:
    print()
    print("=" * 78)
    print("2. Money expressions: coop_analysis.parse_quantity vs jionlp.parse_money")
    print("=" * 78)
    cases = test_money_cases() + fact_money_cases() + generated_money_cases(corpus_dir)
    seen: set[str] = set()
    cases = [c for c in cases if not (c[0] in seen or seen.add(c[0]))]
    by_source = Counter(c[3].split(":")[0] for c in cases)
    print("   expressions: " + ", ".join(f"{k} {v}" for k, v in by_source.items()) + f" (distinct: {len(cases)})")

    readers = {"coop_analysis": _coop_reader()}
    jio = None
    if skip_jionlp:
        print("   jionlp: skipped (--skip-jionlp)")
    else:
        t0 = time.perf_counter()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                import jionlp as jio
            print(f"   jionlp {getattr(jio, '__version__', '?')} imported in {time.perf_counter() - t0:.2f} s")
            readers["jionlp"] = _jio_reader(jio)
        except Exception as exc:  # not installed, or broken
            print(
                f"   jionlp: NOT AVAILABLE ({type(exc).__name__}: {exc}); install with "
                f"`{sys.executable} -m pip install jionlp` (the `bench` extra). Comparing nothing."
            )

    outcome: dict[str, list[tuple]] = {}
    speed: dict[str, float] = {}
    for name, read in readers.items():
        for warm in ("三十五万元", "约60万美元", cases[0][0]):  # warm-up: lazy imports, lexicons
            read(warm)
        t0 = time.perf_counter()
        out = [read(c[0]) for c in cases]
        speed[name] = len(cases) / (time.perf_counter() - t0)
        outcome[name] = out

    def correct(name: str, i: int, lenient: bool = False) -> bool:
        value, unit, _, _ = outcome[name][i]
        exp_value, exp_unit = cases[i][1], cases[i][2]
        if value is None or unit != exp_unit:
            return False
        if name == "jionlp":
            mid, ends = value
            candidates = [mid, *ends] if lenient else [mid]
        else:
            candidates = [value]
        return any(math.isclose(v, exp_value, rel_tol=1e-9) for v in candidates)

    sources = ["tests", "facts", "generated", "all"]
    print(f"\n   {'parser':<14} {'source':<10} {'n':>6} {'accuracy':>9} {'lenient':>8} {'expr/s':>10}")
    for name in readers:
        for src in sources:
            idx = [i for i, c in enumerate(cases) if src == "all" or c[3].split(":")[0] == src]
            if not idx:
                continue
            acc = sum(correct(name, i) for i in idx) / len(idx)
            len_acc = sum(correct(name, i, lenient=True) for i in idx) / len(idx)
            rate = f"{speed[name]:,.0f}" if src == "all" else ""
            print(f"   {name:<14} {src:<10} {len(idx):>6} {acc:>9.1%} {len_acc:>8.1%} {rate:>10}")
    print(
        "   (accuracy: value and currency right, a JioNLP range read as its midpoint; "
        "lenient: either end of a JioNLP range also counts)"
    )

    forms = sorted({c[3] for c in cases})
    print(f"\n   by form: {'form':<32} {'n':>5} " + " ".join(f"{n:>14}" for n in readers))
    for form in forms:
        idx = [i for i, c in enumerate(cases) if c[3] == form]
        accs = " ".join(f"{sum(correct(n, i) for i in idx) / len(idx):>14.1%}" for n in readers)
        print(f"            {form:<32} {len(idx):>5} {accs}")

    if "jionlp" in readers:
        both = [(i, cases[i]) for i in range(len(cases))]
        agree_blur = sum(
            1
            for i, _ in both
            if outcome["jionlp"][i][3] is not None and outcome["jionlp"][i][3] == outcome["coop_analysis"][i][3]
        )
        print(
            f"\n   exact vs non-exact reading (jionlp definition 'accurate' vs other; coop qualifier 'exact' vs other) "
            f"agree on {agree_blur}/{len(cases)}"
        )
        dis = [i for i in range(len(cases)) if correct("coop_analysis", i) != correct("jionlp", i)]
        print(f"\n   disagreements (one right, the other wrong): {len(dis)}; first 20:")
        print(f"   {'expression':<22} {'expected':<22} {'coop_analysis':<28} {'jionlp':<40}")
        for i in dis[:20]:
            expr, value, unit, _src = cases[i]
            c_ok = "✓" if correct("coop_analysis", i) else "✗"
            j_ok = "✓" if correct("jionlp", i) else "✗"
            print(
                f"   {expr:<22} {f'{value:g} {unit}':<22} {c_ok} {outcome['coop_analysis'][i][2]:<26} "
                f"{j_ok} {outcome['jionlp'][i][2]}"
            )
        both_wrong = [i for i in range(len(cases)) if not correct("coop_analysis", i) and not correct("jionlp", i)]
        print(
            f"\n   both wrong (strict): {len(both_wrong)}"
            + (": " + ", ".join(cases[i][0] for i in both_wrong[:10]) if both_wrong else "")
        )
    else:
        wrong = [i for i in range(len(cases)) if not correct("coop_analysis", i)]
        print(f"\n   coop_analysis wrong on {len(wrong)}; first 20:")
        for i in wrong[:20]:
            print(
                f"   {cases[i][0]:<22} expected {cases[i][1]:g} {cases[i][2]:<6} got {outcome['coop_analysis'][i][2]}"
            )


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
    if args.corpus_dir:
        corpus_dir = Path(args.corpus_dir)
        if not (corpus_dir / "manifest.json").exists():
            make_corpus(corpus_dir, int(args.mb * 1e6))
    else:
        tmp = tempfile.mkdtemp(prefix="coop-bench-corpus-")
        corpus_dir = Path(tmp)
        t0 = time.perf_counter()
        make_corpus(corpus_dir, int(args.mb * 1e6))
        print(f"corpus generated in {time.perf_counter() - t0:.1f} s into {corpus_dir} (deleted at the end)")
    print("manifest: " + json.dumps(json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))))
    try:
        if not args.skip_extract:
            bench_extraction(corpus_dir, args.chunk_kb, args.profile)
        bench_money(corpus_dir, args.skip_jionlp)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
