"""Every built page in headless Chromium with the network blocked, on a phone, a tablet and a desktop.

The reports are built once (every province with records and the overview, in
English and Chinese) into a temporary folder — or read from
``COOP_PAGES_DIR`` when it names a finished build — and each page is loaded at
390, 768 and 1280 px. A page passes when:

* no request leaves the machine and none fails (every asset is there);
* no character is drawn as a missing-glyph box: each distinct character of the
  visible text is drawn on a canvas in the page's font and compared with the
  drawing of characters no font has (the .notdef box of the Latin stack and of
  the CJK face) — the check is shown to work by a character the page's font
  subset lacks, on a machine without a system CJK font;
* nothing sticks out: no horizontal scrolling, no element past the right edge,
  no clipped content, and no figure or date (``.nw``) broken over two lines.

Needs Chromium (Debian package ``chromium``) and Playwright (PyPI); skipped
with the reason when either is missing. ``.ci/run`` installs both.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from coop_analysis import reports
from coop_analysis.site import iter_pages
from coop_analysis.webfont import cjk_chars

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTHS = (390, 768, 1280)  # phone, tablet (tables stack below 56rem), desktop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install chromium)"),
]

# Glyph check: draw each character in the page's own font and compare it with the
# drawings of characters that no font has. Returns the characters drawn as a box.
_GLYPH_JS = r"""
async (extra) => {
  await document.fonts.ready;
  const text = document.body.innerText + (extra || "");
  const chars = [...new Set([...text])].filter(c => !/\s/.test(c));
  const family = getComputedStyle(document.body).fontFamily;
  await Promise.all(chars.map(c => document.fonts.load(`32px ${family}`, c)));
  const canvas = document.createElement("canvas");
  canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  ctx.font = `32px ${family}`;
  const draw = (c) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.fillText(c, 4, 38);
    return ctx.getImageData(0, 0, 48, 48).data.join(",");
  };
  // U+0378: unassigned, outside the CJK face; U+FFEF: unassigned, inside its range
  const boxes = new Set(["\u0378", "\uFFEF", "\u{10FFFD}"].map(draw));
  return chars.filter(c => boxes.has(draw(c)));
}
"""

# Overflow check: what sticks out of the viewport or out of a clipping box.
_OVERFLOW_JS = r"""
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "")
    + " «" + (el.innerText || el.alt || "").slice(0, 40).replace(/\s+/g, " ") + "»";
  if (document.documentElement.scrollWidth > width + 1)
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.right > width + 1 || rect.left < -1)
      problems.push(`${name(el)} spans ${Math.round(rect.left)}–${Math.round(rect.right)} of ${width}`);
    if (style.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1)
      problems.push(`${name(el)} clips its content: ${el.scrollWidth} > ${el.clientWidth}`);
    if (el.classList.contains("nw") && el.getClientRects().length > 1)
      problems.push(`${name(el)} is broken over two lines`);
  }
  return problems;
}
"""


# Load every lazy image now; returns the images that did not load.
_EAGER_JS = r"""
async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(ok => {
    img.addEventListener("load", ok); img.addEventListener("error", ok); })));
  return images.filter(img => !(img.naturalWidth > 0)).map(img => img.getAttribute("src"));
}
"""


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site  # conftest.built_site: built once per run, shared with test_pagecheck.py


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class _Visit:
    """One page load with every request recorded; requests off the machine are refused."""

    def __init__(self, browser, width: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
        self.external: list[str] = []
        self.failed: list[str] = []
        self.fetched: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("request", lambda r: self.fetched.append(r.url))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort("internetdisconnected")

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        # charts load lazily: make them load now, so a missing file is a failed request here
        self.page.evaluate(_EAGER_JS)

    def close(self) -> None:
        self.context.close()


def _all_pages(site: Path) -> list[Path]:
    found = list(iter_pages(site))
    langs = {p.parent.name for p in found if p.parent != site}
    assert langs == set(reports.LANGS), f"expected pages in {reports.LANGS}, found {sorted(langs)}"
    return found


def test_every_page_loads_offline_with_every_glyph_and_nothing_sticking_out(site, browser):
    problems: list[str] = []
    checked = 0
    for width in WIDTHS:
        visit = _Visit(browser, width)
        try:
            for path in _all_pages(site):
                where = f"{path.relative_to(site)} @{width}px"
                visit.external.clear()
                visit.failed.clear()
                visit.open(path)
                problems += [f"{where}: image not shown: {src}" for src in visit.page.evaluate(_EAGER_JS)]
                problems += [f"{where}: request to another host: {u}" for u in visit.external]
                problems += [f"{where}: failed request: {u}" for u in visit.failed]
                boxes = visit.page.evaluate(_GLYPH_JS, "")
                problems += [f"{where}: missing glyph {c!r} (U+{ord(c):04X})" for c in boxes]
                problems += [f"{where}: {p}" for p in visit.page.evaluate(_OVERFLOW_JS)]
                checked += 1
        finally:
            visit.close()
    assert checked >= 2 * 4
    assert problems == [], "\n".join(problems[:40])


def _system_has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True  # cannot tell: assume one is there
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False).stdout
    return bool(found.strip())


def test_the_glyph_check_sees_a_missing_character(site, browser):
    """A character outside the page's font subset is a box here, and the check reports it."""
    if _system_has_cjk_font():
        pytest.skip("a system CJK font would draw the character; the control needs a machine without one")
    page = site / "zh" / "overview.html"
    absent = next(c for c in "龘齉靐爨饕" if c not in cjk_chars(page.read_text(encoding="utf-8")))
    visit = _Visit(browser, 1280)
    try:
        visit.open(page)
        assert visit.page.evaluate(_GLYPH_JS, absent) == [absent]
        assert visit.page.evaluate(_GLYPH_JS, "") == []
    finally:
        visit.close()


def test_fonts_are_fetched_only_by_pages_with_chinese(site, browser):
    """unicode-range at work: a page loads its font subset if, and only if, it shows Chinese."""
    visit = _Visit(browser, 1280)
    try:
        for path in _all_pages(site):
            visit.fetched.clear()
            visit.open(path)
            visit.page.evaluate(_GLYPH_JS, "")  # (draws every character: any font needed is asked for)
            fonts = [u for u in visit.fetched if u.endswith(".woff2")]
            shown = visit.page.evaluate("document.body.innerText")
            if cjk_chars(shown):
                assert len(fonts) == 1, (path, fonts)
            else:
                assert fonts == [], (path, fonts)
    finally:
        visit.close()
