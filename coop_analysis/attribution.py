"""Who a figure is about: sides, partner links and the facts that belong to a province.

Pure functions on the curated tables (DataFrames in, DataFrames or values out),
shared by the reports (:mod:`coop_analysis.profiles`, :mod:`coop_analysis.narrative`)
and the checks of ``coop-analysis validate``.

The rules, from ``participants.csv`` (one row per initiative and participant):

* A participant's **side** is its ``role``: ``west`` or ``east``. National
  bodies, organizers and foreign counterparts are on neither side.
* Two provinces are **partners** only through one initiative in which one has a
  participant on the west side and the other one on the east side. Taking part
  in the same initiative on the same side (Shanghai and Beijing both hosting
  Ningxia's enclaves) makes no partnership.
* An initiative is **led** by its participants with ``leads`` true.
* A fact is counted for one province (``facts.province``). It is shown for
  that province, and also for its partner when it describes the cooperation
  itself (its subject is the initiative or one of its events) with exactly one
  partner province: the 39 Shandong–Gansu projects are Shandong's as much as
  Gansu's; a figure of one organization or city, a region's own total, or one
  figure shared by several partners (4 enclave R&D centres in Hangzhou,
  Shanghai and Beijing together) is shown for the counted province only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coop_analysis.schemas import LIST_SEP

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FACT_LEVELS",
    "SIDES",
    "belongs_to",
    "facts_for",
    "is_shared_with_partner",
    "lead_participants",
    "opposite",
    "participant_rows",
    "partner_links",
    "province_sides",
    "public_participant",
    "side_of",
]

SIDES = ("west", "east")
#: Fact levels, widest first: the order headlines and key figures follow.
FACT_LEVELS = ("region", "initiative", "event", "organization")
#: Organization types that act for a public body (for official pair coverage).
PUBLIC_ORG_TYPES = frozenset({"government", "university", "research_institute", "platform", "park", "association"})


def _items(cell: object) -> list[str]:
    return cell.split(LIST_SEP) if isinstance(cell, str) and cell else []


def opposite(side: str) -> str:
    """``west`` ↔ ``east``."""
    if side not in SIDES:
        raise ValueError(f"side: expected one of {list(SIDES)}, got {side!r}")
    return "east" if side == "west" else "west"


def province_sides(participants: pd.DataFrame) -> dict[tuple[str, str], set[str]]:
    """``{(initiative_id, province): {sides}}`` for every participant on a side with a province."""
    out: dict[tuple[str, str], set[str]] = {}
    for row in participants.itertuples(index=False):
        if row.role in SIDES and isinstance(row.province, str) and row.province:
            out.setdefault((row.initiative_id, row.province), set()).add(row.role)
    return out


def participant_rows(participants: pd.DataFrame) -> dict[tuple[str, str], Any]:
    """``{(initiative_id, participant): row}`` (rows as named tuples), for lookups in loops."""
    return {(r.initiative_id, r.participant): r for r in participants.itertuples(index=False)}


def side_of(participants: pd.DataFrame, initiative_id: str, province: str) -> str | None:
    """The side ``province`` takes in an initiative, or ``None`` (absent, or on both sides)."""
    sides = province_sides(participants).get((initiative_id, province), set())
    return next(iter(sides)) if len(sides) == 1 else None


def partner_links(participants: pd.DataFrame) -> pd.DataFrame:
    """One row per initiative and pair of provinces on opposite sides.

    Columns: ``initiative_id``, ``west``, ``east`` (provinces), ``west_via`` and
    ``east_via`` (``|``-joined participants of each province in it).
    """
    import pandas as pd

    via: dict[tuple[str, str, str], list[str]] = {}
    for row in participants.itertuples(index=False):
        if row.role in SIDES and isinstance(row.province, str) and row.province:
            via.setdefault((row.initiative_id, row.role, row.province), []).append(row.participant)
    rows = []
    for (iid, side, west), west_via in sorted(via.items()):
        if side != "west":
            continue
        for (iid2, side2, east), east_via in sorted(via.items()):
            if iid2 == iid and side2 == "east" and east != west:
                rows.append((iid, west, east, LIST_SEP.join(west_via), LIST_SEP.join(east_via)))
    columns = ["initiative_id", "west", "east", "west_via", "east_via"]
    return pd.DataFrame(rows, columns=columns).astype("string")


def public_participant(row: object, organizations: pd.DataFrame) -> bool:
    """Whether a participant acts for a public body: a province, a city, or an
    organization of a public type (government, university, institute, platform, park)."""
    ptype = row.participant_type
    if ptype in ("province", "city"):
        return True
    if ptype != "organization":
        return False
    types = dict(zip(organizations["org_id"], organizations["type"], strict=True))
    return types.get(row.participant, "") in PUBLIC_ORG_TYPES


def lead_participants(participants: pd.DataFrame, initiative_id: str) -> pd.DataFrame:
    """The participants that run an initiative (``leads`` true), in table order."""
    sel = participants[(participants["initiative_id"] == initiative_id) & participants["leads"].fillna(False)]
    return sel.reset_index(drop=True)


def is_shared_with_partner(fact: object) -> bool:
    """Whether a fact describes a cooperation with exactly one partner province, so it
    is shown for that partner too (its subject is the initiative or an event of it)."""
    return fact.subject_type in ("initiative", "event") and len(_items(fact.partner)) == 1


def belongs_to(fact: object, province: str) -> str | None:
    """``own`` when the fact is counted for ``province``, ``partner`` when it is a
    cooperation figure shared with ``province`` as the one partner, else ``None``."""
    if fact.province == province:
        return "own"
    if is_shared_with_partner(fact) and _items(fact.partner) == [province]:
        return "partner"
    return None


def facts_for(province: str, facts: pd.DataFrame) -> pd.DataFrame:
    """The facts shown for ``province`` (see the module rules), with a column
    ``attribution`` (``own`` or ``partner``), in the input's order."""
    marks = [belongs_to(f, province) for f in facts.itertuples(index=False)]
    out = facts.assign(attribution=marks)
    out = out[out["attribution"].notna()].reset_index(drop=True)
    out["attribution"] = out["attribution"].astype("string")
    return out
