"""The map of China: provinces, national border and the South China Sea inset (:func:`draw_china`).

The South China Sea islands and dashed line are drawn in a lower-right inset, as
official maps do. :mod:`coop_analysis.charts.flows` draws cooperation links on it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from coop_analysis.charts.geo import BOUNDARIES_FILE, _project, _Projected, _projected, load_boundaries
from coop_analysis.charts.style import (
    _TEXT,
    BORDER_COLOR,
    EDGE_COLOR,
    LAND_COLOR,
    Lang,
    _check_lang,
)
from coop_analysis.paths import reference_dir

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.collections import LineCollection, PolyCollection

log = logging.getLogger(__name__)


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
