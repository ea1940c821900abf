"""Schemas of every table: columns, dtypes, vocabularies (validated with pandera).

The specification is plain data (:data:`TABLES`) so that the loaders, the
README's data dictionary and the tests read the same thing; the pandera
schemas are built from it on first use, since importing pandera is slow.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from coop_analysis.markup import find_markup

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = [
    "FOREIGN_KEYS", "TABLES", "VOCABULARIES", "ColumnSpec", "ForeignKey", "TableSpec", "date_problem", "pandera_schema",
]  # fmt: skip

#: ISO date, possibly partial (YYYY, YYYY-MM, YYYY-MM-DD); always matched in full (re.fullmatch).
DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"
DATE_YEARS = (1900, 2100)  # dates in the data fall in these years (inclusive)
#: A source id: also a file name in data/raw, so no dots, slashes or white space (matched in full).
DOC_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_\-]{2,63}"
DOC_ID_RULE = "3–64 letters, digits, '_' or '-', starting with a letter or digit"
LIST_SEP = "|"
#: The pandera error texts of the checks every string column gets (see :func:`pandera_schema`).
MARKUP_ERROR = "expected plain text without markup"
SPACE_ERROR = "expected no leading or trailing white space"
DATE_ERROR = "expected an ISO date that exists in the calendar"

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "macro_region": ("east", "central", "west", "northeast"),
    "qualifier": ("exact", "approx", "nearly", "over", "up_to", "range"),
    "pairing_kind": ("east_west_cooperation", "counterpart_support"),
    "place_level": ("prefecture", "county", "area"),
    "quote_basis": ("units_per_usd", "usd_per_unit"),
    "mechanism": (
        "tech_commissioners", "joint_projects", "science_enclave", "co_built_park",
        "industrial_chain", "matchmaking_fair", "study_visit", "pilot_program", "fund",
        "financial_services", "university_partnership", "platform", "academy_partnership",
        "agreement", "expert_aid",
    ),
    "sector": (
        "agriculture", "biomedicine", "chemicals", "new_materials", "energy",
        "optoelectronics", "advanced_manufacturing", "information_technology", "finance",
        "food_processing", "general",
    ),
    "org_type": (
        "university", "research_institute", "enterprise", "government", "fund", "bank",
        "financial_institution", "platform", "park", "association",
    ),
    "metric_kind": ("count", "money", "share", "rate", "people"),
    "date_precision": ("day", "month", "early_month", "end_month", "year"),
    "waiver_reason": ("repeat", "time_span", "indefinite", "not_a_measure", "code", "heading"),
    "initiative_status": ("reported", "planned"),
    "date_bound": ("on", "since", "after"),
    "participant_type": ("province", "city", "organization", "group"),
    "participant_role": ("west", "east", "national", "organizer", "foreign"),
    "subject_type": ("region", "initiative", "event", "organization", "city"),
    "fact_level": ("region", "initiative", "event", "organization"),
}  # fmt: skip


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its pandas dtype, whether it may be missing, and its rule."""

    dtype: str
    description: str
    nullable: bool = False
    unique: bool = False
    vocabulary: str | None = None  # every value (every list item if is_list) from VOCABULARIES
    is_list: bool = False  # "|"-separated list in one cell, items unique
    pattern: str | None = None  # regular expression every value must match in full
    date: bool = False  # an ISO date, possibly partial, that exists in the calendar (see date_problem)

    @property
    def is_date(self) -> bool:
        """Whether values are dates checked against the calendar: declared ``date=True``, or given
        ``pattern=DATE_PATTERN`` (which alone would let 2024-02-30 through)."""
        return self.date or self.pattern == DATE_PATTERN


@dataclass(frozen=True)
class TableSpec:
    """One table: where it lives, its columns in order, and its key."""

    name: str
    folder: str  # "reference" or "curated"
    filename: str
    description: str
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    key: str | None = None


def _c(dtype: str, description: str, **kw: Any) -> ColumnSpec:
    return ColumnSpec(dtype, description, **kw)


S, I, F, B = "string", "Int64", "float64", "boolean"  # noqa: E741

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        TableSpec(
            "provinces", "reference", "provinces.csv",
            "The 31 provincial-level divisions of mainland China.",
            {
                "adcode": _c(I, "6-digit administrative division code (GB/T 2260)", unique=True, pattern=r"\d{2}0000"),
                "name_zh": _c(S, "full Chinese name (甘肃省)", unique=True),
                "short_zh": _c(S, "short Chinese name (甘肃)", unique=True),
                "abbr_zh": _c(S, "one-character abbreviations, official first (甘|陇)", is_list=True),
                "aliases": _c(S, "other accepted names", nullable=True, is_list=True),
                "name_en": _c(S, "English name, the key used across tables (Gansu)", unique=True),
                "macro_region": _c(S, "NBS four-region division", vocabulary="macro_region"),
                "western_development": _c(B, "in the Western Development (西部大开发) area"),
                "capital_zh": _c(S, "capital city (兰州)"),
                "capital_en": _c(S, "capital city in English"),
                "capital_lon": _c(F, "capital longitude, decimal degrees"),
                "capital_lat": _c(F, "capital latitude, decimal degrees"),
                "source": _c(S, "where the row's facts come from"),
            },
            key="name_en",
        ),
        TableSpec(
            "pairings", "reference", "pairings.csv",
            "Official East–West cooperation pairs (2021) and counterpart support to Tibet, Xinjiang and Qinghai.",
            {
                "pair_id": _c(S, "identifier: EW2021-nn, CSXZ-nn (Tibet), CSXJ-nn (Xinjiang), CSQH-nn (Qinghai)",
                              unique=True, pattern=r"^(EW2021|CSXZ|CSXJ|CSQH)-\d{2}$"),
                "east_province": _c(S, "supporting side (provinces.name_en): the eastern partner of East–West "
                                       "cooperation; in counterpart support any supporting province"),
                "supporter_city_zh": _c(S, "the supporting city when a city of that province supports in its own "
                                           "right (深圳市)", nullable=True),
                "supporter_city_en": _c(S, "the same in English (Shenzhen)", nullable=True),
                "west_province": _c(S, "supported side (provinces.name_en)"),
                "west_area_zh": _c(S, "prefecture supported, when the pairing names one (places.place_zh)", nullable=True),
                "west_area_en": _c(S, "the same in English", nullable=True),
                "kind": _c(S, "east_west_cooperation or counterpart_support", vocabulary="pairing_kind"),
                "since": _c(I, "first year of the pairing in this form; empty where no source states it", nullable=True),
                "source": _c(S, "the public document that sets the pairing"),
            },
            key="pair_id",
        ),
        TableSpec(
            "places", "reference", "places.csv",
            "Gazetteer: prefectures, counties, districts (and a few named areas) to provinces.",
            {
                "place_zh": _c(S, "full name (保山市, 闵行区)"),
                "short_zh": _c(S, "name without its administrative suffix (保山, 闵行)"),
                "level": _c(S, "prefecture, county (incl. districts) or area", vocabulary="place_level"),
                "parent_zh": _c(S, "the prefecture of a county", nullable=True),
                "adcode": _c(I, "6-digit code; empty for hand-added areas with no official code", nullable=True),
                "province_adcode": _c(I, "code of the province", pattern=r"\d{2}0000"),
                "province_en": _c(S, "province (provinces.name_en)"),
                "abbr_zh": _c(S, "one-character press abbreviation (甬 for 宁波)", nullable=True),
                "lon": _c(F, "longitude of the seat of its government, decimal degrees (cpca); empty for "
                             "hand-added areas", nullable=True),
                "lat": _c(F, "latitude of the seat of its government, decimal degrees (cpca)", nullable=True),
                "ambiguous": _c(B, "the short name exists in more than one province"),
                "source": _c(S, "where the row comes from"),
            },
        ),
        TableSpec(
            "exchange_rates", "reference", "exchange_rates.csv",
            "Annual average exchange rates: CNY per unit of foreign currency, one row per year and currency.",
            {
                "year": _c(I, "calendar year the average covers", pattern=r"^(19|20)\d{2}$"),
                "currency": _c(S, "ISO 4217 code of the foreign currency (USD, EUR, JPY …)", pattern=r"^[A-Z]{3}$"),
                "cny_per_unit": _c(F, "CNY per 1 unit of the currency (JPY and KRW per 1 yen or won, not per 100)"),
                "cny_per_usd": _c(F, "the source's CNY per USD for the year, as published"),
                "usd_quote": _c(F, "the source's figure for this currency, as published (empty for USD)", nullable=True),
                "usd_quote_basis": _c(S, "how usd_quote is quoted: units_per_usd or usd_per_unit", nullable=True,
                                      vocabulary="quote_basis"),
                "method": _c(S, "how cny_per_unit is obtained"),
                "source": _c(S, "the public publication the figures come from"),
            },
        ),
        TableSpec(
            "metrics", "curated", "metrics.csv",
            "Vocabulary of fact metrics.",
            {
                "metric": _c(S, "identifier used in facts.metric", unique=True, pattern=r"[a-z][a-z0-9_]*"),
                "kind": _c(S, "count, money, share, rate or people", vocabulary="metric_kind"),
                "description_en": _c(S, "what the metric measures"),
                "description_zh": _c(S, "the same in Chinese"),
                "rank": _c(I, "order in headlines and key figures among figures of one level (1 leads)", unique=True),
            },
            key="metric",
        ),
        TableSpec(
            "initiatives", "curated", "initiatives.csv",
            "One row per cooperation story.",
            {
                "initiative_id": _c(S, "identifier (kebab-case)", unique=True, pattern=r"[a-z0-9]+(-[a-z0-9]+)*"),
                "doc_id": _c(S, "source (sources.doc_id)", pattern=DOC_ID_PATTERN),
                "title_en": _c(S, "short title"),
                "title_zh": _c(S, "short title in Chinese"),
                "province": _c(S, "province whose cooperation it is: its western side's (without a western side, "
                               "its lead's) (provinces.name_en; must agree with participants.csv)"),
                "partners": _c(S, "provinces on the other side (provinces.name_en; the provinces of its participants "
                               "with the opposite role in participants.csv)", nullable=True, is_list=True),
                "partner_bodies": _c(S, "national or other non-provincial partners", nullable=True, is_list=True),
                "mechanism": _c(S, "how the cooperation works", vocabulary="mechanism", is_list=True),
                "sectors": _c(S, "sectors concerned", vocabulary="sector", is_list=True),
                "start_date": _c(S, "ISO date, possibly partial", nullable=True, date=True),
                "status": _c(S, "reported (done or under way, as the source reports it) or planned (the source announces it)",
                             vocabulary="initiative_status"),
                "section": _c(S, "heading of the source section it is told in"),
                "summary_en": _c(S, "one-sentence summary"),
                "summary_zh": _c(S, "the same in Chinese (our summary, not a quote)"),
                "quote": _c(S, "verbatim sentence of the normalized source"),
            },
            key="initiative_id",
        ),
        TableSpec(
            "facts", "curated", "facts.csv",
            "Every quantity stated in a source, with its provenance.",
            {
                "fact_id": _c(S, "identifier", unique=True),
                "doc_id": _c(S, "source (sources.doc_id)", pattern=DOC_ID_PATTERN),
                "initiative_id": _c(S, "initiative (initiatives.initiative_id)"),
                "subject_type": _c(S, "what the figure describes: a region's cooperation as a whole, an initiative, "
                                   "an event, one organization or a city", vocabulary="subject_type"),
                "subject": _c(S, "the subject: provinces.name_en (region), initiatives.initiative_id, "
                              "events.event_id, organizations.org_id or places.place_zh (city)"),
                "level": _c(S, "what the figure totals: the region's cooperation, an initiative (or a city's "
                            "programme), one event, one organization; headlines lead with the widest",
                            vocabulary="fact_level"),
                "province": _c(S, "province the figure is counted for (provinces.name_en)"),
                "partner": _c(S, "partner province(s) on the other side of what the figure describes "
                              "(provinces.name_en); several: one figure they share, credited to none alone",
                              nullable=True, is_list=True),
                "counterpart": _c(S, "the other party when it is not a province: a national body or a foreign or "
                                  "other group (participants.participant of the initiative)", nullable=True),
                "metric": _c(S, "what is measured (metrics.metric)"),
                "raw": _c(S, "the quantity as written, qualifier words included"),
                "value": _c(F, "the number, scaled (万 1e4, 亿 1e8)"),
                "unit": _c(S, "ISO 4217 money code, percent, pp, bp, or the measure word"),
                "qualifier": _c(S, "exact, approx, nearly, over, up_to or range", vocabulary="qualifier"),
                "low": _c(F, "lower bound where the qualifier gives one", nullable=True),
                "high": _c(F, "upper bound where the qualifier gives one", nullable=True),
                "period_start": _c(S, "first date the figure covers (ISO, possibly partial); empty for a figure "
                                   "stated as of period_end", nullable=True, date=True),
                "period_end": _c(S, "last date the figure covers, or the date it is stated as of (ISO, possibly "
                                 "partial)", date=True),
                "quote": _c(S, "verbatim sentence of the normalized source holding raw"),
                "note": _c(S, "curator's note", nullable=True),
            },
            key="fact_id",
        ),
        TableSpec(
            "waivers", "curated", "waivers.csv",
            "Quantity-like mentions deliberately not recorded as facts, with the reason.",
            {
                "doc_id": _c(S, "source (sources.doc_id)", pattern=DOC_ID_PATTERN),
                "raw": _c(S, "the mention as written"),
                "quote": _c(S, "verbatim sentence holding it"),
                "reason": _c(S, "why it is not a fact", vocabulary="waiver_reason"),
                "note": _c(S, "details (for a repeat: which fact)", nullable=True),
            },
        ),
        TableSpec(
            "organizations", "curated", "organizations.csv",
            "Organizations named in the sources.",
            {
                "org_id": _c(S, "identifier", unique=True),
                "name_zh": _c(S, "name as written"),
                "name_en": _c(S, "English name"),
                "type": _c(S, "kind of organization", vocabulary="org_type"),
                "province": _c(S, "where it is based (provinces.name_en)", nullable=True),
                "initiatives": _c(S, "initiatives it takes part in", nullable=True, is_list=True),
                "doc_id": _c(S, "source (sources.doc_id)", pattern=DOC_ID_PATTERN),
                "quote": _c(S, "verbatim sentence naming it"),
            },
            key="org_id",
        ),
        TableSpec(
            "events", "curated", "events.csv",
            "Dated events.",
            {
                "event_id": _c(S, "identifier", unique=True),
                "initiative_id": _c(S, "initiative (initiatives.initiative_id); empty for context events", nullable=True),
                "doc_id": _c(S, "source (sources.doc_id)", pattern=DOC_ID_PATTERN),
                "date": _c(S, "ISO date, possibly partial", date=True),
                "date_precision": _c(S, "day, month, early_month, end_month or year", vocabulary="date_precision"),
                "date_bound": _c(S, "on: it happened at date; since: at date or later; after: only after date "
                                 "(the source gives no closer date)",
                                 vocabulary="date_bound"),
                "place_zh": _c(S, "place as written", nullable=True),
                "province": _c(S, "where it happened (provinces.name_en)", nullable=True),
                "what_en": _c(S, "what happened"),
                "what_zh": _c(S, "what happened, in Chinese (our summary, not a quote)"),
                "quote": _c(S, "verbatim sentence"),
            },
            key="event_id",
        ),
        TableSpec(
            "participants", "curated", "participants.csv",
            "Who takes part in each initiative, on which side, and who runs it (one row per initiative and participant).",
            {
                "initiative_id": _c(S, "initiative (initiatives.initiative_id)"),
                "participant": _c(S, "provinces.name_en (province), places.place_zh (city: a prefecture, district "
                                  "or county), organizations.org_id (organization), or the source's words (group)"),
                "participant_type": _c(S, "province, city, organization or group (unnamed, as the source says it)",
                                       vocabulary="participant_type"),
                "label_en": _c(S, "English name of a city or group (provinces and organizations are named in "
                               "their tables)", nullable=True),
                "province": _c(S, "province it belongs to (provinces.name_en); empty for national bodies and "
                               "foreign or unplaced groups", nullable=True),
                "role": _c(S, "west (western side), east (eastern partner), national (national body), organizer "
                           "(organizer or reporter on neither side), foreign (foreign counterpart)",
                           vocabulary="participant_role"),
                "leads": _c(B, "runs the initiative (organizes or hosts it, or runs it jointly)"),
                "part_en": _c(S, "what it does in the initiative (our summary)"),
                "part_zh": _c(S, "the same in Chinese (our summary)"),
                "doc_id": _c(S, "source (sources.doc_id)", pattern=DOC_ID_PATTERN),
                "quote": _c(S, "verbatim sentence naming it in that role"),
            },
        ),
    ]
}  # fmt: skip


@dataclass(frozen=True)
class ForeignKey:
    """Every value of ``table.column`` (every item, for a list column) is a ``target.target_column``."""

    table: str
    column: str
    target: str  # a table of TABLES, or "sources" (the raw sources' metadata)
    target_column: str


def _fks(target: str, target_column: str, *pairs: tuple[str, str]) -> list[ForeignKey]:
    return [ForeignKey(table, column, target, target_column) for table, column in pairs]


#: The references between tables, checked by ``coop-analysis validate`` and
#: declared in the exported ``datapackage.json``.
FOREIGN_KEYS: tuple[ForeignKey, ...] = (
    *_fks("sources", "doc_id", ("initiatives", "doc_id"), ("facts", "doc_id"), ("waivers", "doc_id"),
          ("organizations", "doc_id"), ("events", "doc_id"), ("participants", "doc_id")),
    *_fks("initiatives", "initiative_id", ("facts", "initiative_id"), ("events", "initiative_id"),
          ("organizations", "initiatives"), ("participants", "initiative_id")),
    *_fks("provinces", "name_en", ("initiatives", "province"), ("initiatives", "partners"), ("facts", "province"),
          ("facts", "partner"), ("organizations", "province"), ("events", "province"),
          ("pairings", "east_province"), ("pairings", "west_province"), ("places", "province_en"),
          ("participants", "province")),
    ForeignKey("facts", "metric", "metrics", "metric"),
    ForeignKey("places", "province_adcode", "provinces", "adcode"),
)  # fmt: skip


def date_problem(value: object, years: tuple[int, int] = DATE_YEARS) -> str | None:
    """Why ``value`` is not an ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) of the calendar, or ``None``.

    The whole string must match (no white space, no trailing newline), the
    month must be 01–12, the day must exist in that month (2024-02-30 does
    not), and the year must lie within ``years`` (inclusive; 0000 and 9999 do
    not).
    """
    if not isinstance(value, str) or not re.fullmatch(DATE_PATTERN, value, flags=re.ASCII):
        return "expected an ISO date YYYY, YYYY-MM or YYYY-MM-DD"
    parts = [int(p) for p in value.split("-")]
    if not years[0] <= parts[0] <= years[1]:
        return f"expected a year from {years[0]} to {years[1]}"
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return "expected a month from 01 to 12"
    if len(parts) > 2:
        try:
            dt.date(*parts)
        except ValueError:
            return f"expected a day that exists in {value[:7]}"
    return None


def _date_check():  # type: ignore[no-untyped-def]
    import pandera.pandas as pa

    def ok(value: object) -> bool:
        return not isinstance(value, str) or date_problem(value) is None

    return pa.Check(ok, element_wise=True, error=DATE_ERROR)


def _list_check(vocabulary: tuple[str, ...] | None, pattern: str | None):  # type: ignore[no-untyped-def]
    import pandera.pandas as pa

    allowed = frozenset(vocabulary) if vocabulary else None

    def ok(value: object) -> bool:
        if not isinstance(value, str):
            return True  # missing values are judged by nullable
        items = value.split(LIST_SEP)
        if any(not i.strip() or i != i.strip() for i in items) or len(set(items)) != len(items):
            return False
        if pattern is not None and not all(re.fullmatch(pattern, i) for i in items):
            return False
        return allowed is None or all(i in allowed for i in items)

    what = f"'|'-separated items from {sorted(allowed)}" if allowed else "'|'-separated non-empty items"
    return pa.Check(ok, element_wise=True, error=f"expected {what}, each once")


def _text_checks(is_list: bool) -> list[Any]:
    """Checks of every string column: no surrounding white space (list items: see _list_check), no markup
    or control characters (see :func:`coop_analysis.markup.find_markup`)."""
    import pandera.pandas as pa

    space = pa.Check(lambda v: not isinstance(v, str) or v == v.strip(), element_wise=True, error=SPACE_ERROR)
    markup = pa.Check(lambda v: find_markup(v) is None, element_wise=True, error=MARKUP_ERROR)
    return [markup] if is_list else [space, markup]


@cache
def pandera_schema(name: str) -> pa.DataFrameSchema:
    """The pandera schema of table ``name`` (built on first use)."""
    import pandera.pandas as pa

    spec = TABLES[name]
    columns = {}
    for col, c in spec.columns.items():
        checks = []
        vocab = VOCABULARIES[c.vocabulary] if c.vocabulary else None
        if c.is_list:
            checks.append(_list_check(vocab, c.pattern))
        elif vocab:
            checks.append(pa.Check.isin(vocab, error=f"expected one of {list(vocab)}"))
        if c.pattern and not c.is_list and not c.is_date:  # a date gets one check, the calendar's
            checks.append(
                pa.Check(
                    lambda s, p=c.pattern: s.astype("string").str.fullmatch(p).fillna(True).astype(bool),
                    error=f"expected to match {c.pattern} in full",
                )
            )
        if c.is_date:
            checks.append(_date_check())
        if c.dtype == S:
            checks += _text_checks(c.is_list)
            if not c.nullable:
                checks.append(pa.Check(lambda s: s.str.strip().str.len() > 0, error="expected a non-blank value"))
        columns[col] = pa.Column(c.dtype, checks=checks, nullable=c.nullable, unique=c.unique, coerce=True)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=spec.filename)
