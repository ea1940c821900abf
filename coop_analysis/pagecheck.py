"""Checks a reader would make on a built page: one language, no internals, every image described.

:func:`check_page` reads a page's HTML and lists what is wrong:

* Chinese text in an English page, or an English sentence (three or more Latin
  words) in a Chinese page, outside an element that declares its own ``lang`` —
  a verbatim quote or a figure as written carries ``lang="zh"`` on an English
  page, the link to the English page ``lang="en"`` on a Chinese one;
* internals in the visible text: ``snake_case`` identifiers, ``|``-joined lists;
* an image without alt text (or with nbconvert's placeholder);
* a page without one title heading (``<h1>``: none, or several);

and :func:`check_site` adds, for a page on disk, a weight over :data:`BUDGET_KB` with its
assets (:func:`page_weight`: what a reader with an empty cache downloads).

The tests run it over every built page; ``python -m coop_analysis.pagecheck
reports/`` does the same by hand.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["BUDGET_KB", "check_page", "check_site", "page_weight"]

#: Most a page may weigh with its stylesheet, font subset and images (KB of 1,024 bytes).
BUDGET_KB = 250
_REF_RE = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)["']?\s*\)""")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[\s,;:'’()-]+[A-Za-z]{2,}){2,}")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
_PLACEHOLDER_ALT = "No description has been provided for this image"
_HIDDEN = {"script", "style", "head", "title", "template", "noscript"}


def _lang_of(node: object, page_lang: str) -> str:
    for parent in getattr(node, "parents", []):
        lang = getattr(parent, "attrs", {}).get("lang") if hasattr(parent, "attrs") else None
        if lang:
            return str(lang).split("-")[0].lower()
    return page_lang


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "…"


def check_page(page_html: str) -> list[str]:
    """Problems a reader would see on this page (empty when none)."""
    from bs4 import BeautifulSoup
    from bs4.element import Comment

    soup = BeautifulSoup(page_html, "html.parser")
    root = soup.find("html")
    page_lang = str(root.get("lang", "")).split("-")[0].lower() if root is not None else ""
    problems: list[str] = []
    if page_lang not in ("en", "zh"):
        problems.append(f"the page declares lang={page_lang!r}, expected 'en' or 'zh'")
    for node in soup.find_all(string=True):
        if isinstance(node, Comment) or any(p.name in _HIDDEN for p in node.parents):
            continue
        text = str(node)
        if not text.strip():
            continue
        lang = _lang_of(node, page_lang)
        if lang == "en" and _CJK.search(text):
            problems.append(f"Chinese in English text: {_short(text)!r}")
        if lang == "zh" and (match := _ENGLISH.search(text)):
            problems.append(f"English in Chinese text: {match.group(0)!r} in {_short(text)!r}")
        if (match := _SNAKE.search(text)) and not any(p.name in ("code", "pre") for p in node.parents):
            problems.append(f"identifier shown to readers: {match.group(0)!r} in {_short(text)!r}")
        if "|" in text:
            problems.append(f"'|' in visible text: {_short(text)!r}")
    for img in soup.find_all("img"):
        alt = str(img.get("alt") or "").strip()
        if not alt or alt == _PLACEHOLDER_ALT:
            problems.append(f"image without alt text: {str(img.get('src', ''))[:60]!r}")
    titles = [h.get_text(" ", strip=True) for h in soup.find_all("h1")]
    if len(titles) != 1 or not titles[0]:
        problems.append(f"expected one title heading (h1), found {len(titles)}: {[_short(t) for t in titles]}")
    return problems


def page_weight(page: Path) -> tuple[int, list[str], list[str]]:
    """Bytes of the page and its local assets, each counted once and in full (stylesheet, font
    subset, images not embedded; not the documents it links to); the assets' names; the
    references to other hosts (their size is unknown here)."""
    text = page.read_text(encoding="utf-8")
    total = len(text.encode("utf-8"))
    assets: list[str] = []
    external: list[str] = []
    seen: set[Path] = set()
    for match in _REF_RE.finditer(text):
        ref = match.group(1) or match.group(2)
        if ref.startswith(("data:", "#", "mailto:")):
            continue
        parts = urlsplit(ref)
        if parts.scheme in ("http", "https") or ref.startswith("//"):
            external.append(ref)
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if target.suffix in (".html", ".ipynb", ".csv") or target in seen:
            continue  # links to other documents are not part of this page
        seen.add(target)
        if target.is_file():
            total += target.stat().st_size
            assets.append(target.name)
    return total, assets, external


def check_site(pages: Iterable[Path]) -> dict[Path, list[str]]:
    """:func:`check_page` for each page, and its weight against :data:`BUDGET_KB`; only pages
    with problems are returned."""
    found = {}
    for page in pages:
        problems = check_page(Path(page).read_text(encoding="utf-8"))
        weight = page_weight(Path(page))[0] / 1024
        if weight > BUDGET_KB:
            problems.append(f"weighs {weight:.1f} KB with its assets, over the {BUDGET_KB} KB budget")
        if problems:
            found[Path(page)] = problems
    return found


def main(argv: list[str] | None = None) -> int:
    """``python -m coop_analysis.pagecheck OUT``: print the problems of every page under OUT."""
    from coop_analysis.site import iter_pages

    args = argv if argv is not None else sys.argv[1:]
    out = Path(args[0]) if args else Path("reports")
    found = check_site(iter_pages(out))
    for page, problems in found.items():
        for problem in problems:
            print(f"{page.relative_to(out)}: {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
