"""Report figures: every chart of every report fits its figure, in both languages."""

from __future__ import annotations

import pytest
from matplotlib.text import Annotation

from coop_analysis import figures, profiles
from coop_analysis.figures import Chart

LANGS = ["en", "zh"]
KINDS = ["people", "organizations", "items", "money"]


def _report_charts(lang: str) -> list[tuple[str, Chart]]:
    charts: list[tuple[str, Chart | None]] = [
        ("overview_flow_map", figures.overview_flow_map(lang)),
        *((f"overview_amounts {kind}", figures.overview_amounts(kind, lang)) for kind in KINDS),
        ("overview_matrix", figures.overview_matrix(lang)),
    ]
    for region in [*profiles.provinces_with_records(), "Hainan"]:  # Hainan: no records
        profile = profiles.region_profile(region)
        charts += [
            (f"{region} map", figures.region_map(profile, lang)),
            *((f"{region} {kind}", figures.region_bars(profile, kind, lang)) for kind in KINDS),
        ]
    return [(name, chart) for name, chart in charts if chart is not None]


@pytest.mark.parametrize("lang", LANGS)
def test_every_report_chart_fits_its_figure(lang: str) -> None:
    """Nothing is cut off: titles, tick labels, value labels and legends lie inside the image.

    The bar charts and maps are laid out with margins measured from their texts
    (no layout engine), so this checks those measurements for every real chart.
    """
    charts = _report_charts(lang)
    assert len(charts) > 15
    for name, chart in charts:
        fig = chart.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        w, h = fig.get_size_inches()
        box = fig.get_tightbbox(renderer)  # inches, every visible artist
        assert box.x0 >= -0.01 and box.y0 >= -0.01, f"{name}: cut off at the left/bottom: {box}"
        assert box.x1 <= w + 0.01 and box.y1 <= h + 0.01, f"{name}: cut off at the right/top: {box} vs {w}×{h}"
        for ax in fig.axes:
            frame = ax.get_window_extent(renderer)
            for label in ax.get_yticklabels():
                if label.get_text() and label.get_visible():
                    assert label.get_window_extent(renderer).x0 >= -1, f"{name}: label {label.get_text()!r} cut"
            for note in (
                t for t in ax.texts if isinstance(t, Annotation) and "bar" in {p.get_gid() for p in ax.patches}
            ):
                extent = note.get_window_extent(renderer)
                assert extent.x1 <= frame.x1 + 1, f"{name}: value label {note.get_text()!r} runs out of the axes"
        title = fig.axes[0].title.get_window_extent(renderer)
        for legend in fig.legends:
            assert not legend.get_window_extent(renderer).overlaps(title), f"{name}: legend covers the title"


@pytest.mark.parametrize("lang", LANGS)
def test_chart_renders_png_once(lang: str) -> None:
    profile = profiles.region_profile("宁夏")
    chart = figures.region_bars(profile, "organizations", lang)
    assert chart is not None
    png = chart._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert repr(chart).startswith("<Chart ")


def test_chart_output_holds_one_image_as_png_and_lossless_webp() -> None:
    """Notebooks get a PNG, pages a WebP: pixel for pixel the same, at most 16 colours, the WebP smaller."""
    import base64
    import io

    from PIL import Image

    chart = figures.region_map(profiles.region_profile("宁夏"), "zh")
    data, meta = chart._repr_mimebundle_()
    png = Image.open(io.BytesIO(data["image/png"]))
    webp_bytes = base64.b64decode(data["image/webp"])
    webp = Image.open(io.BytesIO(webp_bytes))
    width, height = chart.figure.get_size_inches()
    assert webp.format == "WEBP" and png.size == webp.size == (1600, int(height * 200)) and width == 8
    assert png.convert("RGB").tobytes() == webp.convert("RGB").tobytes()
    assert len(png.convert("RGB").getcolors(256)) <= 16
    assert len(webp_bytes) < len(data["image/png"])
    assert meta["image/webp"] == meta["image/png"] == {"width": 800, "height": round(height * 100), "alt": chart.alt}
    assert chart._repr_mimebundle_()[0] == data  # same bytes every time


def test_map_colours_that_cover_an_area_survive_the_palette() -> None:
    """Every colour covering 0.1 % of a map or more (land, the provinces' fills, arrows, borders)
    comes out within 20 of 255 levels in each channel; a province filled on its own (Ningxia,
    0.13 % of its map) exactly.

    (A plain median cut to 16 colours had turned Ningxia's orange into grey.)"""
    import numpy as np

    from coop_analysis.charts.style import WEST_COLOR, _lighten

    for chart in (figures.region_map(profiles.region_profile("宁夏"), "zh"), figures.overview_flow_map("en")):
        pixels = chart._pixels()
        before = np.asarray(pixels.convert("RGB")).reshape(-1, 3).astype(int)
        after = np.asarray(chart._palette().convert("RGB")).reshape(-1, 3).astype(int)
        packed = before @ np.array([1 << 16, 1 << 8, 1])
        _, first, counts = np.unique(packed, return_index=True, return_counts=True)
        for at in first[counts >= 0.001 * len(packed)]:
            error = int(np.abs(before[at] - after[at]).max())
            assert error <= 20, f"{chart.alt[:20]}: #{packed[at]:06x} became {after[at]} ({error})"
    west = tuple(int(_lighten(WEST_COLOR, 0.55)[i : i + 2], 16) for i in (1, 3, 5))
    ningxia = figures.region_map(profiles.region_profile("宁夏"), "zh")
    assert west in {rgb for _, rgb in ningxia._palette().convert("RGB").getcolors(256)}


def test_a_chart_wider_than_the_column_gets_two_pixels_per_column_pixel() -> None:
    """A 12-inch chart is shown scaled to the 960 px column: its image is 1920 px wide, not 2400."""
    from matplotlib.figure import Figure

    wide, narrow = Chart(Figure(figsize=(12, 3))), Chart(Figure(figsize=(8, 3)))
    assert wide._pixels().size == (figures.COLUMN_PX * 2, 480)
    assert wide._repr_mimebundle_()[1]["image/png"]["width"] == 1200  # the size it is laid out at
    assert narrow._pixels().size == (1600, 600)


def test_region_without_amounts_gets_no_empty_chart() -> None:
    assert figures.region_bars(profiles.region_profile("Hainan"), "money", "en") is None


def test_a_bar_chart_compares_one_unit_and_only_with_enough_bars() -> None:
    """People, firms and projects are never ranked on one axis; under MIN_BARS the table is enough."""
    from coop_analysis.datasets import load_facts

    ningxia = profiles.region_profile("Ningxia")
    assert figures.region_bars(ningxia, "money", "en") is None  # two amounts: the table shows them
    assert figures.region_bars(ningxia, "people", "en") is None
    chart = figures.region_bars(ningxia, "organizations", "en")
    assert chart is not None and "firms and institutions" in chart.alt
    shown = {f for f in load_facts()["fact_id"] if f"[{f}]" in chart.alt}
    units = set(load_facts().set_index("fact_id").loc[sorted(shown), "unit"])
    assert len(shown) >= figures.MIN_BARS and units == {"家"}
    for region in ("Ningxia", "Tibet", "Gansu", "Shanghai"):  # bar_kinds: the charts region_bars draws
        profile = profiles.region_profile(region)
        drawn = [k for k in KINDS if figures.region_bars(profile, k, "en") is not None]
        assert figures.bar_kinds(profile) == drawn, region
    assert figures.bar_kinds(ningxia) == ["organizations"]
    for kind in KINDS:
        data = figures._group_facts(load_facts(), kind, "en")
        overview = figures.overview_amounts(kind, "en")
        assert (overview is None) == (len(data) < figures.MIN_BARS)
        if kind != "money":
            facts = load_facts().set_index("fact_id")
            assert set(facts.loc[list(data["fact_id"]), "unit"]) <= set(figures.UNIT_GROUPS[kind])


@pytest.mark.parametrize("kind", ["count", "", None])
def test_bar_chart_kind_is_checked(kind: object) -> None:
    with pytest.raises(ValueError, match=r"kind: expected one of \['items', 'money', 'organizations', 'people'\]"):
        figures.region_bars(profiles.region_profile("Ningxia"), kind, "en")  # type: ignore[arg-type]


def test_chart_pixels_are_those_of_its_png() -> None:
    """Charts are drawn to a raw buffer, not through a PNG: same pixels, also at sizes that round."""
    import io

    from PIL import Image

    from coop_analysis.determinism import savefig

    profile = profiles.region_profile("Ningxia")
    for chart in (figures.region_map(profiles.region_profile("Shaanxi"), "en"),
                  figures.region_bars(profile, "organizations", "en")):  # fmt: skip
        png = io.BytesIO()
        savefig(chart.figure, png, format="png", dpi=chart.pixel_dpi())
        expected = Image.open(io.BytesIO(png.getvalue()))
        pixels = chart._pixels()
        assert pixels.size == expected.size and pixels.tobytes() == expected.convert("RGBA").tobytes()


def test_region_map_hatches_the_official_partners_even_without_cooperation() -> None:
    ningxia = figures.region_map(profiles.region_profile("Ningxia"), "en")
    gids = {p.get_gid() for ax in ningxia.figure.axes for p in ax.patches}
    assert "official-350000" in gids  # Fujian: Ningxia's 2021 East–West partner, absent from the sources
    assert not {g for g in gids if g and g.startswith("official-")} - {"official-350000"}
    assert ningxia.alt.endswith("Official pairing partners (hatched): Fujian.")
    gansu = figures.region_map(profiles.region_profile("甘肃"), "zh")
    assert gansu.alt.endswith("斜线标出官方结对省份：天津、山东。")


@pytest.mark.parametrize(
    ("lang", "link"),
    [("en", "Hebei–Tibet (Ali Prefecture) (1 initiative)"), ("zh", "河北—西藏（阿里）（1个合作项目）")],
)
def test_region_map_ends_the_link_in_the_prefecture_the_sources_name(lang: str, link: str) -> None:
    """The Hebei–Tibet pilot runs in three counties of Ali (Hebei's assigned prefecture): the
    arrow ends at Ali's seat, labelled, and the alt text says so."""
    tibet = figures.region_map(profiles.region_profile("Tibet"), lang)
    assert link in tibet.alt
    gids = {ln.get_gid() for ax in tibet.figure.axes for ln in ax.lines}
    assert f"place-point-{'阿里' if lang == 'zh' else 'Ali Prefecture'}" in gids


@pytest.mark.parametrize("lang", LANGS)
def test_every_report_chart_names_its_source_on_the_image(lang: str) -> None:
    expected = "Source: “East–West science and technology cooperation keeps bearing fruit” (Apr 2025, date estimated)"
    for name, chart in _report_charts(lang):
        if name == "overview_matrix" or name.startswith("Hainan"):  # engine layout, not in reports; no source
            assert not [t for t in chart.figure.texts if t.get_gid() == "source-note"]
            continue
        notes = [t.get_text() for t in chart.figure.texts if t.get_gid() == "source-note"]
        assert len(notes) == 1, name
        if lang == "en":
            assert notes[0].startswith(expected), (name, notes[0])
        else:
            assert notes[0].startswith("来源：《持续推动东西部科技合作开新花 结硕果》（约2025年4月）"), (name, notes[0])


def test_source_note_for_several_sources_points_to_the_list() -> None:
    import pandas as pd

    two = pd.DataFrame({"title": ["甲", "乙"], "title_en": ["A", "B"], "published": ["2024", "2025-01"],
                        "date_is_estimate": [False, False]})  # fmt: skip
    assert figures.source_note(two, "en") == "Sources: 2 documents, listed at the end of the report"
    assert figures.source_note(two.iloc[:1], "en") == "Source: “A” (2024) · coop-analysis"
    assert figures.source_note(two.iloc[1:], "zh") == "来源：《乙》（2025年1月）· coop-analysis"
    assert figures.source_note(two.iloc[:0], "en") == ""
