"""Chinese text in any matplotlib or pandas plot, with the font the package ships.

Matplotlib has no CJK font of its own: without one, ``df.plot()`` draws boxes
for Chinese labels and logs a missing-glyph warning per character. Two calls
fix that with Noto Sans SC (SIL OFL, from the ``pylopdf-fonts-zh-cn``
dependency), registered in this process only (no matplotlib rc file or font
cache is written)::

    import coop_analysis as ca
    ca.use_chinese_font()            # for the rest of the session (e.g. a notebook's first cell)

    with ca.chinese_plots():         # or only inside a block; rcParams are restored after it
        facts.groupby("province_zh").size().plot.barh()

Both set ``font.family`` to an explicit list, Latin font first and Noto Sans
SC second (``cjk_first=True`` swaps them, so digits in Chinese labels match
the Chinese glyphs): matplotlib (≥ 3.6) falls back glyph by glyph, so mixed
Latin and Chinese text renders without boxes or warnings. The font has a
Regular face only: bold Chinese text is drawn Regular, and matplotlib's log
message announcing that is dropped. Nothing else in the user's style changes. The report charts use their own house style
(:mod:`coop_analysis.plots`), built on the same font registration.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

__all__ = ["chinese_font_rc", "chinese_plots", "use_chinese_font"]


class _RegularOnly(logging.Filter):
    """Drop matplotlib's "Failed to find font weight bold for Noto Sans SC" warning.

    The shipped font has a Regular face only; bold Chinese text is drawn in
    Regular, which is what the warning announces each time. Other font warnings
    pass.
    """

    def __init__(self, family: str) -> None:
        super().__init__()
        self.family = family

    def filter(self, record: logging.LogRecord) -> bool:
        msg = str(record.msg)
        return not (msg.startswith("findfont: Failed to find font weight") and self.family in str(record.args))


_filter: _RegularOnly | None = None


def chinese_font_rc(*, cjk_first: bool = False) -> dict[str, Any]:
    """The rcParams that make text render Chinese with the shipped font.

    Registers Noto Sans SC with matplotlib's font manager (once per process).

    Args:
        cjk_first: put Noto Sans SC before the Latin font (digits and Latin
            letters then also come from Noto Sans SC).

    Returns:
        ``{"font.family": [...], "font.sans-serif": [...]}``, for
        ``matplotlib.rcParams.update`` or ``matplotlib.rc_context``.

    Raises:
        coop_analysis.plots.FontNotFoundError: the font package is missing
            (the message says what to install).
    """
    import matplotlib as mpl

    from coop_analysis.plots import LATIN_FAMILY, register_cjk_font

    global _filter
    cjk = register_cjk_font()
    if _filter is None:
        _filter = _RegularOnly(cjk)
        logging.getLogger("matplotlib.font_manager").addFilter(_filter)
    families = [cjk, LATIN_FAMILY] if cjk_first else [LATIN_FAMILY, cjk]
    sans = [f for f in mpl.rcParams["font.sans-serif"] if f not in families]
    return {"font.family": families, "font.sans-serif": [*families, *sans]}


def use_chinese_font(*, cjk_first: bool = False) -> list[str]:
    """Make every plot of this session render Chinese text (matplotlib and pandas).

    Changes ``font.family`` and ``font.sans-serif`` in ``matplotlib.rcParams``
    for this process; call it again with another ``cjk_first`` to switch, or
    ``matplotlib.rcdefaults()`` to undo. Use :func:`chinese_plots` to change
    them only inside a block.

    Returns:
        The font families now in use, e.g. ``["DejaVu Sans", "Noto Sans SC"]``.
    """
    import matplotlib as mpl

    rc = chinese_font_rc(cjk_first=cjk_first)
    mpl.rcParams.update(rc)
    return list(rc["font.family"])


@contextlib.contextmanager
def chinese_plots(*, cjk_first: bool = False) -> Iterator[None]:
    """Context manager: plots made inside render Chinese text; rcParams are restored on exit.

    Figures created inside keep their fonts when drawn or saved after the block
    (in a notebook, the figure of the cell is drawn after the cell ends), since
    the families are stored by name.

    Example:
        >>> with chinese_plots():
        ...     ax = counts.plot.barh(title="各省事实数")
    """
    import matplotlib as mpl

    with mpl.rc_context(chinese_font_rc(cjk_first=cjk_first)):
        yield
