"""Report charts, one module per job — start here.

==============  ==============================================================
module          what it holds
==============  ==============================================================
``fonts``       the CJK font (Noto Sans SC) for matplotlib: path, registration
``style``       palette, colours, chart texts per language, :func:`report_style`
``geo``         province boundaries (GeoJSON → numpy rings), projections
``layout``      margins measured from the texts, compact number labels
``map``         :func:`draw_china`: provinces, border, South China Sea inset
``flows``       :func:`flow_map`: cooperation links as arrows on the map
``bars``        :func:`bar_chart`
``heatmap``     :func:`heatmap`
==============  ==============================================================

Importing this package is cheap: matplotlib and numpy are imported inside the
functions that need them. Every figure function builds its figure inside
:func:`report_style` and returns the :class:`~matplotlib.figure.Figure`; nothing
is shown or closed. :mod:`coop_analysis.figures` turns the profiles' tables into
these charts for the reports; ``coop_analysis.plots`` is the older name of this
package's public API and stays importable.
"""

from __future__ import annotations

from coop_analysis.charts.bars import bar_chart
from coop_analysis.charts.flows import flow_map
from coop_analysis.charts.fonts import FontNotFoundError, cjk_font_path, register_cjk_font
from coop_analysis.charts.geo import BOUNDARIES_FILE, Boundaries, BoundaryFeature, load_boundaries
from coop_analysis.charts.heatmap import heatmap
from coop_analysis.charts.layout import set_map_margins
from coop_analysis.charts.map import ChinaMap, draw_china
from coop_analysis.charts.style import LATIN_FAMILY, report_style

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
