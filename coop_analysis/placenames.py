"""Place names in running text: the lookup behind :func:`~coop_analysis.regions.find_places` and
``coop-analysis extract``, in plain Python.

What each province and gazetteer name means (:class:`PlaceMeaning`) is computed once from the
validated provinces and places tables (:func:`place_meanings`, pure) and kept in
``.cache/place_names.json``, keyed by both tables' files (SHA-256), their schemas and this module's code.
A later process with unchanged tables reads that file instead of loading the tables, so
``extract`` on a new text needs neither pandas nor pandera; any change to either file, or a
cache file that is not exactly what is expected (wrong key, format or field types), makes
it load and validate the tables again and rewrite the file. Like the table cache, the file
is untrusted input: JSON, which cannot run code, checked field by field. Being keyed by
content it is never stale, so :func:`~coop_analysis.datasets.clear_cache` leaves it (as it
leaves the font subsets).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from coop_analysis import paths
from coop_analysis.fileio import atomic_write

__all__ = [
    "CONVENTIONAL_SHORT_FORMS",
    "PlaceMeaning",
    "place_matches",
    "place_meanings",
    "short_forms",
]

log = logging.getLogger(__name__)

#: Short forms in common use that no rule gives: the first character of a
#: transliterated name + 州 (博尔塔拉 → 博州), as Xinjiang's own publications write them.
CONVENTIONAL_SHORT_FORMS: dict[str, str] = {
    "博州": "博尔塔拉蒙古自治州",
    "巴州": "巴音郭楞蒙古自治州",
    "克州": "克孜勒苏柯尔克孜自治州",
}
#: Generic words of autonomous divisions and the short word each keeps (阿坝藏族羌族自治州 → 阿坝州).
_AUTONOMOUS = (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"))

CACHE_FILE = "place_names.json"
_FORMAT = 1


class PlaceMeaning(NamedTuple):
    """What a name found in a text stands for (canonical fields missing when ambiguous)."""

    level: str
    province_en: str | None
    province_zh: str | None
    canonical: str | None
    adcode: int | None
    ambiguous: bool


class ProvinceRow(NamedTuple):
    name_en: str
    name_zh: str
    short_zh: str
    adcode: int


class PlaceRow(NamedTuple):
    place_zh: str
    short_zh: str
    level: str
    province_en: str
    adcode: int | None


def short_forms(full_names: Sequence[str], short_names: Sequence[str]) -> dict[str, int]:
    """Short forms of autonomous divisions → position in the gazetteer's rows (names given as columns).

    See :func:`coop_analysis.regions.place_short_forms`, which calls this on the places table.
    """
    taken = set(full_names) | set(short_names)
    forms: dict[str, int] = {}
    for pos, (full, short) in enumerate(zip(full_names, short_names, strict=True)):
        for generic, kept in _AUTONOMOUS:
            if full.endswith(generic) and short != full:
                form = short + kept
                if form not in taken:
                    forms[form] = pos
    by_name = {full: pos for pos, full in enumerate(full_names)}
    for form, full in CONVENTIONAL_SHORT_FORMS.items():
        if full in by_name and form not in forms:
            forms[form] = by_name[full]
    return forms


def place_meanings(provinces: Iterable[ProvinceRow], places: Sequence[PlaceRow]) -> dict[str, PlaceMeaning]:
    """Every name a text may use for a province or a gazetteer place, and what it means.

    Provinces by full and short name; places by full name and short name, except two-character
    short names of counties (合作 of 合作市, 和平, 新华: common words), and the short forms of
    autonomous divisions (:func:`short_forms`). A name of several places means a prefecture
    when one of them is (西安 is the city, not 西安区 in Jilin); else, when they lie in one
    province, that province without a canonical place; else it is ambiguous.
    """
    provinces = list(provinces)
    zh = {p.name_en: p.short_zh for p in provinces}
    meaning: dict[str, PlaceMeaning] = {}
    for p in provinces:
        for form in (p.name_zh, p.short_zh):
            meaning[form] = PlaceMeaning("province", p.name_en, p.short_zh, p.name_zh, int(p.adcode), False)
    candidates: dict[str, list[int]] = {}
    for pos, row in enumerate(places):
        for form in {row.place_zh, row.short_zh}:
            if len(form) < 2 or form in meaning:
                continue
            if form == row.short_zh and row.level == "county" and len(form) < 3:
                continue
            candidates.setdefault(form, []).append(pos)
    for form, pos in short_forms([r.place_zh for r in places], [r.short_zh for r in places]).items():
        if form not in meaning:
            candidates.setdefault(form, []).append(pos)
    for form, positions in candidates.items():
        prefectures = [p for p in positions if places[p].level == "prefecture"]
        pool = prefectures or positions
        owners = {places[p].province_en for p in pool}
        level = "prefecture" if prefectures else places[positions[0]].level
        if len(pool) == 1:
            row = places[pool[0]]
            meaning[form] = PlaceMeaning(
                level, row.province_en, zh.get(row.province_en), row.place_zh, row.adcode, False
            )
        else:  # same name in several places: the province only if they share one
            province = next(iter(owners)) if len(owners) == 1 else None
            meaning[form] = PlaceMeaning(level, province, zh.get(province or ""), None, None, len(owners) > 1)
    return meaning


def _from_tables() -> dict[str, PlaceMeaning]:
    """:func:`place_meanings` of the validated provinces and places tables (imports pandas)."""
    import pandas as pd

    from coop_analysis.datasets import load_places, load_provinces

    prov = load_provinces()
    places = load_places()
    province_rows = [ProvinceRow(r.name_en, r.name_zh, r.short_zh, int(r.adcode)) for r in prov.itertuples(index=False)]
    place_rows = [
        PlaceRow(r.place_zh, r.short_zh, r.level, r.province_en, None if pd.isna(r.adcode) else int(r.adcode))
        for r in places.itertuples(index=False)
    ]
    return place_meanings(province_rows, place_rows)


_FIELD_TYPES = ((str,), (str, type(None)), (str, type(None)), (str, type(None)), (int, type(None)), (bool,))


def _decode(data: Any, key: str) -> dict[str, PlaceMeaning] | None:
    """The meanings in a cache file's parsed JSON, or None when it is not exactly what is expected."""
    if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("key") != key:
        return None
    names = data.get("names")
    if not isinstance(names, dict) or not names:
        return None
    meaning: dict[str, PlaceMeaning] = {}
    for name, fields in names.items():
        if not (isinstance(fields, list) and len(fields) == len(_FIELD_TYPES) and name):
            return None
        # bool is an int in Python: the adcode must be a true int, the flag a true bool
        if not all(type(v) in types for v, types in zip(fields, _FIELD_TYPES, strict=True)):
            return None
        meaning[name] = PlaceMeaning(*fields)
    return meaning


def _read_cache(key: str) -> dict[str, PlaceMeaning] | None:
    path = paths.cache_dir() / CACHE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    found = _decode(data, key)
    if found is None:
        log.info("%s does not match the reference tables; rebuilding it", path)
    return found


def _write_cache(key: str, meaning: dict[str, PlaceMeaning]) -> None:
    path = paths.cache_dir() / CACHE_FILE
    data = {"format": _FORMAT, "key": key, "names": {name: list(m) for name, m in meaning.items()}}
    try:
        atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    except OSError as exc:
        log.info("could not write %s (%s); continuing without it", path, exc)


def _versions() -> str:
    """The cache key: the SHA-256 of both tables' files, their schemas, and this module's code.

    Not :func:`~coop_analysis.datasets.table_version`, which holds pandas' version and so imports
    pandas: the meanings are plain strings, numbers and flags.
    """
    from coop_analysis.cache import file_digest
    from coop_analysis.datasets import table_path
    from coop_analysis.schemas import TABLES

    h = hashlib.sha256(f"{_FORMAT}|{file_digest(Path(__file__))}".encode())
    for name in ("provinces", "places"):
        h.update(f"|{name}|{TABLES.get(name)!r}|{file_digest(table_path(name))}".encode())
    return h.hexdigest()[:32]


def meanings() -> dict[str, PlaceMeaning]:
    """Every place name and its meaning for the current reference tables (see the module's notes)."""
    return _matcher_for(_versions())[1]


def _place_matcher() -> tuple[Any, dict[str, PlaceMeaning]]:
    return _matcher_for(_versions())


@cache
def _matcher_for(key: str) -> tuple[Any, dict[str, PlaceMeaning]]:
    """An Aho–Corasick automaton over every province and place name, and what each name means.

    One pass over a text finds the leftmost-longest names in time linear in the
    text (a regex alternation of thousands of names tried every branch at every
    character: 0.1 MB/s).
    """
    import ahocorasick

    meaning = _read_cache(key)
    if meaning is None:
        meaning = _from_tables()
        _write_cache(key, meaning)
    automaton = ahocorasick.Automaton()
    for name in meaning:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton, meaning


def place_matches(text: str) -> list[tuple[str, int, int, PlaceMeaning]]:
    """``(name, start, end, meaning)`` of every place name in ``text``, leftmost-longest, in order.

    The engine behind :func:`~coop_analysis.regions.find_places`, without building a DataFrame
    (for callers that look up many spans of one long text, and for ``extract``).
    """
    automaton, meaning = _place_matcher()
    if not meaning or not text:
        return []
    return [(name, end + 1 - len(name), end + 1, meaning[name]) for end, name in automaton.iter_long(text)]
