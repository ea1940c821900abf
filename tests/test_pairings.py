"""coop_analysis.pairings on a tiny invented pairing table (tests/fixtures/pairings_small.csv)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from coop_analysis import pairings
from coop_analysis.datasets import read_and_validate

FIXTURE = Path(__file__).parent / "fixtures" / "pairings_small.csv"
PLACES = pd.DataFrame(
    {
        "place_zh": ["喀什地区", "伊犁哈萨克自治州", "克孜勒苏柯尔克孜自治州", "日喀则市", "疏附县"],
        "province_en": ["Xinjiang", "Xinjiang", "Xinjiang", "Tibet", "Xinjiang"],
        "level": ["prefecture"] * 4 + ["county"],
    }
)


@pytest.fixture
def pairs() -> pd.DataFrame:
    return read_and_validate("pairings", FIXTURE)


def test_fixture_is_sound(pairs: pd.DataFrame) -> None:
    assert pairings.check_pairings(pairs, PLACES) == []


def test_group_pairs_gives_one_row_per_province_pair(pairs: pd.DataFrame) -> None:
    grouped = pairings.group_pairs(pairs)
    assert grouped[["east_province", "west_province"]].values.tolist() == [
        ["Fujian", "Ningxia"], ["Guangdong", "Xinjiang"], ["Jiangsu", "Xinjiang"], ["Jilin", "Tibet"],
    ]  # fmt: skip
    guangdong = grouped.iloc[1]
    assert guangdong["pair_id"] == "CSXJ-01; CSXJ-02"
    assert guangdong["west_area_en"] == "Kashgar Prefecture"  # the same prefecture once
    assert guangdong["supporter_city_en"] == "Shenzhen"
    assert grouped.iloc[2]["west_area_zh"] == "伊犁哈萨克自治州; 克孜勒苏柯尔克孜自治州"
    assert grouped.iloc[0]["west_area_en"] == ""
    assert grouped["since"].tolist()[:3] == [2021, 2010, 2010]
    assert grouped["since"].isna().tolist()[3]  # no source states Jilin's start year


def test_program_of_and_coverage_notes(pairs: pd.DataFrame) -> None:
    assert pairings.program_of("CSXJ-02").name_en.startswith("Counterpart support to Xinjiang")
    with pytest.raises(KeyError, match="unknown prefix 'XX'"):
        pairings.program_of("XX-01")
    notes = pairings.coverage_notes("Guangdong", "en", pairs)
    assert len(notes) == 1 and notes[0].startswith("Counterpart support to Xinjiang (2010 scheme): the 19 ")
    assert pairings.coverage_notes("Ningxia", "zh", pairs)[0].startswith("东西部协作（2021年结对）：")
    assert pairings.coverage_notes("Hainan", "en", pairs) == []
    assert len(pairings.coverage_notes()) == len(pairings.PROGRAMS) == 4


def test_check_pairings_names_each_problem(pairs: pd.DataFrame) -> None:
    broken = pairs.copy()
    broken.loc[1, "west_area_zh"] = "疏附县"  # a county, not a prefecture
    broken.loc[2, "supporter_city_en"] = pd.NA  # Chinese city name without its English one
    broken.loc[0, "since"] = 2016
    broken.loc[5, "kind"] = "east_west_cooperation"
    broken = pd.concat([broken, broken.iloc[[3]]], ignore_index=True)
    text = "\n".join(pairings.check_pairings(broken, PLACES, where="x.csv"))
    assert "line 3 (CSXJ-01), column 'west_area_zh': '疏附县' is not a prefecture of Xinjiang" in text
    assert "line 4 (CSXJ-02): supporter_city_zh and supporter_city_en must both be given" in text
    assert "line 2 (EW2021-01), column 'since': East–West cooperation rows are the 2021 pairs, got 2016" in text
    assert "line 7 (CSXZ-01), column 'kind': CSXZ rows are counterpart_support" in text
    assert "line 8: repeats an earlier row" in text
