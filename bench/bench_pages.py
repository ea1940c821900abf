"""Weight of every report page with its assets (target ≤ 250 KB), and requests to other hosts.

    python bench/bench_pages.py [OUT]        # measure a finished build (default: reports/)
    python bench/bench_pages.py --build      # build every report in both languages into a
                                             # temporary folder first, then measure it

A page's weight is its HTML plus every local file it references (stylesheet,
font subset, images not embedded), each counted in full — what a reader with
an empty cache downloads, whether or not the browser would skip a font
(``coop_analysis.pagecheck.page_weight``; ``pagecheck`` also reports a page over the
budget, so the tests hold it). References to other hosts are counted apart (their
size is unknown here).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from coop_analysis.pagecheck import BUDGET_KB as TARGET_KB  # noqa: E402
from coop_analysis.pagecheck import page_weight  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=None, help="a finished build (default: reports/)")
    parser.add_argument("--build", action="store_true", help="build every report (en and zh) into a temp folder")
    args = parser.parse_args()
    if args.build:
        from coop_analysis import reports

        out = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        for lang in reports.LANGS:
            result = reports.build_reports(lang=lang, out=out, jobs=2, progress=False)
            print(f"built {lang}: {len(result.succeeded)} reports in {result.seconds:.1f} s", file=sys.stderr)
    else:
        from coop_analysis import paths

        out = Path(args.out) if args.out else paths.reports_dir()
    found = sorted(p for p in [out / "index.html", *out.glob("*/*.html")] if p.is_file())
    if not found:
        print(f"no pages under {out}", file=sys.stderr)
        return 2
    print(f"{'page':<24} {'KB':>7}  {'assets':<40} external")
    worst = 0
    over = 0
    for page in found:
        total, assets, external = page_weight(page)
        kb = total / 1024
        worst = max(worst, total)
        over += kb > TARGET_KB
        flag = "  > target" if kb > TARGET_KB else ""
        print(f"{page.relative_to(out)!s:<24} {kb:7.1f}  {', '.join(assets)[:40]:<40} {len(external)}{flag}")
    print(f"{len(found)} pages; heaviest {worst / 1024:.1f} KB; {over} over {TARGET_KB} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
