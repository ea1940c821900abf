from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_analysis import normalize_text, source_text, split_sections, split_sentences
from coop_analysis.text import OffsetMap, normalize_with_offsets

from .conftest import PROJECT, SEED_ID

SEED_RAW = (PROJECT / "data" / "raw" / f"{SEED_ID}.txt").read_text(encoding="utf-8")


def wrapped(*lines: str) -> str:
    """A hard-wrapped paragraph as PDF extraction gives it (enough lines to look wrapped)."""
    return "\n".join(lines)


def test_number_split_by_line_break_is_joined() -> None:
    text = wrapped(
        "两省科技部门签署了科技支撑乡村振兴合作协",
        "议，两省科技部门签署了科技支撑乡村振兴",
        "合作协议，双方持续加大科技合作力度，共同",
        "实施了鲁甘科技协作项目共同实施了 39",
        "项鲁甘科技协作项目，分两批认定了61名",
        "鲁甘“双地”科技特派员，首次开展了智力援。",
    )
    assert "实施了39项鲁甘" in normalize_text(text)
    assert "\n" not in normalize_text(text)


def test_chinese_numeral_cut_by_a_line_break_is_joined() -> None:
    text = wrapped(
        "　　该企业在当地建成的新生产线年产能",
        "七十九吨，产品出口到数十个国家和地区，",
        "年销售额达到三亿元，带动当地就业人数",
        "超过两千人，其中技术人员占比达到百分",
        "之三十，并与东部高校共建了联合研发中",
        "心两个，合作项目数量逐年增加十分明显。",
    ).replace("年产能\n七十九吨", "年产能七十\n九吨")
    norm = normalize_text(text)
    assert "年产能七十九吨" in norm


def test_seed_awkward_spots_are_repaired() -> None:
    norm = source_text(SEED_ID)
    for fragment in ["共同实施了39项鲁甘科技协作项目", "一笔近20万美元的订单", "1.1万余人才", "并聘用到7名工程博士。",
                     "十几批国外客户", "等七家机构", "最高可达90%", "5个拟投资项目"]:  # fmt: skip
        assert fragment in norm, fragment
    assert "近 20" not in norm and "39\n" not in norm


def test_seed_headings_are_whole_lines() -> None:
    headings = [s.heading for s in split_sections(source_text(SEED_ID))]
    assert "沪滇携手共建生物医药产业链闭环" in headings  # was broken over two lines
    assert "全要素金融服务体系 打造两大创新型金融产品" in headings
    assert "贵州积极上门“取经”" in headings
    assert "总规模50亿元已签约5个拟投资项目" in headings
    # paragraph first lines that look short are not mistaken for headings
    assert not any(h.startswith(("黔东南州政府", "为学习借鉴", "据了解")) for h in headings)


def test_unwrapped_text_keeps_its_lines() -> None:
    text = (
        "第一段：这是一个没有硬换行的段落，内容很长很长很长很长很长很长很长很长很长很长很长很长很长。\n短标题\n第二段。"
    )
    assert normalize_text(text).split("\n") == [
        "第一段：这是一个没有硬换行的段落，内容很长很长很长很长很长很长很长很长很长很长很长很长很长。",
        "短标题",
        "第二段。",
    ]


def test_fullwidth_digits_and_spaces() -> None:
    assert normalize_text("签约１２　家，增长５０％") == "签约12家，增长50%"
    assert normalize_text("通过 FDA 认证") == "通过 FDA 认证"


def test_normalize_is_idempotent_on_seed() -> None:
    once = normalize_text(SEED_RAW)
    assert normalize_text(once) == once


def test_sentences_cover_text_without_overlap() -> None:
    norm = source_text(SEED_ID)
    spans = split_sentences(norm)
    assert all(norm[s.start : s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert any(s.text.endswith("。”") for s in spans)  # a closing quote stays with its sentence


@given(st.text(alphabet=st.sampled_from(list("一二三45６7 \n\n，。万亿元项家近约超过余以上”“ABC\u3000")), max_size=300))
def test_offsets_point_back_to_raw(text: str) -> None:
    norm = normalize_with_offsets(text)
    assert len(norm.offsets) == len(norm.text)
    assert list(norm.offsets) == sorted(set(norm.offsets))  # strictly increasing
    for ch, off in zip(norm.text, norm.offsets, strict=True):
        raw = text[off]
        assert (
            ch == raw or ch in " \n" or (ch.isascii() and raw != ch)
        )  # kept, or a space/newline, or full-width → ASCII


def test_offsets_are_kept_as_runs() -> None:
    """Offsets are stored as runs (a few per line here), not one int per character."""
    raw = "\ufeff" + "甘肃签约 12 家企业。\n\n" * 5000
    norm = normalize_with_offsets(raw)
    assert isinstance(norm.offsets, OffsetMap)
    offsets = list(norm.offsets)
    assert len(offsets) == len(norm.text) and all(
        raw[o] == c or c == "\n" for o, c in zip(offsets, norm.text, strict=True)
    )
    assert int(repr(norm.offsets).split(" in ")[1].split()[0]) <= 3 * 5000
    assert norm.offsets[0] == 1 and norm.offsets[-1] == offsets[-1] and norm.offsets[5:8] == tuple(offsets[5:8])
    assert norm.offsets == tuple(offsets) and norm.offsets == normalize_with_offsets(raw).offsets
    assert "runs" in repr(norm.offsets) and norm.raw_span(2, 4) == (offsets[2], offsets[3] + 1)
    for bad in (len(offsets), -len(offsets) - 1):
        with pytest.raises(IndexError):
            norm.offsets[bad]
    assert list(normalize_with_offsets("").offsets) == []
