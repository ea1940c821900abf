"""The house style of report figures: palette, texts per language, fonts in an rc context.

:func:`report_style` sets ``font.family`` to an explicit list such as
``["DejaVu Sans", "Noto Sans SC"]``: matplotlib (≥ 3.6) falls back glyph by glyph,
so mixed Latin/Chinese text renders without missing-glyph boxes or warnings.
Names are explicit (not ``"sans-serif"``), so text created inside the context
still renders right when the figure is drawn after it exits.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from coop_analysis.charts.fonts import register_cjk_font

if TYPE_CHECKING:  # pragma: no cover
    pass

log = logging.getLogger(__name__)


LATIN_FAMILY = "DejaVu Sans"  # ships with matplotlib itself

Lang = Literal["en", "zh"]

# Okabe–Ito colour-blind-safe palette (black dropped).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#999999"]
EAST_COLOR = "#0072B2"
WEST_COLOR = "#D55E00"
BOTH_COLOR = "#CC79A7"
LAND_COLOR = "#f3f1ec"
EDGE_COLOR = "#a8a39a"
BORDER_COLOR = "#4d4d4d"

_TEXT = {
    "en": {
        "approx": "approximate",
        "exact": "exact",
        "source": "East (source)",
        "target": "West (target)",
        "both": "source and target",
        "weight": "weight",
        "official": "official pairing",
        "place": "city or prefecture named in the sources",
        "scs": "South China Sea Islands",
        "approx_prefix": "≈",
    },
    "zh": {
        "approx": "约数",
        "exact": "确数",
        "source": "东部（来源）",
        "target": "西部（对象）",
        "both": "既是来源也是对象",
        "weight": "权重",
        "official": "官方结对",
        "place": "资料所载地市",
        "scs": "南海诸岛",
        "approx_prefix": "约",
    },
}


def _check_lang(lang: str) -> Lang:
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    return lang  # type: ignore[return-value]


def _style_rc(lang: Lang) -> dict[str, Any]:
    from cycler import cycler

    cjk = register_cjk_font()
    # Chinese reports: the CJK font first, so Latin digits in Chinese text match it;
    # English reports: DejaVu Sans first, CJK glyphs fall back to Noto Sans SC.
    families = [cjk, LATIN_FAMILY] if lang == "zh" else [LATIN_FAMILY, cjk]
    import matplotlib as mpl

    sans = [f for f in mpl.rcParams["font.sans-serif"] if f not in families]
    return {
        "font.family": families,
        # For text that asks for the generic family explicitly inside the context.
        "font.sans-serif": [*families, *sans],
        "font.size": 10,
        "axes.titlesize": 13,
        "axes.titleweight": "normal",  # the CJK font ships Regular only: bold would log a findfont warning
        "axes.titlelocation": "left",
        "axes.titlepad": 8,
        "axes.labelsize": 10,
        "axes.labelcolor": "#333333",
        "axes.edgecolor": "#888888",
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=PALETTE),
        "axes.unicode_minus": True,  # U+2212: both fonts have it
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "xtick.color": "#444444",
        "ytick.color": "#444444",
        "legend.fontsize": 9,
        "legend.frameon": False,
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "figure.constrained_layout.use": True,
        "savefig.dpi": 150,
        "savefig.facecolor": "white",
        "pdf.fonttype": 42,
        "svg.fonttype": "path",
        "hatch.color": "#555555",
        "hatch.linewidth": 0.6,
    }


@contextlib.contextmanager
def report_style(lang: Lang = "en") -> Iterator[None]:
    """Context manager: the house style for report figures, with Chinese text support.

    Figures (and their texts) created inside keep the style and fonts when they
    are drawn or saved after the block exits, because the font families are
    stored by explicit name. The user's rcParams are restored on exit.

    Args:
        lang: ``"en"`` (DejaVu Sans first, CJK fallback) or ``"zh"`` (Noto Sans SC first).

    Yields:
        None.

    Example:
        >>> with report_style("zh"):
        ...     fig, ax = plt.subplots()
        ...     ax.set_title("东西部协作")
    """
    import matplotlib as mpl

    rc = _style_rc(_check_lang(lang))
    with mpl.rc_context(rc):
        yield


def _lighten(color: str, amount: float) -> str:
    """Blend ``color`` with white (``amount`` 0 = unchanged, 1 = white)."""
    from matplotlib.colors import to_hex, to_rgb

    r, g, bl = to_rgb(color)
    return to_hex((r + (1 - r) * amount, g + (1 - g) * amount, bl + (1 - bl) * amount))
