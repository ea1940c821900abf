"""Names for readers: periods, event dates, lists, participants and subjects."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from coop_analysis import labels


@pytest.mark.parametrize(
    ("start", "end", "en", "zh"),
    [
        ("2022", "2025", "2022–2025", "2022年至2025年"),
        ("2024-02", "2025", "Feb 2024 – 2025", "2024年2月至2025年"),
        ("2025-03-11", "2025-03-11", "11 Mar 2025", "2025年3月11日"),
        (pd.NA, "2025", "as of 2025", "截至2025年"),
        (None, "2025-02-14", "as of 14 Feb 2025", "截至2025年2月14日"),
    ],
)
def test_period_label(start: object, end: str, en: str, zh: str) -> None:
    assert labels.period_label(start, end, "en") == en
    assert labels.period_label(start, end, "zh") == zh


@pytest.mark.parametrize(
    ("bound", "en", "zh"),
    [("on", "early Mar 2025", "2025年3月初"), ("after", "after early Mar 2025", "2025年3月初之后"),
     ("since", "early Mar 2025 or later", "2025年3月初以来")],
)  # fmt: skip
def test_event_date_label(bound: str, en: str, zh: str) -> None:
    assert labels.event_date_label("2025-03", "early_month", bound, "en") == en
    assert labels.event_date_label("2025-03", "early_month", bound, "zh") == zh


def test_join_says_when_a_figure_is_shared() -> None:
    assert labels.join(["A", "B", "C"], "en", together=True) == "A, B and C together"
    assert labels.join(["A"], "en", together=True) == "A"
    assert labels.join(["浙江", "上海"], "zh", together=True) == "浙江、上海合计"


def _p(**kw: object) -> SimpleNamespace:
    base = {"participant_type": "city", "participant": "宁波市", "label_en": "Ningbo", "province": "Zhejiang"}
    return SimpleNamespace(**(base | kw))


def test_participant_label() -> None:
    assert labels.participant_label(_p(), "en", with_province=True) == "Ningbo (Zhejiang)"
    assert labels.participant_label(_p(), "zh", with_province=True) == "宁波市（浙江）"
    org = _p(participant_type="organization", participant="ORG055", label_en=pd.NA)
    assert labels.participant_label(org, "en") == "Zhejiang Geely Industrial Investment Holding Co., Ltd."
    assert labels.participant_label(_p(participant_type="province", participant="Shandong"), "zh") == "山东"


def test_subject_and_partner_labels_of_shipped_facts() -> None:
    from coop_analysis.datasets import load_facts

    facts = {f.fact_id: f for f in load_facts().itertuples(index=False)}
    assert labels.subject_label(facts["F015"], "en") == "Ningxia as a whole"
    assert labels.subject_label(facts["F020"], "en").startswith("Baoshan biomedicine")  # the event
    assert labels.fact_partner_label(facts["F001"], "Gansu", "en") == "Shandong"
    assert labels.fact_partner_label(facts["F001"], "Shandong", "en") == "Gansu"  # seen from the partner
    assert labels.fact_partner_label(facts["F004"], "Ningxia", "zh") == "欧洲客户"


def test_area_label_joins_prefectures_in_the_readers_language() -> None:
    zh, en = (
        "伊犁哈萨克自治州; 克孜勒苏柯尔克孜自治州",
        "Ili Kazakh Autonomous Prefecture; Kizilsu Kirghiz Autonomous Prefecture",
    )
    assert labels.area_label(zh, en, "zh") == "伊犁哈萨克自治州、克孜勒苏柯尔克孜自治州"
    assert labels.area_label(zh, en, "en") == (
        "Ili Kazakh Autonomous Prefecture and Kizilsu Kirghiz Autonomous Prefecture"
    )
    assert labels.area_label("拉萨市", "Lhasa", "en") == "Lhasa"
    assert labels.area_label("", pd.NA, "en") == labels.area_label("", "", "zh") == ""
