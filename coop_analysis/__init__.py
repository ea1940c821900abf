"""coop-analysis: cleaned, validated, traceable data on China's East–West S&T cooperation.

Typical use in JupyterLab::

    from coop_analysis import load_facts
    facts = load_facts()

Importing the package is cheap: pandas, pandera, matplotlib and the Chinese
numeral library are imported only when a function needs them.
"""

from __future__ import annotations

from coop_analysis.datasets import (
    clear_cache,
    load_events,
    load_exchange_rates,
    load_facts,
    load_initiatives,
    load_metrics,
    load_organizations,
    load_pairings,
    load_places,
    load_provinces,
    load_sources,
    load_waivers,
    source_text,
)
from coop_analysis.errors import (
    CoopAnalysisError,
    DataValidationError,
    MissingRateError,
    QuantityError,
    SourceError,
    UnknownRegionError,
)
from coop_analysis.money import to_cny
from coop_analysis.quantities import Quantity, extract_quantities, parse_quantity
from coop_analysis.regions import find_places, official_partners, resolve_place, resolve_province
from coop_analysis.text import normalize_text, split_sections, split_sentences

__version__ = "0.1.0"

__all__ = [
    "CoopAnalysisError",
    "DataValidationError",
    "MissingRateError",
    "Quantity",
    "QuantityError",
    "SourceError",
    "UnknownRegionError",
    "clear_cache",
    "extract_quantities",
    "find_places",
    "load_events",
    "load_exchange_rates",
    "load_facts",
    "load_initiatives",
    "load_metrics",
    "load_organizations",
    "load_pairings",
    "load_places",
    "load_provinces",
    "load_sources",
    "load_waivers",
    "normalize_text",
    "official_partners",
    "parse_quantity",
    "resolve_place",
    "resolve_province",
    "source_text",
    "split_sections",
    "split_sentences",
    "to_cny",
]
