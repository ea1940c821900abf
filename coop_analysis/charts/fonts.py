"""Chinese text in matplotlib: Noto Sans SC (SIL OFL) from ``pylopdf-fonts-zh-cn``.

Matplotlib has no CJK font of its own, and system fonts differ between machines.
:func:`register_cjk_font` adds Noto Sans SC to matplotlib's font manager for this
process only (no rc file or font cache is written); :func:`cjk_font_path` is the
file itself (the report pages cut their web-font subsets from it).
"""

from __future__ import annotations

import importlib.resources
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from coop_analysis.errors import CoopAnalysisError

if TYPE_CHECKING:  # pragma: no cover
    pass

log = logging.getLogger(__name__)


CJK_FONT_PACKAGE = "pylopdf-fonts-zh-cn"
_CJK_FONT_MODULE = "pylopdf_fonts_zh_cn"
_CJK_FONT_FILE = "NotoSansSC-Regular.otf"


class FontNotFoundError(CoopAnalysisError, FileNotFoundError):
    """The bundled CJK font (Noto Sans SC from ``pylopdf-fonts-zh-cn``) is not installed."""


# --------------------------------------------------------------------------- fonts


def cjk_font_path() -> Path:
    """Return the path of the Noto Sans SC font file shipped by ``pylopdf-fonts-zh-cn``.

    Returns:
        Path to ``NotoSansSC-Regular.otf`` (SIL Open Font License).

    Raises:
        FontNotFoundError: the package is not installed or lacks the font file;
            the message says what to install.
    """
    hint = f"install it with `pip install {CJK_FONT_PACKAGE}` (it is a runtime dependency of coop-analysis)"
    try:
        root = importlib.resources.files(_CJK_FONT_MODULE)
    except ModuleNotFoundError as exc:
        raise FontNotFoundError(f"the CJK font package {CJK_FONT_PACKAGE!r} is not installed: {hint}") from exc
    path = Path(str(root / _CJK_FONT_FILE))
    if not path.is_file():
        raise FontNotFoundError(f"{_CJK_FONT_FILE} is missing from {CJK_FONT_PACKAGE!r} at {path.parent}: {hint}")
    return path


_registered: tuple[object, str] | None = None  # (fontManager it was added to, family name)


def register_cjk_font() -> str:
    """Add Noto Sans SC to matplotlib's font manager (once per font manager).

    Only the in-memory ``fontManager`` of this process changes: no matplotlib rc
    file, style or font cache is written, and rcParams are left alone. Calling it
    again is cheap and adds nothing.

    Returns:
        The font's family name (``"Noto Sans SC"``), for use in ``font.family``.

    Raises:
        FontNotFoundError: see :func:`cjk_font_path`.
    """
    global _registered
    from matplotlib import font_manager

    fm = font_manager.fontManager
    if _registered is not None and _registered[0] is fm:
        return _registered[1]
    path = cjk_font_path()
    name = font_manager.FontProperties(fname=str(path)).get_name()
    if not any(Path(f.fname).resolve() == path.resolve() for f in fm.ttflist):
        fm.addfont(str(path))
        log.debug("registered CJK font %s (%s)", name, path)
    _registered = (fm, name)
    return name
