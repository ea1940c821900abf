"""Report figures: the profiles' tables drawn with :mod:`coop_analysis.charts`.

Each function is what one notebook cell calls; it returns a :class:`Chart`
(shown as a PNG; ``.figure`` is the matplotlib Figure), or ``None`` when there
is nothing to draw, so an empty region gets no empty chart.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from coop_analysis import chartcache, charts, profiles
from coop_analysis.charts import raster
from coop_analysis.charts.layout import _new_figure
from coop_analysis.charts.style import EAST_COLOR, WEST_COLOR
from coop_analysis.datasets import load_facts, load_provinces, load_sources
from coop_analysis.determinism import savefig
from coop_analysis.wording import check_lang

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from coop_analysis.profiles import RegionProfile

__all__ = [
    "COLUMN_PX",
    "FOOTER_HEIGHT",
    "Chart",
    "audit_positions",
    "bar_kinds",
    "overview_amounts",
    "overview_flow_map",
    "overview_matrix",
    "region_bars",
    "region_map",
    "source_note",
    "with_source",
]


#: Width in CSS pixels of the report pages' column (``coop.css``: 62rem less 2 × 1rem padding).
COLUMN_PX = 960


class Chart:
    """A report figure that a notebook shows as one image, rendered once.

    Figures are built outside pyplot, so no inline backend is needed and
    nothing is shown twice. ``.figure`` is the matplotlib Figure (to save it
    as SVG or PDF, or restyle it); ``.savefig(...)`` is a shortcut.

    The image is drawn at twice its display size (sharp on HiDPI screens) but
    never wider than twice the page column (:data:`COLUMN_PX`: a wider chart is
    shown scaled to the column, so more pixels would never reach a screen), and
    reduced to a palette of at most 32 colours with every flat colour exact
    (:func:`coop_analysis.charts.raster.palette_image`). The output holds it twice,
    pixel for pixel the same: a PNG for Jupyter front ends and a lossless WebP
    (about a quarter smaller) that the report pages show. Its display size in CSS
    pixels and its alt text travel as output metadata (``width``, ``height``,
    ``alt``).

    The report charts are made with :meth:`drawn`: the figure is drawn from named
    inputs, and its encoded image is kept in the chart cache
    (:mod:`coop_analysis.chartcache`) under a key of those inputs, the drawing code
    and its environment. A chart found there is shown from the cache, the same bytes;
    its figure is only drawn when ``.figure`` is asked for. Once ``.figure`` has been
    handed out (it may be restyled), the chart neither reads nor writes the cache.
    """

    dpi = 100  # CSS pixels per inch of figure size
    scale = 2  # pixels per CSS pixel in the image
    colors = raster.MAX_COLORS

    def __init__(self, figure: Figure, alt: str | None = None) -> None:
        self._figure: Figure | None = figure
        self._draw: Callable[[], Figure] | None = None
        self._key: str | None = None  # the chart cache's key while the figure is only ours
        self._encoded: chartcache.Image | None = None
        self.alt = alt if alt is not None else _figure_title(figure)
        self._image: Any = None

    @classmethod
    def drawn(cls, draw: Callable[..., Figure], alt: str, **inputs: Any) -> Chart:
        """The chart of ``draw(**inputs)``, its image from the chart cache when it holds it.

        ``draw`` must depend on nothing but its inputs (and what the cache key covers:
        the chart code, reference data, fonts, versions, rcParams). Not in the cache,
        the figure is drawn now, as :class:`Chart` (Figure) would have it."""
        chart = cls.__new__(cls)
        chart._figure, chart._draw, chart.alt, chart._image = None, functools.partial(draw, **inputs), alt, None
        chart._key = chart._encoded = None
        if chartcache.folder() is not None:
            chart._key = chart._cache_key()
            chart._encoded = chartcache.load(chart._key)
        if chart._encoded is None:
            chart._own_figure()
        return chart

    def _cache_key(self) -> str:
        assert isinstance(self._draw, functools.partial)
        draw = self._draw.func
        return chartcache.key(f"{draw.__module__}.{draw.__qualname__}", self._draw.keywords, self._settings())

    def _settings(self) -> dict[str, Any]:
        """The image settings a cached image was made with (part of its key)."""
        return {"dpi": self.dpi, "scale": self.scale, "colors": self.colors, "column_px": COLUMN_PX}

    @property
    def figure(self) -> Figure:
        """The matplotlib Figure (drawn now if the image came from the cache); from here on the
        chart's image is made from it, whatever is changed in it, and is not cached."""
        self._key = self._encoded = None
        return self._own_figure()

    def _own_figure(self) -> Figure:
        if self._figure is None:
            assert self._draw is not None
            self._figure = self._draw()
        return self._figure

    def pixel_dpi(self) -> float:
        """Pixels per inch of the image: ``dpi * scale``, less for a figure wider than the column."""
        width_in = float(self._own_figure().get_size_inches()[0])
        return min(self.dpi * self.scale, self.scale * COLUMN_PX / width_in)

    def _palette(self) -> Any:
        """The figure's pixels as a palette image (drawn once)."""
        if self._image is None:
            pixels = self._pixels()
            if pixels.mode == "RGBA":
                self._image = raster.palette_image(pixels.tobytes(), pixels.size, self.colors)
            else:  # pragma: no cover - matplotlib drew at another size: the PNG's pixels
                self._image = pixels.convert("RGB").quantize(self.colors)
        return self._image

    def _encode(self) -> chartcache.Image:
        """PNG, WebP and size in inches: from the cache, else made from the figure (and cached)."""
        if self._encoded is None:
            palette = self._palette()
            w, h = self._own_figure().get_size_inches()
            image = chartcache.Image(raster.png_bytes(palette), raster.webp_bytes(palette), (float(w), float(h)))
            # stored only if the key still holds: rcParams, data or an input may have changed since
            if self._key is not None and self._cache_key() == self._key:
                chartcache.store(self._key, image)
            self._encoded = image
        return self._encoded

    def _png(self) -> bytes:
        return self._encode().png if self._key is not None else raster.png_bytes(self._palette())

    def _webp(self) -> bytes:
        return self._encode().webp if self._key is not None else raster.webp_bytes(self._palette())

    def _size(self) -> tuple[float, float]:
        if self._encoded is not None:
            return self._encoded.size
        w, h = self._own_figure().get_size_inches()
        return float(w), float(h)

    def _pixels(self) -> Any:
        """The figure drawn at :meth:`pixel_dpi`: a PIL RGBA image, the pixels a PNG of it holds.

        Drawn to a raw buffer, not a PNG: encoding a 2x PNG and decoding it again cost
        ~0.1 s per map, for the same pixels.
        """
        import io

        from PIL import Image

        dpi = self.pixel_dpi()
        figure = self._own_figure()
        buf = io.BytesIO()
        savefig(figure, buf, format="rgba", dpi=dpi)
        size = _pixel_size(figure, dpi)
        if len(buf.getbuffer()) != 4 * size[0] * size[1]:  # not the size matplotlib drew at: ask the PNG
            buf = io.BytesIO()
            savefig(figure, buf, format="png", dpi=dpi)
            return Image.open(io.BytesIO(buf.getvalue()))
        return Image.frombuffer("RGBA", size, buf.getvalue(), "raw", "RGBA", 0, 1)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> tuple[dict, dict]:
        import base64

        w, h = self._size()
        meta = {"width": round(w * self.dpi), "height": round(h * self.dpi), "alt": self.alt}
        data = {
            "image/png": self._png(),
            "image/webp": base64.b64encode(self._webp()).decode("ascii"),
            "text/plain": repr(self),
        }
        return data, {"image/png": meta, "image/webp": meta}

    def _repr_png_(self) -> bytes:
        return self._png()

    def savefig(self, *args: object, **kwargs: object) -> None:
        savefig(self.figure, *args, **kwargs)  # no date or tool version in the file (determinism)

    def __repr__(self) -> str:
        w, h = self._size()
        return f"<Chart {w:.1f}×{h:.1f} in>"


#: Height (inches) of the strip under a chart that names its source.
FOOTER_HEIGHT = 0.3


def source_note(sources: pd.DataFrame, lang: str = "en") -> str:
    """The line under a chart naming where its figures come from: one source's title (the English
    title in English) and date, or how many sources there are."""
    from coop_analysis.periods import precision_of
    from coop_analysis.wording import format_date

    if sources.empty:
        return ""
    if len(sources) > 1:
        return f"来源：{len(sources)}份资料（见报告末尾的来源列表）" if lang == "zh" else (
            f"Sources: {len(sources)} documents, listed at the end of the report")  # fmt: skip
    row = sources.iloc[0]
    date = str(row["published"])
    when = format_date(date, precision_of(date), lang)
    estimate = bool(row["date_is_estimate"])
    if lang == "zh":
        return f"来源：《{row['title']}》（{'约' if estimate else ''}{when}）· coop-analysis"
    title = row["title_en"] if isinstance(row["title_en"], str) and row["title_en"] else row["title"]
    return f"Source: “{title}” ({when}{', date estimated' if estimate else ''}) · coop-analysis"


def with_source(figure: Figure, note: str, lang: str = "en") -> Figure:
    """``figure`` grown by a strip at the bottom holding ``note`` (its axes keep their size),
    so a chart copied out of the report still says where its figures come from.

    Only for figures laid out without a layout engine (the report charts); others are
    returned unchanged.
    """
    if not note or figure.get_layout_engine() is not None:
        return figure
    w, h = figure.get_size_inches()
    grown = h + FOOTER_HEIGHT
    figure.set_size_inches(w, grown)
    for ax in figure.axes:
        if ax.get_axes_locator() is not None:  # an inset placed relative to its parent axes
            continue
        x0, y0, width, height = ax.get_position(original=True).bounds
        ax.set_position([x0, (y0 * h + FOOTER_HEIGHT) / grown, width, height * h / grown])
    with charts.report_style(lang):
        figure.text(0.08 / w, FOOTER_HEIGHT * 0.45 / grown, note, fontsize=7.5, color="#555555",
                    ha="left", va="center", gid="source-note")  # fmt: skip
    return figure


def _pixel_size(figure: Figure, dpi: float) -> tuple[int, int]:
    """Width and height in pixels of ``figure`` drawn at ``dpi`` (as the Agg canvas sizes its buffer)."""
    old = figure.dpi
    try:
        figure.dpi = dpi
        width, height = figure.bbox.size
    finally:
        figure.dpi = old
    return int(width), int(height)


def _figure_title(figure: Figure) -> str:
    """The figure's title (suptitle, else the first axes title): alt text when none is given."""
    sup = getattr(figure, "_suptitle", None)
    if sup is not None and sup.get_text():
        return str(sup.get_text())
    for ax in figure.axes:
        for loc in ("center", "left", "right"):
            title = ax.get_title(loc)
            if title:
                return str(title)
    return ""


def _place_label(place_zh: object, lang: str) -> str:
    """A prefecture on a map: 阿里 / ``Ali Prefecture`` (``""`` for none)."""
    from coop_analysis.regions import place_name_en, place_short_zh

    if not isinstance(place_zh, str) or not place_zh:
        return ""
    return place_short_zh(place_zh) if lang == "zh" else place_name_en(place_zh)


def _with_places(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``links`` with ``source_place``/``target_place``: the prefectures an arrow starts
    or ends in (:func:`coop_analysis.overview.flow_ends`), named in ``lang``."""
    out = links.copy()
    for end in ("source", "target"):
        out[f"{end}_place"] = [_place_label(p, lang) for p in out[f"{end}_place_zh"]]
    return out


def _links_alt(links: pd.DataFrame, lang: str, place: str | None = None) -> str:
    """Alt text of a flow map: who is linked with whom (and where, when the sources
    place a side in one prefecture), and by how many initiatives."""
    from coop_analysis.regions import province_names

    names = province_names(lang)
    rows = _with_places(links, lang).sort_values(["weight", "source", "target"], ascending=[False, True, True])
    parts = []
    for r in rows.itertuples(index=False):
        n = int(r.weight)
        a, b = names.get(r.source, r.source), names.get(r.target, r.target)
        if r.source_place:
            a += f"（{r.source_place}）" if lang == "zh" else f" ({r.source_place})"
        if r.target_place:
            b += f"（{r.target_place}）" if lang == "zh" else f" ({r.target_place})"
        if lang == "zh":
            parts.append(f"{a}—{b}（{n}个合作项目）")
        else:
            parts.append(f"{a}–{b} ({n} initiative{'s' if n != 1 else ''})")
    if lang == "zh":
        head = f"中国地图，{place}的东西部科技合作关系：" if place else "中国地图，资料中的东西部科技合作关系："
        return head + "；".join(parts) + "。"
    head = (
        f"Map of China with {place}'s East–West cooperation links: "
        if place
        else "Map of China with the East–West cooperation links in the sources: "
    )
    return head + "; ".join(parts) + "."


def _bars_alt(title: str, data: pd.DataFrame, lang: str) -> str:
    """Alt text of a bar chart: its title, then every bar with its figure as the chart prints it."""
    sep = "；" if lang == "zh" else "; "
    items = sep.join(
        f"{label}：{text}" if lang == "zh" else f"{label}: {text}"
        for label, text in zip(data["label"], data["text"], strict=True)
    )
    if lang == "zh":
        return f"条形图，{title}。{items}。"
    return f"Bar chart, {title}. {items}."


def _matrix_alt(title: str, matrix: pd.DataFrame, lang: str) -> str:
    """Alt text of the mechanism heatmap: each non-empty cell, row by row."""
    cells = []
    for row, values in matrix.iterrows():
        for col, n in values.items():
            if n:
                cells.append(f"{row} · {col}：{int(n)}" if lang == "zh" else f"{row} · {col}: {int(n)}")
    sep, end = ("；", "。") if lang == "zh" else ("; ", ".")
    head = f"热力图，{title}。" if lang == "zh" else f"Heatmap, {title}. "
    return head + sep.join(cells) + end


def _labels(lang: str) -> dict[int, str]:
    prov = load_provinces()
    col = "short_zh" if lang == "zh" else "name_en"
    return {int(a): str(n) for a, n in zip(prov["adcode"], prov[col], strict=True)}


def _official_partners(profile: RegionProfile) -> list[int]:
    """Adcodes of the province's official pairing partners (East–West pairs, counterpart support)."""
    pairs = profile.pairings
    others = set(pairs["east_province"]) | set(pairs["west_province"])
    prov = load_provinces().set_index("name_en")
    return sorted(int(prov.at[p, "adcode"]) for p in others - {profile.name})


def _official_alt(codes: list[int], lang: str) -> str:
    if not codes:
        return ""
    names = _labels(lang)
    shown = [names[c] for c in codes]
    if lang == "zh":
        return "斜线标出官方结对省份：" + "、".join(shown) + "。"
    return " Official pairing partners (hatched): " + ", ".join(shown) + "."


def region_map(profile: RegionProfile, lang: str = "en") -> Chart:
    """The province's cooperation links on a map of China (the province alone if it has none);
    its official pairing partners hatched."""
    check_lang(lang)
    name = str(profile.province["short_zh"] if lang == "zh" else profile.name)
    links = profiles.region_flows(profile)
    official = _official_partners(profile)
    note = source_note(profile.sources, lang)
    if len(links):
        title = f"{name}：东西部科技合作关系" if lang == "zh" else f"{name}: East–West S&T cooperation links"
        return Chart.drawn(
            _draw_flow_map,
            _links_alt(links, lang, name) + _official_alt(official, lang),
            links=_with_places(links, lang),
            lang=lang,
            title=title,
            labels=_labels(lang),
            official=official,
            weight_label="合作项目数" if lang == "zh" else "initiatives",
            note=note,
        )
    title = f"{name}（资料中暂无合作关系）" if lang == "zh" else f"{name} (no cooperation links in the sources)"
    alt = (
        f"中国地图，标出{name}；资料中暂无其合作关系。"
        if lang == "zh"
        else f"Map of China showing {name}; the sources hold no cooperation links for it."
    )
    adcode = int(profile.province["adcode"])
    return Chart.drawn(_draw_province_alone, alt, adcode=adcode, lang=lang, title=title, note=note)


def _draw_flow_map(links: pd.DataFrame, *, lang: str, title: str, labels: dict[int, str], official: list[int],
                   weight_label: str, note: str) -> Figure:  # fmt: skip
    fig = charts.flow_map(links, lang=lang, title=title, labels=labels, official=official,  # type: ignore[arg-type]
                          weight_label=weight_label)  # fmt: skip
    return with_source(fig, note, lang)


def _draw_province_alone(*, adcode: int, lang: str, title: str, note: str) -> Figure:
    with charts.report_style(lang):
        fig, ax = _new_figure((8, 6), layout=None)
        charts.set_map_margins(fig, title)
        charts.draw_china(ax, {adcode: WEST_COLOR}, lang=lang)
        ax.set_title(title)
    return with_source(fig, note, lang)


#: Bar charts compare figures of one comparable unit: the measure words of each group.
UNIT_GROUPS: dict[str, tuple[str, ...]] = {
    "people": ("人", "名", "人次"),
    "organizations": ("家",),
    "items": ("项",),
}
#: A chart earns its space over the key-figures table only with at least this many bars.
MIN_BARS = 4
_GROUP_TEXT = {  # kind → (English title, axis), (Chinese title, axis)
    "people": (("people in the sources", "people"), ("资料中的人数", "人数")),
    "organizations": (
        ("firms and institutions in the sources (家)", "firms and institutions"),
        ("资料中的企业与机构数（家）", "家数"),
    ),
    "items": (("projects and other items in the sources (项)", "items"), ("资料中的项目等（项）", "项数")),
    "money": (
        ("amounts in the sources, compared in CNY (foreign currencies converted)", "amount in CNY"),
        ("资料中的金额（按人民币比较，外币按年均汇率折算）", "人民币金额"),
    ),
}


def _check_kind(kind: object) -> str:
    if kind not in _GROUP_TEXT:
        raise ValueError(f"kind: expected one of {sorted(_GROUP_TEXT)}, got {kind!r}")
    return str(kind)


def _group_facts(facts: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    """:func:`coop_analysis.profiles.chart_facts` for one comparable unit: amounts (CNY scale),
    or the counts whose measure word is in ``UNIT_GROUPS[kind]``."""
    if kind == "money":
        return profiles.chart_facts(facts, "money", lang)
    return profiles.chart_facts(facts[facts["unit"].isin(UNIT_GROUPS[kind])], "count", lang)


def _axis(kind: str, lang: str, log: bool) -> str:
    axis = _GROUP_TEXT[kind][1 if lang == "zh" else 0][1]
    if not log:
        return axis
    return f"{axis}（对数刻度）" if lang == "zh" else f"{axis} (log scale)"


def _bars(data: pd.DataFrame, kind: str, lang: str, *, title: str, log: bool, sources: pd.DataFrame) -> Chart:
    """A bar chart of :func:`_group_facts` rows with its source line and alt text."""
    columns = data[["value", "label", "approx", "text"]]
    return Chart.drawn(_draw_bars, _bars_alt(title, data, lang), data=columns, lang=lang, title=title, log=log,
                       xlabel=_axis(kind, lang, log), note=source_note(sources, lang))  # fmt: skip


def _draw_bars(data: pd.DataFrame, *, lang: str, title: str, log: bool, xlabel: str, note: str) -> Figure:
    fig = charts.bar_chart(data, value="value", label="label", approx="approx", log=log, lang=lang,  # type: ignore[arg-type]
                           title=title, xlabel=xlabel, text="text")  # fmt: skip
    return with_source(fig, note, lang)


def bar_kinds(profile: RegionProfile) -> list[str]:
    """The kinds of :data:`UNIT_GROUPS` (and ``money``) the province has a bar chart of
    (:func:`region_bars` is not ``None``), without drawing them."""
    return [k for k in (*UNIT_GROUPS, "money") if len(_group_facts(profile.facts, k, "en")) >= MIN_BARS]


def region_bars(profile: RegionProfile, kind: str = "organizations", lang: str = "en") -> Chart | None:
    """Bar chart of the province's figures of one unit — ``people``, ``organizations`` (家),
    ``items`` (项) or ``money`` (on the CNY scale) —, or ``None`` with fewer than
    :data:`MIN_BARS` (the key-figures table shows them all). Log scale when they span
    more than 50×."""
    check_lang(lang)
    _check_kind(kind)
    data = _group_facts(profile.facts, kind, lang)
    if len(data) < MIN_BARS:
        return None
    zh = lang == "zh"
    name = str(profile.province["short_zh"] if zh else profile.name)
    what = _GROUP_TEXT[kind][1 if zh else 0][0]
    title = f"{name}：{what}" if zh else f"{name}: {what}"
    spread = data["value"].max() / max(data["value"].min(), 1e-9)
    log = bool(spread > 50)
    return _bars(data, kind, lang, title=title, log=log, sources=profile.sources)


def overview_flow_map(lang: str = "en") -> Chart:
    """All East→West links in the sources, width by number of initiatives."""
    check_lang(lang)
    title = "资料中的东西部科技合作关系" if lang == "zh" else "East→West S&T cooperation in the sources"
    links = profiles.flows()
    return Chart.drawn(
        _draw_flow_map,
        _links_alt(links, lang),
        links=_with_places(links, lang),
        lang=lang,
        title=title,
        labels=_labels(lang),
        official=[],
        weight_label="合作项目数" if lang == "zh" else "initiatives",
        note=source_note(load_sources(), lang),
    )


def overview_amounts(kind: str = "money", lang: str = "en") -> Chart | None:
    """Every figure of one unit in the sources (see :func:`region_bars`), compared across
    provinces on a log scale; ``None`` with fewer than :data:`MIN_BARS`.

    Amounts are placed on one CNY scale (foreign currencies converted at the annual
    average rate of their period's end year, see :func:`coop_analysis.profiles.chart_facts`);
    labels keep the currency as stated; each bar is labelled with the province it is
    counted for.
    """
    check_lang(lang)
    _check_kind(kind)
    from coop_analysis.regions import province_names

    data = _group_facts(load_facts(), kind, lang)
    if len(data) < MIN_BARS:
        return None
    names = province_names(lang)
    data["label"] = data["province"].map(names) + " · " + data["label"]
    what = _GROUP_TEXT[kind][1 if lang == "zh" else 0][0]
    title = f"各省比较：{what}" if lang == "zh" else f"Across provinces: {what}"
    return _bars(data, kind, lang, title=title, log=True, sources=load_sources())


def overview_matrix(lang: str = "en") -> Chart:
    """Heatmap of initiatives by mechanism and western province."""
    check_lang(lang)
    title = "合作机制 × 省份（合作项目数）" if lang == "zh" else "Mechanism × province (initiatives)"
    matrix = profiles.mechanism_matrix(lang)
    return Chart.drawn(_draw_heatmap, _matrix_alt(title, matrix, lang), matrix=matrix, lang=lang, title=title)


def _draw_heatmap(matrix: pd.DataFrame, *, lang: str, title: str) -> Figure:
    return charts.heatmap(matrix, lang=lang, title=title)  # type: ignore[arg-type]


def audit_positions(doc_id: str, lang: str = "en") -> Chart:
    """Where each extracted mention sits in a source, coloured by status, with section boundaries."""
    from matplotlib.figure import Figure

    from coop_analysis.audit import audit_table
    from coop_analysis.datasets import source_text
    from coop_analysis.text import split_sections

    check_lang(lang)
    table = audit_table(doc_id)
    table = table[table["start"] >= 0]
    text = source_text(doc_id)
    colors = {"fact": EAST_COLOR, "waived": "#999999", "gap": WEST_COLOR}
    with charts.report_style(lang):
        fig = Figure(figsize=(9, 2.6), layout="constrained")
        ax = fig.subplots()
        for sec in split_sections(text):
            ax.axvline(sec.start, color="#cccccc", linewidth=0.8, zorder=0)
        for status, color in colors.items():
            sel = table[table["status"] == status]
            ax.scatter(sel["start"], [1] * len(sel), marker="|", s=400, color=color, label=f"{status} ({len(sel)})")
        ax.set_yticks([])
        ax.set_xlim(0, len(text))
        ax.set_xlabel("字符位置（规范化文本）" if lang == "zh" else "character offset in the normalized text")
        ax.set_title(doc_id, loc="left")
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False)
    return Chart(fig)
