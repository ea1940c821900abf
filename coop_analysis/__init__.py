"""coop-analysis: cleaned, validated, traceable data on China's East–West S&T cooperation.

Typical use in JupyterLab::

    from coop_analysis import load_facts
    facts = load_facts()

Importing the package is cheap: pandas, pandera and matplotlib are imported
only when a function needs them, and the
submodules listed by ``dir(coop_analysis)`` (``profiles``, ``figures``,
``plots``, ``narrative`` …) are imported on first use (``ca.profiles``).
"""

from __future__ import annotations

import importlib

from coop_analysis.datasets import (
    clear_cache,
    load_events,
    load_exchange_rates,
    load_facts,
    load_initiatives,
    load_metrics,
    load_organizations,
    load_pairings,
    load_participants,
    load_places,
    load_provinces,
    load_sources,
    load_waivers,
    source_text,
)
from coop_analysis.display import readable_display, use_readable_display
from coop_analysis.errors import (
    CoopAnalysisError,
    DataValidationError,
    MissingRateError,
    QuantityError,
    SourceError,
    UnknownRegionError,
)
from coop_analysis.exports import export, read_export
from coop_analysis.extraction import extract_quantities, parse_quantities
from coop_analysis.fonts import chinese_plots, use_chinese_font
from coop_analysis.meta import describe
from coop_analysis.money import to_cny
from coop_analysis.quantities import Quantity, parse_quantity
from coop_analysis.regions import find_places, official_partners, resolve_place, resolve_province
from coop_analysis.text import normalize_text, split_sections, split_sentences
from coop_analysis.views import facts_view, long_form, view

__version__ = "0.1.0"

__all__ = [
    "CoopAnalysisError",
    "DataValidationError",
    "MissingRateError",
    "Quantity",
    "QuantityError",
    "SourceError",
    "UnknownRegionError",
    "chinese_plots",
    "clear_cache",
    "describe",
    "export",
    "extract_quantities",
    "facts_view",
    "find_places",
    "load_events",
    "load_exchange_rates",
    "load_facts",
    "load_initiatives",
    "load_metrics",
    "load_organizations",
    "load_pairings",
    "load_participants",
    "load_places",
    "load_provinces",
    "load_sources",
    "load_waivers",
    "long_form",
    "normalize_text",
    "official_partners",
    "parse_quantities",
    "parse_quantity",
    "read_export",
    "readable_display",
    "resolve_place",
    "resolve_province",
    "source_text",
    "split_sections",
    "split_sentences",
    "to_cny",
    "use_chinese_font",
    "use_readable_display",
    "view",
]

#: Submodules that are plumbing rather than something to explore (left out of ``dir()``).
_INTERNAL = frozenset(
    {"cli", "display", "docs", "errors", "exports", "fileio", "fonts", "kernel", "meta", "paths", "views"}
)


def _submodules() -> list[str]:
    import pkgutil

    return [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_") and m.name not in _INTERNAL]


def __getattr__(name: str) -> object:
    """Import a submodule on first access (``ca.profiles``), keeping ``import coop_analysis`` cheap."""
    if name in _submodules() or name in _INTERNAL:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public functions and classes, and the submodules worth exploring (tab completion)."""
    return sorted({*__all__, "__version__", *_submodules()})
