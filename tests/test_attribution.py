"""Sides, partner links and which facts belong to a province, on tiny hand-built tables."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from coop_analysis import attribution

COLUMNS = ["initiative_id", "participant", "participant_type", "province", "role", "leads"]


def _parts(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS).astype({"province": "string", "leads": "boolean"})


ENCLAVES = _parts(
    ("enclaves", "Ningxia", "province", "Ningxia", "west", True),
    ("enclaves", "Shanghai", "province", "Shanghai", "east", False),
    ("enclaves", "Beijing", "province", "Beijing", "east", False),
    ("fund", "ORG1", "organization", "Sichuan", "west", True),
    ("fund", "ORG2", "organization", "Zhejiang", "east", False),
    ("fund", "ORG3", "organization", pd.NA, "national", True),
    ("cas", "宁波市", "city", "Zhejiang", "east", True),
    ("cas", "ORG4", "organization", "Liaoning", "national", False),
)


def test_partners_only_across_sides_never_from_co_membership() -> None:
    links = attribution.partner_links(ENCLAVES)
    pairs = set(zip(links["west"], links["east"], strict=True))
    assert pairs == {("Ningxia", "Shanghai"), ("Ningxia", "Beijing"), ("Sichuan", "Zhejiang")}
    # Shanghai and Beijing are both on the east side of the enclaves: no Shanghai–Beijing link;
    # a national body (or a CAS institute in Liaoning) is on no side: no Zhejiang–Liaoning link.
    assert "Liaoning" not in set(links["east"]) | set(links["west"])
    fund = links[links["initiative_id"] == "fund"].iloc[0]
    assert (fund["west_via"], fund["east_via"]) == ("ORG1", "ORG2")


def test_side_of_and_opposite() -> None:
    assert attribution.side_of(ENCLAVES, "enclaves", "Beijing") == "east"
    assert attribution.side_of(ENCLAVES, "cas", "Liaoning") is None  # national: no side
    both = pd.concat([ENCLAVES, _parts(("enclaves", "ORG9", "organization", "Beijing", "west", False))])
    assert attribution.side_of(both, "enclaves", "Beijing") is None  # on both sides: undecidable
    assert attribution.opposite("west") == "east" and attribution.opposite("east") == "west"
    with pytest.raises(ValueError, match="side: expected one of"):
        attribution.opposite("national")


def test_lead_participants() -> None:
    assert list(attribution.lead_participants(ENCLAVES, "fund")["participant"]) == ["ORG1", "ORG3"]


def _fact(fid: str, province: str, partner: object, subject_type: str) -> SimpleNamespace:
    return SimpleNamespace(fact_id=fid, province=province, partner=partner, subject_type=subject_type)


@pytest.mark.parametrize(
    ("fact", "province", "expected"),
    [
        (_fact("F001", "Gansu", "Shandong", "initiative"), "Gansu", "own"),
        (_fact("F001", "Gansu", "Shandong", "initiative"), "Shandong", "partner"),  # the pair's own figure
        (_fact("F020", "Yunnan", "Shanghai", "event"), "Shanghai", "partner"),
        (
            _fact("F011", "Ningxia", "Zhejiang|Shanghai|Beijing", "initiative"),
            "Beijing",
            None,
        ),  # shared: no one's alone
        (_fact("F008", "Ningxia", "Shanghai", "organization"), "Shanghai", None),  # Ningxia's centre's figure
        (_fact("F024", "Zhejiang", "Shaanxi", "city"), "Shaanxi", None),  # Ningbo's firms, not Shaanxi's
        (_fact("F015", "Ningxia", pd.NA, "region"), "Ningxia", "own"),
        (_fact("F031", "Sichuan", pd.NA, "initiative"), "Zhejiang", None),
    ],
)
def test_belongs_to(fact: SimpleNamespace, province: str, expected: str | None) -> None:
    assert attribution.belongs_to(fact, province) == expected


def test_facts_for_marks_own_and_partner_in_input_order() -> None:
    facts = pd.DataFrame(
        {
            "fact_id": ["A", "B", "C"],
            "province": ["Gansu", "Ningxia", "Gansu"],
            "partner": ["Shandong", "Shandong|Beijing", pd.NA],
            "subject_type": ["initiative", "initiative", "region"],
        }
    )
    shandong = attribution.facts_for("Shandong", facts)
    assert list(shandong["fact_id"]) == ["A"] and list(shandong["attribution"]) == ["partner"]
    gansu = attribution.facts_for("Gansu", facts)
    assert list(gansu["fact_id"]) == ["A", "C"] and set(gansu["attribution"]) == {"own"}


def test_public_participant() -> None:
    orgs = pd.DataFrame({"org_id": ["G", "E", "U"], "type": ["government", "enterprise", "university"]})
    row = SimpleNamespace
    assert attribution.public_participant(row(participant_type="city", participant="宁波市"), orgs)
    assert attribution.public_participant(row(participant_type="organization", participant="U"), orgs)
    assert not attribution.public_participant(row(participant_type="organization", participant="E"), orgs)
    assert not attribution.public_participant(row(participant_type="group", participant="上海企业"), orgs)
