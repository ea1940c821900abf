"""Regional reports: the public face of the report machinery.

* :func:`record_headline` — called once by a report notebook (the headline
  contract, :mod:`coop_analysis.headlines`);
* :func:`build_reports` / ``coop-analysis reports`` — the batch runner
  (:mod:`coop_analysis.runner`);
* the pages and ``index.html`` readers open (:mod:`coop_analysis.pages`,
  :mod:`coop_analysis.site`).
"""

from __future__ import annotations

from coop_analysis.headlines import HEADLINE_MIME, find_headline, headline_record, record_headline
from coop_analysis.pages import OVERVIEW, facts_csv, report_stem
from coop_analysis.runner import (
    BuildResult,
    build_reports,
    default_regions,
    run_cli,
)
from coop_analysis.site import finish_site, write_index
from coop_analysis.webfont import CJK_FACE
from coop_analysis.wording import LANGS

__all__ = [
    "CJK_FACE",
    "HEADLINE_MIME",
    "LANGS",
    "OVERVIEW",
    "BuildResult",
    "build_reports",
    "default_regions",
    "facts_csv",
    "find_headline",
    "finish_site",
    "headline_record",
    "record_headline",
    "report_stem",
    "run_cli",
    "write_index",
]
