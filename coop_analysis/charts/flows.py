"""Flow maps: cooperation links between provinces as curved arrows on :func:`draw_china`."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from coop_analysis.charts.geo import load_boundaries
from coop_analysis.charts.layout import _fmt_number, _new_figure, _text_size_pt, set_map_margins
from coop_analysis.charts.map import draw_china
from coop_analysis.charts.style import (
    _TEXT,
    BOTH_COLOR,
    EAST_COLOR,
    EDGE_COLOR,
    WEST_COLOR,
    Lang,
    _check_lang,
    _lighten,
    report_style,
)

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- flow map


def _scale_widths(weights: np.ndarray, wmin: float = 0.7, wmax: float = 4.0) -> np.ndarray:
    import numpy as np

    top = float(np.nanmax(weights)) if len(weights) else 1.0
    if top <= 0:
        return np.full(len(weights), wmin)
    return wmin + (wmax - wmin) * np.sqrt(weights / top)


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
    official: Iterable[int] = (),
) -> Figure:
    """Map of flows between provinces: curved arrows from source to target.

    Source provinces (usually eastern) and target provinces (usually western) are
    filled in two colours; each flow is an arrow between the provinces' label
    points, its width growing with ``weight`` (area-like: width ∝ √weight).
    Duplicate source–target rows are summed. Involved provinces are labelled.

    Args:
        flows: columns ``source_adcode`` and ``target_adcode`` (int adcodes),
            ``weight`` (float ≥ 0, e.g. number of initiatives), optional
            ``label`` (text written on the arrow, e.g. the count); optional
            ``source_lon``/``source_lat`` and ``target_lon``/``target_lat``
            (a point inside the province where that end lies, e.g. a
            prefecture's seat; NaN for the province's label point) with
            ``source_place``/``target_place`` (its label, drawn small beside a dot).
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
        official: adcodes of official pairing partners (of the province a
            report is about): hatched and labelled, with a legend entry, whether
            or not a flow links them — so a reader sees the official partner
            even where the sources record no cooperation with it.

    Returns:
        The figure. Arrows are :class:`~matplotlib.patches.FancyArrowPatch`
        objects with gid ``"flow"`` in ``ax.patches``.

    Raises:
        ValueError: missing columns, unknown adcodes, or negative/NaN weights.
    """
    import matplotlib.patheffects as pe
    import numpy as np
    import pandas as pd
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
    ends = [f"{e}_{c}" for e in ("source", "target") for c in ("lon", "lat", "place")]
    for col in ends:
        if col in df.columns:
            agg[col] = "first"  # one point per pair of provinces
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
        partners = sorted(set(official) & set(cmap.adcodes))
        _hatch_official(ax, cmap, partners, source_color)

        def pos(code: int) -> tuple[float, float]:
            f = b.province(code)
            return cmap.project(f.label_lon, f.label_lat)  # type: ignore[return-value]

        def end(row: Any, side: str) -> tuple[float, float]:
            """An arrow's end: the given point inside the province, else its label point."""
            lon, lat = getattr(row, f"{side}_lon", math.nan), getattr(row, f"{side}_lat", math.nan)
            if pd.notna(lon) and pd.notna(lat):
                return cmap.project(float(lon), float(lat))  # type: ignore[return-value]
            return pos(int(getattr(row, f"{side}_adcode")))

        widths = _scale_widths(df["weight"].to_numpy())
        order = np.argsort(-df["weight"].to_numpy(), kind="stable")  # thick arrows below thin ones
        n_from = df.groupby("source_adcode")["target_adcode"].transform("count").to_numpy()
        rank_from = df.groupby("source_adcode").cumcount().to_numpy()
        # Several arrows into one province stop on a ring around its point, not on one spot.
        ends_at = [end(r, "target") for r in df.itertuples(index=False)]
        n_to = pd.Series(ends_at).map(pd.Series(ends_at).value_counts()).to_numpy()
        arrow_mid: list[tuple[float, float]] = []
        places: dict[tuple[float, float], str] = {}  # points inside provinces, with their labels
        for z, i in enumerate(order):
            row = df.iloc[i]
            a, bpt = end(row, "source"), ends_at[i]
            for side, point in (("source", a), ("target", bpt)):
                label = row.get(f"{side}_place")
                if isinstance(label, str) and label and pd.notna(row.get(f"{side}_lon")):
                    places[point] = label
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
                shrinkB=10 if n_to[i] >= 3 else (6 if bpt in places else 3),  # stop short of a place's mark
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
        codes = sorted(sources | targets | set(partners), key=lambda c: (-len(names.get(c, "")), c))
        items = []
        for code in codes:
            x, y = pos(code)
            items.append((x, y, names.get(code, str(code))))
        items += [(x, y, text) for (x, y), text in sorted(places.items())]
        offsets = _place_labels(ax, items, 8.5, avoid=[(x, y) for x, y, _ in items])
        place_offsets = offsets[len(codes) :]
        for ((x, y), text), (dx, dy) in zip(sorted(places.items()), place_offsets, strict=True):
            ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=7.5,
                fontstyle="italic" if lang == "en" else "normal",
                color="#333333",
                zorder=8,
                path_effects=[pe.withStroke(linewidth=2.5, foreground="white")],
            ).set_gid(f"place-{text}")
            ax.plot([x], [y], "s", ms=3, color=source_color, mec="white", mew=0.6, zorder=6, gid=f"place-point-{text}")
        for (x, y, text), (dx, dy), code in zip(items[: len(codes)], offsets[: len(codes)], codes, strict=True):
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
        if partners:
            handles.append(Patch(facecolor="white", edgecolor=source_color, hatch="////", label=txt["official"]))
        if places:
            handles.append(
                Line2D([], [], linestyle="none", marker="s", ms=4, color=source_color, mec="white", label=txt["place"])
            )
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


def _hatch_official(ax: Axes, cmap: Any, codes: Sequence[int], color: str) -> None:
    """Hatch the official partners' outlines over their fill (below the arrows)."""
    from matplotlib.patches import PathPatch

    paths = cmap.provinces.get_paths()
    for code in codes:
        patch = PathPatch(paths[cmap.adcodes.index(code)], facecolor="none", edgecolor=color, hatch="////",
                          linewidth=0.8, alpha=0.9, zorder=3)  # fmt: skip
        patch.set_gid(f"official-{code}")
        ax.add_patch(patch)


def _join_labels(values: pd.Series) -> str:
    """Labels of duplicate flows, joined (empty and missing ones dropped)."""
    seen: list[str] = []
    for v in values:
        if isinstance(v, str) and v and v not in seen:
            seen.append(v)
    return " / ".join(seen)
