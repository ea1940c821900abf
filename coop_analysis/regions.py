"""Province lookup by any name form, macro-regions, pairings and the place gazetteer."""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from coop_analysis.datasets import load_pairings, load_places, load_provinces, table_version
from coop_analysis.errors import UnknownRegionError
from coop_analysis.placenames import CONVENTIONAL_SHORT_FORMS, place_matches, short_forms

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONVENTIONAL_SHORT_FORMS",
    "find_places",
    "official_partners",
    "place_matches",
    "place_name_en",
    "place_short_forms",
    "place_short_zh",
    "province_names",
    "resolve_place",
    "resolve_province",
    "romanize",
]

_SUFFIXES = ("省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区")


def _fold(name: str) -> str:
    """Case-, space- and suffix-insensitive key for English names."""
    key = re.sub(r"[\s_\-]+", " ", name.strip().lower())
    return key.removesuffix(" province").removesuffix(" autonomous region").removesuffix(" municipality")


def _province_index() -> dict[str, int]:
    return _province_index_for(table_version("provinces"))


@cache
def _province_index_for(version: str) -> dict[str, int]:
    """Every accepted name form → row position in :func:`load_provinces` (per file version)."""
    prov = load_provinces()
    index: dict[str, int] = {}
    for pos, row in enumerate(prov.itertuples(index=False)):
        forms = [str(row.adcode), row.name_zh, row.short_zh, row.name_en, _fold(row.name_en)]
        forms += row.abbr_zh.split("|")
        if isinstance(row.aliases, str):
            forms += row.aliases.split("|") + [_fold(a) for a in row.aliases.split("|")]
        for form in forms:
            if form in index and index[form] != pos:
                raise ValueError(f"provinces.csv: the name {form!r} is given to two provinces")
            index[form] = pos
    return index


def resolve_province(name: str | int, *, suggest: bool = True) -> pd.Series:
    """Return the province row for any name form.

    Accepts the full or short Chinese name (甘肃省, 甘肃), a one-character
    abbreviation (甘, 陇), the English name in any case (Gansu, gansu, Gansu
    Province), an alias, or the administrative code (620000, "620000").

    Raises:
        UnknownRegionError: nothing matches; the error lists close matches
            (unless ``suggest`` is False: finding them costs a pinyin lookup).
    """
    prov = load_provinces()
    index = _province_index()
    key = str(name).strip() if isinstance(name, (int, str)) else None
    if key is None or isinstance(name, bool):
        raise UnknownRegionError(name)
    for form in (key, _fold(key), key.removesuffix("省") if key.endswith("省") else None):
        if form is not None and form in index:
            return prov.iloc[index[form]]
    if not suggest:
        raise UnknownRegionError(name)
    suggestions = []
    for c in _close_names(key, index):
        label = prov.iloc[index[c]]["name_en"]
        if label not in suggestions:
            suggestions.append(label)
    raise UnknownRegionError(name, suggestions[:4])


def _is_han(text: str) -> bool:
    return bool(text) and all("\u3400" <= c <= "\u9fff" for c in text)


def _readings(text: str) -> list[set[str]]:
    """Every toneless pinyin reading of each character (厦 → {sha, xia})."""
    from pypinyin import Style, pinyin

    return [set(r) for r in pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore")]


def _close_names(key: str, index: dict[str, int]) -> list[str]:
    """Name forms close to ``key``, best first: same sound (宁厦 → 宁夏, xizang → 西藏), then spelling
    (Ningxai → Ningxia), then shared characters or containment."""
    names = [k for k in index if len(k) > 1]
    if len(key) > 40:  # no name is this long: only say which names it contains
        return [k for k in names if k in key][:4]
    han = [k for k in names if _is_han(k)]
    close: list[str] = []
    if _is_han(key):
        sound = _readings(key)
        close += [
            k for k in han if len(k) == len(sound) and all(a & b for a, b in zip(_readings(k), sound, strict=True))
        ]
        close += difflib.get_close_matches(key, han, n=4, cutoff=0.5)
    elif key.isascii() and key.strip():
        folded = re.sub(r"[\s'\-]+", "", key.lower())
        spoken = {"".join(sorted(r)[0] for r in _readings(k)): k for k in han}
        close += [spoken[s] for s in difflib.get_close_matches(folded, list(spoken), n=4, cutoff=0.8)]
    close += difflib.get_close_matches(_fold(key), names, n=4, cutoff=0.6)
    close += [k for k in names if key and (key in k or (len(key) > 1 and k in key))][:4]
    return list(dict.fromkeys(close))


def province_names(lang: str = "en") -> dict[str, str]:
    """Map English province name → display name in ``lang`` ("en" or "zh")."""
    return dict(_province_names_for(table_version("provinces"), lang))  # a copy: callers may change theirs


@cache
def _province_names_for(version: str, lang: str) -> dict[str, str]:
    prov = load_provinces()
    column = "short_zh" if lang == "zh" else "name_en"
    return dict(zip(prov["name_en"], prov[column], strict=True))


def official_partners(province: str | int) -> pd.DataFrame:
    """Official pairing rows (East–West 2021 and counterpart support) involving ``province``."""
    p = resolve_province(province)["name_en"]
    pairs = load_pairings()
    return pairs[(pairs["east_province"] == p) | (pairs["west_province"] == p)].reset_index(drop=True)


def place_short_forms(places: pd.DataFrame) -> dict[str, int]:
    """Short forms of autonomous divisions → row position in ``places``.

    By rule: the name without its ethnic names + the generic word kept short —
    自治州 → 州 (阿坝州, 湘西州, 黔东南州, 伊犁州), 自治县 → 县 (大通县), 自治旗 → 旗
    (鄂温克旗); plus :data:`CONVENTIONAL_SHORT_FORMS` (博州, 巴州, 克州). The
    rule adds no form that is already a name in the gazetteer (that name keeps
    its meaning); 巴州 is also the short name of Bazhong's 巴州区, so
    :func:`resolve_place` gives both and :func:`find_places` the prefecture
    (a prefecture wins, and 巴州区 written in full still matches the district).
    """
    return short_forms(list(places["place_zh"]), list(places["short_zh"]))


def _place_lookup() -> dict[str, list[int]]:
    return _place_lookup_for(table_version("places"))


@cache
def _place_lookup_for(version: str) -> dict[str, list[int]]:
    places = load_places()
    lookup: dict[str, list[int]] = {}
    for pos, row in enumerate(places.itertuples(index=False)):
        for form in {row.place_zh, row.short_zh, row.abbr_zh}:
            if isinstance(form, str) and form:
                lookup.setdefault(form, []).append(pos)
    for form, pos in place_short_forms(places).items():
        lookup.setdefault(form, []).append(pos)
    return lookup


def resolve_place(name: str) -> pd.DataFrame:
    """Gazetteer rows for a city, district, county or area name (any province).

    Several rows come back when a name is ambiguous (朝阳 is in Beijing and
    Liaoning; 巴州 is Bayingolin prefecture and a district of Bazhong). Short
    forms of autonomous divisions resolve (阿坝州, 湘西州, 博州: see
    :func:`place_short_forms`). Province names resolve too, as a row of level
    ``province`` (its ``lon``/``lat`` are the capital's).

    Raises:
        UnknownRegionError: the name is in neither the gazetteer nor the provinces.
    """
    import pandas as pd

    places = load_places()
    key = str(name).strip()
    hits = _place_lookup().get(key)
    if hits:
        return places.iloc[hits].reset_index(drop=True)
    try:
        p = resolve_province(key)
    except UnknownRegionError:
        close = difflib.get_close_matches(key, list(_place_lookup()), n=4, cutoff=0.6)
        raise UnknownRegionError(name, close) from None
    row = {c: pd.NA for c in places.columns}
    row |= {
        "place_zh": p["name_zh"],
        "short_zh": p["short_zh"],
        "level": "province",
        "adcode": p["adcode"],
        "province_adcode": p["adcode"],
        "province_en": p["name_en"],
        "lon": p["capital_lon"],  # the seat of a province's government is its capital
        "lat": p["capital_lat"],
        "ambiguous": False,
        "source": "provinces table",
    }
    return pd.DataFrame([row]).astype(places.dtypes.to_dict() | {"level": "string"})


def find_places(text: str) -> pd.DataFrame:
    """Every province or place name in ``text`` with what it stands for.

    Names are matched longest first (成都东部新区 before 成都). Provinces and
    prefectures match by full or short name; counties and districts by full
    name (闵行区, 札达县), or by short name only when it has three or more
    characters, since two-character county names are often common words
    (合作, 和平, 新华). Short forms of autonomous divisions match too (阿坝州,
    湘西州, 博州: :func:`place_short_forms`). One-character abbreviations are
    not matched.

    Returns:
        One row per match: ``name`` (as written), ``start``, ``end``,
        ``level`` (province, prefecture, county or area), ``province`` (English,
        as ``province_en``; kept for existing callers), ``ambiguous``,
        ``canonical`` (the full name: 阿坝藏族羌族自治州, 甘肃省), ``adcode``
        (``Int64``; missing for named areas without a code), ``province_zh``
        (short Chinese name) and ``province_en``. The canonical fields are
        missing when a name means places in several provinces (``ambiguous``),
        or several places of one province (only the province is then given).
    """
    import pandas as pd

    rows = [(name, start, end, f.level, f.province_en, f.ambiguous, f.canonical, f.adcode, f.province_zh,
             f.province_en) for name, start, end, f in place_matches(text)]  # fmt: skip
    columns = ["name", "start", "end", "level", "province", "ambiguous", "canonical", "adcode", "province_zh"]
    frame = pd.DataFrame(rows, columns=[*columns, "province_en"])
    return frame.astype(
        {
            "name": "string",
            "start": "int64",
            "end": "int64",
            "level": "string",
            "province": "string",
            "ambiguous": "bool",
            "canonical": "string",
            "adcode": "Int64",
            "province_zh": "string",
            "province_en": "string",
        }
    )


# ----------------------------------------------------------------------------- English place names

#: Generic words ending a place name and their English, longest first (a city needs none: 石嘴山市 → Shizuishan).
_GENERIC_EN = (
    ("自治州", "Prefecture"), ("自治县", "County"), ("自治旗", "Banner"), ("特别行政区", ""), ("地区", "Prefecture"),
    ("新区", "New Area"), ("县", "County"), ("区", "District"), ("旗", "Banner"), ("盟", "League"), ("州", "Prefecture"),
    ("市", ""),
)  # fmt: skip
_PUNCT_EN = str.maketrans({"（": " (", "）": ")", "、": ", ", "，": ", ", "；": "; ", "：": ": ", "·": " "})


#: Readings pypinyin gives by default that place names do not use, by character: 都 is dū in
#: every place name (望都, 花都, 都匀), never the adverb dōu; 长 cháng (长治, 长宁, 天长), not
#: zhǎng; 什 shí (什邡, 乌什); 曾 zēng (曾都); 柏 bǎi (万柏林, 桐柏); 蚌 bèng (蚌山) …
PLACE_CHAR_READINGS: dict[str, str] = {"都": "du", "长": "chang", "什": "shi", "曾": "zeng", "柏": "bai", "蚌": "beng"}
#: … and by name, where a place has a reading of its own (长子县 Zhǎngzǐ, 乐亭 Lào-, 乐清 Yuè-,
#: 单县 Shàn-, 召陵 Shào-) or pypinyin reads a name wrongly outside a longer word (朝阳 alone).
PLACE_PHRASE_READINGS: dict[str, tuple[str, ...]] = {
    "长子": ("zhang", "zi"), "洪洞": ("hong", "tong"), "召陵": ("shao", "ling"), "单县": ("shan", "xian"),
    "涡阳": ("guo", "yang"), "浚县": ("xun", "xian"), "筠连": ("jun", "lian"), "繁峙": ("fan", "shi"),
    "乐亭": ("lao", "ting"), "乐清": ("yue", "qing"), "朝阳": ("chao", "yang"),
}  # fmt: skip


def place_syllables(name: str) -> list[str]:
    """Toneless pinyin of a run of Chinese characters read as a place name (one syllable each).

    pypinyin's readings in context, then those of :data:`PLACE_PHRASE_READINGS` and
    :data:`PLACE_CHAR_READINGS` where it reads a place name as ordinary text
    (长治 → ``chang zhi``, not ``zhang zhi``; 长子 stays ``zhang zi``).
    """
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.NORMAL)
    if len(syllables) != len(name):  # not one Chinese character per syllable: as pypinyin reads it
        return syllables
    out = [PLACE_CHAR_READINGS.get(ch, syllable) for ch, syllable in zip(name, syllables, strict=True)]
    for phrase, reading in PLACE_PHRASE_READINGS.items():
        start = name.find(phrase)
        while start != -1:
            out[start : start + len(phrase)] = reading
            start = name.find(phrase, start + len(phrase))
    return out


def _word(syllables: list[str]) -> str:
    """Toneless syllables as one capitalised word, with an apostrophe before a, o or e (Xi'an)."""
    word = "".join(("'" + s if i and s[:1] in "aoe" else s) for i, s in enumerate(syllables))
    return word[:1].upper() + word[1:]


def romanize(text: str) -> str:
    """Hanyu Pinyin of ``text`` as a place name is written in English: each run of Chinese
    characters one capitalised word without tones, an apostrophe where a syllable starting
    with a, o or e would join the one before (西安 → ``Xi'an``, 噶尔 → ``Ga'er``); other
    characters are kept, Chinese punctuation becomes its English form.

    The fallback for a name without an English form in the reference tables
    (see :func:`place_name_en`); pypinyin picks each character's reading in context
    (重庆 → ``Chongqing``), corrected where place names read a character otherwise
    (:func:`place_syllables`: 长治 → ``Changzhi``, 望都 → ``Wangdu``). A reading neither
    knows stays as pypinyin reads it; the project's tables give the English of the places
    its data names (闵行区 → Minhang District).
    """
    words: list[str] = []
    for piece in re.split(r"([\u3400-\u9fff]+)", str(text)):
        if piece:
            words.append(_word(place_syllables(piece)) if _is_han(piece) else piece.translate(_PUNCT_EN))
    text_en = ""
    for word in words:  # a space between two romanised words
        if text_en and text_en[-1].isalnum() and word[:1].isalnum():
            text_en += " "
        text_en += word
    return re.sub(r"\s+", " ", text_en).strip()


#: The tables the English place names come from (their versions key the caches below).
_ENGLISH_TABLES = ("provinces", "pairings", "places", "participants", "organizations")


def _english_names() -> dict[str, str]:
    return _english_names_for(*(table_version(t) for t in _ENGLISH_TABLES))


@cache
def _english_names_for(*versions: str) -> dict[str, str]:
    """Chinese name → English name, from the tables that give both: provinces; the
    prefectures and cities of the official pairings; then the curated data's English for
    a gazetteer place — a city taking part in an initiative (participants.csv: 札达县 →
    ``Zanda County``, 闵行区 → ``Minhang District``) or an organization that is one
    (成都东部新区 → ``Chengdu Eastern New Area``)."""
    from coop_analysis.datasets import load_organizations, load_participants

    names: dict[str, str] = {}
    for row in load_provinces().itertuples(index=False):
        names[row.name_zh] = names[row.short_zh] = row.name_en
    pairs = load_pairings()
    pairs_en = [(pairs[zh], pairs[en]) for zh, en in (("west_area_zh", "west_area_en"),
                                                      ("supporter_city_zh", "supporter_city_en"))]  # fmt: skip
    parts = load_participants()
    cities = parts[parts["participant_type"] == "city"]
    orgs = load_organizations()
    orgs = orgs[orgs["name_zh"].isin(set(load_places()["place_zh"]))]
    for zh_names, en_names in [
        *pairs_en,
        (cities["participant"], cities["label_en"]),
        (orgs["name_zh"], orgs["name_en"]),
    ]:
        for name_zh, name_en in zip(zh_names, en_names, strict=True):
            if isinstance(name_zh, str) and name_zh and isinstance(name_en, str) and name_en:
                names.setdefault(name_zh, name_en)
    return names


def _english_stems() -> dict[str, str]:
    return _english_stems_for(*(table_version(t) for t in _ENGLISH_TABLES))


@cache
def _english_stems_for(*versions: str) -> dict[str, str]:
    """A prefecture's short name → the English the tables give it, without its generic word
    (阿克苏 → ``Aksu``, from 阿克苏地区 → ``Aksu Prefecture``; not for an autonomous
    prefecture's English, whose stem holds ethnic names)."""
    stems: dict[str, str] = {}
    for name_zh, name_en in _english_names().items():
        if not name_zh.endswith(("地区", "州", "盟")) or "Autonomous" in name_en:
            continue
        for suffix in (" Prefecture", " League"):
            if name_en.endswith(suffix) and len(name_en) > len(suffix):
                stems.setdefault(place_short_zh(name_zh), name_en[: -len(suffix)])
    return stems


def _gazetteer_name_en(name: str, short: str = "", parent_short: str = "") -> str:
    """English form of one gazetteer name: the reference tables' English, else its
    romanised stem and the English of its generic word (札达县 → ``Zhada County``,
    黔东南苗族侗族自治州 → ``Qiandongnan Prefecture``, 成都东部新区 → ``Chengdu Dongbu New Area``).
    Readings come from the whole name, so the generic word gives context, and place names'
    own readings apply (:func:`place_syllables`: 长治市 → ``Changzhi``). A city or county
    named like its prefecture takes the prefecture's English (阿克苏市 → ``Aksu``, 喀什市 →
    ``Kashgar``, 和田县 → ``Hotan County``: not ``Akesu``, ``Kashi``, ``Hetian`` beside
    ``Aksu Prefecture``)."""
    known = _english_names()
    if name in known:
        return known[name]
    generic, english = next(((g, e) for g, e in _GENERIC_EN if name.endswith(g) and len(name) > len(g)), ("", ""))
    # an autonomous division's stem is its short name, without the ethnic names
    stem = short if generic.startswith("自治") and short and short != name else name[: len(name) - len(generic)]
    if parent_short and stem == parent_short and (same := _english_stems().get(stem)):
        return f"{same} {english}" if english else same  # named like its prefecture: 和田县 → Hotan County
    if not _is_han(name) or not name.startswith(stem):
        return f"{romanize(stem)} {english}".strip()
    syllables = place_syllables(name)
    cut = len(parent_short) if parent_short and stem.startswith(parent_short) and stem != parent_short else 0
    head = (known.get(parent_short) or _word(syllables[:cut])) if cut else ""
    words = " ".join(w for w in (head, _word(syllables[cut : len(stem)])) if w)
    return f"{words} {english}" if english else words


def place_name_en(text: str) -> str:
    """A place as the source names it (Chinese), in English.

    A province gives its English name (上海, 浙江省 → ``Shanghai``, ``Zhejiang``).
    Otherwise every gazetteer name found in the text (:func:`place_matches`) in
    English, joined (阿里地区札达县、日土县 → ``Ali Prefecture, Zanda County and Rutog
    County``): the English the project's tables give (provinces; prefectures and
    cities of the official pairings: ``Ali Prefecture``; a city or an organization
    that is a place in the curated data: ``Zanda County``), else the name romanised
    (:func:`romanize`) with its generic word in English (石嘴山市 → ``Shizuishan``).
    Words around the names (a venue: 佛山大学 → ``Foshan``) are left out; a text with
    no known name at all is romanised whole. ``""`` for an empty text.
    """
    text = str(text).strip() if isinstance(text, str) else ""
    if not text:
        return ""
    try:
        return str(resolve_province(text, suggest=False)["name_en"])
    except UnknownRegionError:
        pass
    columns = _place_columns()
    rows = columns.first
    names: list[str] = []
    for name, _start, _end, meaning in place_matches(text):
        if meaning.level == "province":
            english = str(meaning.province_en)
        elif meaning.canonical in rows:
            pos = rows[meaning.canonical]
            parent = columns.parent_zh[pos]
            parent_short = place_short_zh(parent) if parent else ""
            english = _gazetteer_name_en(str(meaning.canonical), columns.short_zh[pos], parent_short)
        else:  # a name of several places: as written
            english = _gazetteer_name_en(name)
        if english not in names:
            names.append(english)
    if not names:
        return romanize(text)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def place_short_zh(name: str) -> str:
    """A gazetteer place's short name (阿里地区 → 阿里, 保山市 → 保山); other text unchanged."""
    hits = _place_lookup().get(name)
    return _place_columns().short_zh[hits[0]] if hits else name


class _PlaceColumns(NamedTuple):
    """The gazetteer's columns that English place names read, by row position."""

    short_zh: tuple[str, ...]
    parent_zh: tuple[str, ...]  # "" where there is none
    first: dict[str, int]  # place_zh → position of its first row


def _place_columns() -> _PlaceColumns:
    return _place_columns_for(table_version("places"))


@cache
def _place_columns_for(version: str) -> _PlaceColumns:
    places = load_places()
    first: dict[str, int] = {}
    for pos, place in enumerate(places["place_zh"]):
        first.setdefault(place, pos)
    short = tuple(str(v) for v in places["short_zh"])
    parent = tuple(v if isinstance(v, str) else "" for v in places["parent_zh"])
    return _PlaceColumns(short, parent, first)
