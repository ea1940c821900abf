"""The former home of the report charts, kept so that ``from coop_analysis import plots`` still works.

The code now lives in :mod:`coop_analysis.charts` (one module per job: fonts,
style, geo, layout, map, flows, bars, heatmap); this module re-exports its public
API unchanged.
"""

from __future__ import annotations

from coop_analysis.charts import (
    BOUNDARIES_FILE,
    LATIN_FAMILY,
    Boundaries,
    BoundaryFeature,
    ChinaMap,
    FontNotFoundError,
    bar_chart,
    cjk_font_path,
    draw_china,
    flow_map,
    heatmap,
    load_boundaries,
    register_cjk_font,
    report_style,
    set_map_margins,
)

__all__ = [
    "BOUNDARIES_FILE",
    "LATIN_FAMILY",
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
