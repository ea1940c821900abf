"""The attribution and period rules of ``coop-analysis validate`` (issue 9).

Each check takes the loaded tables and returns problem lines naming file, line,
column and what was expected; :func:`attribution_problems` runs them all.

* participants resolve: a province is a province, a city is in the gazetteer
  (in the province given), an organization is in organizations.csv and lists
  the initiative there (and every organization's initiatives have it as a
  participant), a city or group has an English label, a side has a province;
* every initiative has participants, one of them leading, and its ``province``
  and ``partners`` are what its participants say (the western side's province,
  the eastern side's provinces);
* a fact's subject exists and agrees with its initiative's participants and its
  province; its province takes part in the initiative; every partner is on the
  side opposite the fact's province (no partner link without opposite sides);
  its counterpart is a participant on neither side of that province;
* periods and event dates are real calendar dates, a period starts no later than
  it ends and ends no later than its source was published;
* every money fact converts to CNY: its unit is a currency and the exchange-rate
  table has a rate for it in its period's end year.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from coop_analysis.attribution import SIDES, opposite, province_sides
from coop_analysis.errors import PeriodError
from coop_analysis.periods import date_window, event_window, period_window
from coop_analysis.schemas import LIST_SEP

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["attribution_problems"]

Where = Callable[[str, int, "pd.DataFrame", str], str]


def _items(cell: object) -> list[str]:
    return cell.split(LIST_SEP) if isinstance(cell, str) and cell else []


def _text(cell: object) -> str:
    return cell if isinstance(cell, str) else ""


def _participant_problems(t: dict[str, pd.DataFrame], where: Where) -> list[str]:
    out: list[str] = []
    parts, orgs = t["participants"], t["organizations"]
    provinces = set(t["provinces"]["name_en"])
    places: dict[str, set[str]] = {}
    for row in t["places"].itertuples(index=False):
        places.setdefault(row.place_zh, set()).add(row.province_en)
    org_ini = {o.org_id: set(_items(o.initiatives)) for o in orgs.itertuples(index=False)}
    seen: dict[tuple[str, str], int] = {}
    for idx, row in parts.iterrows():
        key = (row["initiative_id"], row["participant"])
        if key in seen:
            out.append(f"{where('participants', idx, parts, 'participant')}: {row['participant']!r} is listed twice "
                       f"for {row['initiative_id']} (first on line {seen[key] + 2})")  # fmt: skip
        seen.setdefault(key, idx)
        who, ptype, prov = row["participant"], row["participant_type"], _text(row["province"])
        if ptype == "province":
            if who not in provinces:
                out.append(f"{where('participants', idx, parts, 'participant')}: {who!r} is not a provinces.name_en")
            elif prov != who:
                out.append(
                    f"{where('participants', idx, parts, 'province')}: expected {who!r} (the participant), got {prov!r}"
                )
        elif ptype == "city":
            if who not in places:
                out.append(f"{where('participants', idx, parts, 'participant')}: {who!r} is not a places.place_zh")
            elif prov not in places[who]:
                out.append(
                    f"{where('participants', idx, parts, 'province')}: {who} is in {sorted(places[who])}, got {prov!r}"
                )
        elif ptype == "organization":
            if who not in org_ini:
                out.append(
                    f"{where('participants', idx, parts, 'participant')}: {who!r} is not an organizations.org_id"
                )
            elif row["initiative_id"] not in org_ini[who]:
                out.append(f"{where('participants', idx, parts, 'initiative_id')}: organizations.csv does not list "
                           f"{row['initiative_id']!r} among the initiatives of {who}")  # fmt: skip
        if ptype in ("city", "group") and not _text(row["label_en"]):
            out.append(f"{where('participants', idx, parts, 'label_en')}: a {ptype} needs an English label")
        if row["role"] in SIDES and not prov and ptype != "group":
            out.append(f"{where('participants', idx, parts, 'province')}: a participant on the {row['role']} side "
                       "needs the province it belongs to")  # fmt: skip
    for oid, inis in org_ini.items():
        for iid in sorted(inis - {i for i, p in seen if p == oid}):
            idx = int(orgs.index[orgs["org_id"] == oid][0])
            out.append(f"{where('organizations', idx, orgs, 'initiatives')}: {iid!r} has no participants.csv row "
                       f"for {oid}")  # fmt: skip
    return out


def _initiative_problems(t: dict[str, pd.DataFrame], where: Where) -> list[str]:
    out: list[str] = []
    ini, parts = t["initiatives"], t["participants"]
    for idx, row in ini.iterrows():
        mine = parts[parts["initiative_id"] == row["initiative_id"]]
        if mine.empty:
            out.append(f"{where('initiatives', idx, ini, 'initiative_id')}: no participants in participants.csv")
            continue
        if not mine["leads"].fillna(False).any():
            out.append(f"{where('initiatives', idx, ini, 'initiative_id')}: no participant leads it "
                       "(set participants.csv 'leads' true for the side that runs it)")  # fmt: skip
        sided = mine[mine["province"].notna()]
        west = set(sided.loc[sided["role"] == "west", "province"])
        east = set(sided.loc[sided["role"] == "east", "province"])
        leads = set(sided.loc[sided["leads"].fillna(False), "province"])
        expected = west or (leads & east)
        if row["province"] not in expected or (west and len(west) > 1):
            what = "its western side's province" if west else "the province of its lead"
            out.append(f"{where('initiatives', idx, ini, 'province')}: expected {what} in participants.csv "
                       f"({sorted(expected)}), got {row['province']!r}")  # fmt: skip
        partners = set(_items(row["partners"]))
        want = east - {row["province"]} if west else set()
        if partners != want:
            out.append(f"{where('initiatives', idx, ini, 'partners')}: expected the provinces on the side opposite "
                       f"{row['province']} in participants.csv ({sorted(want)}), got {sorted(partners)}")  # fmt: skip
    return out


def _subject_problem(row: pd.Series, t: dict[str, pd.DataFrame], mine: pd.DataFrame) -> str | None:
    stype, subject, prov = row["subject_type"], row["subject"], row["province"]
    if stype == "region":
        return None if subject == prov else f"a region subject is the province counted for ({prov!r}), got {subject!r}"
    if stype == "initiative":
        return None if subject == row["initiative_id"] else f"expected the fact's initiative {row['initiative_id']!r}"
    if stype == "event":
        ev = t["events"].set_index("event_id")
        if subject not in ev.index:
            return f"{subject!r} is not an events.event_id"
        if ev.at[subject, "initiative_id"] != row["initiative_id"]:
            return f"event {subject} belongs to {ev.at[subject, 'initiative_id']!r}, not {row['initiative_id']!r}"
        return None
    hit = mine[(mine["participant"] == subject) & (mine["participant_type"] == stype)]
    if hit.empty:
        return f"{subject!r} is not a participant ({stype}) of {row['initiative_id']}"
    if _text(hit["province"].iloc[0]) != prov:
        return f"{subject} belongs to {hit['province'].iloc[0]!r} in participants.csv, but the fact is counted for {prov!r}"
    return None


def _fact_problems(t: dict[str, pd.DataFrame], where: Where) -> list[str]:
    out: list[str] = []
    facts, parts = t["facts"], t["participants"]
    sides = province_sides(parts)
    for idx, row in facts.iterrows():
        iid, prov = row["initiative_id"], row["province"]
        mine = parts[parts["initiative_id"] == iid]
        problem = _subject_problem(row, t, mine)
        if problem:
            out.append(f"{where('facts', idx, facts, 'subject')}: {problem}")
        own = sides.get((iid, prov), set())
        if not own:
            out.append(f"{where('facts', idx, facts, 'province')}: {prov!r} takes part in {iid} on no side "
                       "(participants.csv)")  # fmt: skip
        elif len(own) > 1:
            out.append(f"{where('facts', idx, facts, 'province')}: {prov!r} is on both sides of {iid}; "
                       "a partner cannot be told from the other side")  # fmt: skip
        for partner in _items(row["partner"]):
            if not own or len(own) > 1:
                break
            if opposite(next(iter(own))) not in sides.get((iid, partner), set()):
                out.append(f"{where('facts', idx, facts, 'partner')}: no partner link: {partner!r} has no participant "
                           f"on the side opposite {prov} ({opposite(next(iter(own)))}) in {iid}")  # fmt: skip
        counterpart = row["counterpart"]
        if isinstance(counterpart, str) and counterpart:
            hit = mine[mine["participant"] == counterpart]
            if hit.empty:
                out.append(
                    f"{where('facts', idx, facts, 'counterpart')}: {counterpart!r} is not a participant of {iid}"
                )
            elif (hit["province"] == prov).any() and (hit["role"].isin(own)).any():
                out.append(f"{where('facts', idx, facts, 'counterpart')}: {counterpart!r} is on {prov}'s own side")
    return out


def _published_last(t: dict[str, pd.DataFrame]) -> dict[str, object]:
    out = {}
    for row in t["sources"].itertuples(index=False):
        try:
            out[row.doc_id] = date_window(str(row.published))[1]
        except PeriodError:
            continue  # the source's own metadata check reports it
    return out


def _period_problems(t: dict[str, pd.DataFrame], where: Where) -> list[str]:
    out: list[str] = []
    facts, events = t["facts"], t["events"]
    published = _published_last(t)
    for idx, row in facts.iterrows():
        try:
            period_window(row["period_start"], row["period_end"])
        except PeriodError as exc:
            out.append(f"{where('facts', idx, facts, 'period_start')}: {exc}")
            continue
        end_first = date_window(row["period_end"])[0]
        pub = published.get(row["doc_id"])
        if pub is not None and end_first > pub:  # type: ignore[operator]
            out.append(f"{where('facts', idx, facts, 'period_end')}: {row['period_end']!r} is after its source was "
                       f"published ({pub})")  # fmt: skip
    for idx, row in events.iterrows():
        try:
            event_window(row["date"], row["date_precision"], row["date_bound"])
        except PeriodError as exc:
            out.append(f"{where('events', idx, events, 'date')}: {exc}")
    return out


def _money_problems(t: dict[str, pd.DataFrame], where: Where) -> list[str]:
    from coop_analysis.money import is_money_unit, to_cny
    from coop_analysis.periods import add_period_columns

    out: list[str] = []
    facts = t["facts"]
    kinds = dict(zip(t["metrics"]["metric"], t["metrics"]["kind"], strict=True))
    money = facts[facts["metric"].map(kinds) == "money"]
    for idx, row in money.iterrows():
        if not is_money_unit(row["unit"]):
            out.append(f"{where('facts', idx, facts, 'unit')}: metric {row['metric']!r} is money; expected a "
                       f"currency code, got {row['unit']!r}")  # fmt: skip
    try:
        converted = to_cny(add_period_columns(money), t["exchange_rates"], year_column="period_year")
    except PeriodError:
        return out  # reported by the period checks
    for idx, row in converted.iterrows():
        if row["conversion"] not in ("cny", "converted") and is_money_unit(row["unit"]):
            out.append(f"{where('facts', idx, facts, 'unit')}: {row['raw']!r} does not convert to CNY: no "
                       f"{row['unit']} rate for {row['period_year']} in exchange_rates.csv")  # fmt: skip
    return out


def attribution_problems(tables: dict[str, pd.DataFrame], where: Where) -> list[str]:
    """Every attribution and period problem in ``tables`` (the loaded curated and reference
    tables and ``sources``); ``where(table, index, frame, column)`` names a cell."""
    needed = {"participants", "organizations", "provinces", "places", "initiatives", "facts", "events", "sources",
              "metrics", "exchange_rates"}  # fmt: skip
    if not needed <= set(tables):
        return []  # a table that failed its schema is reported already
    out = _participant_problems(tables, where)
    out += _initiative_problems(tables, where)
    out += _fact_problems(tables, where)
    out += _period_problems(tables, where)
    out += _money_problems(tables, where)
    return out
