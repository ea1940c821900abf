"""Generate a deterministic Chinese news-like corpus for the extraction benchmarks.

Every sentence template below was written for this benchmark (no text is
copied from any source). Paragraphs mix quantities (money, counts, people,
percentages, percentage points, basis points, ranges, vague numbers such as
十几/数百, qualifiers 约/近/超过/余/以上/最高/不到 …) with things that are *not*
quantities (dates such as 2024年3月, year spans 2021—2025年, ordinals 第二届/首批,
codes 5G/G20/颜料红254, the article 一批) and plain sentences.

Outputs (in ``out_dir``):

* ``corpus.txt``          one paragraph or heading per line (``\\n``-separated)
* ``corpus_wrapped.txt``  the same text hard-wrapped like PDF extraction: lines of
                          display width 18 (a CJK character counts 1, an ASCII
                          character 0.5, as in a typeset column), paragraphs
                          indented with two ideographic spaces
* ``truth.jsonl``         per line of ``corpus.txt``: the quantities inserted, as
                          ``[start, end, raw, value, unit, qualifier]``
* ``money.tsv``           money expressions with expected value, currency,
                          qualifier and form (for the JioNLP comparison)
* ``manifest.json``       sizes, seed, counts

Library use::

    from make_corpus import make_corpus, random_quantity
    paths = make_corpus(tmpdir)          # ≥10 MB by default

CLI::

    python bench/make_corpus.py --out /tmp/corpus [--mb 10.5] [--seed 20240326]

The expected values follow the quantity contract of ``shared/design.md``: a
range's value is its midpoint, 几/数 stand for 1–9 (十几 = 11–19, 数百 = 100–900).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CorpusPaths",
    "Expected",
    "cn_numeral",
    "generate_lines",
    "make_corpus",
    "money_expressions",
    "random_quantity",
    "wrap_line",
]

DEFAULT_SEED = 20240326
DEFAULT_BYTES = 10_500_000
WRAP_WIDTH = 18.0


@dataclass(frozen=True)
class Expected:
    """What ``parse_quantity`` should return for a generated expression (contract)."""

    value: float
    unit: str
    qualifier: str
    low: float | None
    high: float | None


# ------------------------------------------------------------------ numerals

_CN_DIGITS = "零一二三四五六七八九"
_FULLWIDTH = str.maketrans({str(i): chr(0xFF10 + i) for i in range(10)} | {"%": "％", ".": "．"})


def _below_10k(n: int) -> str:
    out, zero, started = [], False, False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit % 10
        if d == 0:
            zero = zero or started
        else:
            if zero:
                out.append("零")
                zero = False
            out.append(_CN_DIGITS[d] + name)
            started = True
    return "".join(out)


def cn_numeral(n: int, *, liang: bool = False) -> str:
    """Write ``0 <= n < 10**8`` in Chinese numerals (三千零五, 一万一千, 十五).

    With ``liang``, a leading 2 is written 两 (两批, 两千, 两万).
    """
    if not 0 <= n < 10**8:
        raise ValueError(n)
    if n == 0:
        return "零"
    wan, rest = divmod(n, 10_000)
    if wan:
        s = _below_10k(wan) + "万"
        if rest:
            s += ("零" if rest < 1000 else "") + _below_10k(rest)
    else:
        s = _below_10k(rest)
    if s.startswith("一十"):
        s = s[1:]
    if liang and s.startswith("二") and not s.startswith("二十"):
        s = "两" + s[1:]
    return s


def _loguniform_int(rng: random.Random, lo: int, hi: int) -> int:
    return max(lo, min(hi, int(math.exp(rng.uniform(math.log(lo), math.log(hi + 1))))))


def _thousands(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


# ------------------------------------------------------------------ quantities

PREFIXES = {
    "约": "approx", "大约": "approx",
    "近": "nearly", "将近": "nearly", "接近": "nearly",
    "超过": "over", "逾": "over", "至少": "over", "不少于": "over",
    "最高": "up_to", "最多": "up_to", "最高可达": "up_to", "不超过": "up_to", "不到": "up_to", "不足": "up_to",
    "达": "exact", "共计": "exact",
}  # fmt: skip
SUFFIXES = {"左右": "approx", "上下": "approx", "以上": "over", "以内": "up_to"}
INFIXES = {"余": "over", "多": "over"}
CURRENCIES = {"元": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR", "港元": "HKD", "日元": "JPY", "英镑": "GBP"}
COUNT_UNITS = (
    "项", "家", "名", "人", "个", "批", "人次", "期", "场", "亩", "吨", "件", "台", "套", "所",
    "户", "款", "种", "条", "座", "位", "支",
)  # fmt: skip
TIME_UNITS = ("年", "天", "个月")
RANGE_SEPS = ("至", "到", "-", "~", "～", "—")
_SCALES = (("万", 1e4), ("亿", 1e8), ("千", 1e3), ("百万", 1e6), ("千万", 1e7), ("万亿", 1e12))
_VAGUE = (  # text, low, high
    ("十几", 11, 19), ("几十", 10, 90), ("数十", 10, 90), ("数百", 100, 900), ("几百", 100, 900),
    ("几千", 1000, 9000), ("十几万", 110_000, 190_000), ("几十万", 100_000, 900_000),
    ("数百万", 1_000_000, 9_000_000), ("数千", 1000, 9000),
)  # fmt: skip


def _number(rng: random.Random, form: str, *, money: bool) -> tuple[str, float, bool]:
    """A single number: (text, value, takes_infix) — takes_infix: 余/多 may follow it."""
    if form == "int":
        n = _loguniform_int(rng, 2, 99_999)
        return str(n), float(n), n % 10 == 0
    if form == "sep":
        n = _loguniform_int(rng, 1000, 99_999_999)
        return _thousands(n, rng.choice(",，")), float(n), n % 10 == 0
    if form == "fullwidth":
        n = _loguniform_int(rng, 2, 9999)
        return str(n).translate(_FULLWIDTH), float(n), False
    if form == "dec_scale":
        scale, mult = rng.choice((("万", 1e4), ("亿", 1e8))) if money else ("万", 1e4)
        whole = _loguniform_int(rng, 1, 999 if scale == "万" else 99)
        frac = str(rng.randint(1, 9)) if rng.random() < 0.6 else f"{rng.randint(0, 9)}{rng.randint(1, 9)}"
        txt = f"{whole}.{frac}"
        return txt + scale, float(txt) * mult, True
    if form == "int_scale":
        scale, mult = rng.choice(_SCALES if money else _SCALES[:3])
        top = {"万": 9999, "亿": 999, "千": 9, "百万": 9, "千万": 9, "万亿": 20}[scale]
        n = _loguniform_int(rng, 1 if top < 100 else 2, top)
        return f"{n}{scale}", n * mult, True
    if form == "cn":
        n = _loguniform_int(rng, 2, 99_999)
        if rng.random() < 0.3:
            n = rng.randint(2, 99)
        return cn_numeral(n, liang=True), float(n), n % 10 == 0 and n >= 10
    if form == "cn_scale":
        scale, mult = rng.choice((("万", 1e4), ("亿", 1e8)))
        n = rng.randint(2, 999)
        return cn_numeral(n, liang=True) + scale, n * mult, True
    raise ValueError(form)


NUMBER_FORMS = ("int", "sep", "fullwidth", "dec_scale", "int_scale", "cn", "cn_scale")


def _qualify(rng: random.Random, num: str, value: float, unit_txt: str, unit: str, infix_ok: bool) -> tuple[str, str]:
    """Attach at most one qualifier; return (text, qualifier)."""
    r = rng.random()
    if r < 0.45:
        return num + unit_txt, "exact"
    if r < 0.75:
        p = rng.choice(list(PREFIXES))
        return p + num + unit_txt, PREFIXES[p]
    if r < 0.85 and infix_ok and unit not in ("percent", "pp", "bp"):
        i = rng.choice(list(INFIXES))
        return num + i + unit_txt, INFIXES[i]
    s = rng.choice(list(SUFFIXES))
    return num + unit_txt + s, SUFFIXES[s]


def _bounds(value: float, qualifier: str) -> tuple[float | None, float | None]:
    low = value if qualifier in ("exact", "over") else None
    high = value if qualifier in ("exact", "nearly", "up_to") else None
    return low, high


def _unit_for(rng: random.Random, kind: str, count_unit: str | None = None) -> tuple[str, str]:
    """(unit as written, contract unit)."""
    if kind == "money":
        txt = rng.choices(list(CURRENCIES), (50, 5, 15, 8, 8, 7, 7))[0]
        return txt, CURRENCIES[txt]
    if kind == "percent":
        return "%", "percent"
    if kind == "pp":
        return rng.choice(("个百分点", "个百分点", "百分点")), "pp"
    if kind == "bp":
        return rng.choice(("个基点", "基点")), "bp"
    u = count_unit or rng.choice(COUNT_UNITS)
    return u, u


def _range(rng: random.Random, kind: str, unit_txt: str, unit: str) -> tuple[str, Expected, str]:
    style = rng.choice(("ar", "ar_shared_scale", "ar_both_scale", "cn", "cn_shared_scale"))
    sep = rng.choice(RANGE_SEPS)
    if kind == "percent" or (kind in ("pp", "bp") and style != "cn"):
        style = "ar"
    if style == "ar":
        lo = _loguniform_int(rng, 1, 500)
        hi = lo + _loguniform_int(rng, 1, 500)
        if kind == "percent" and rng.random() < 0.5:
            return f"{lo}%{sep}{hi}%", Expected((lo + hi) / 2, unit, "range", lo, hi), "range_ar"
        return f"{lo}{sep}{hi}{unit_txt}", Expected((lo + hi) / 2, unit, "range", lo, hi), "range_ar"
    if style in ("ar_shared_scale", "ar_both_scale"):
        scale, mult = rng.choice((("万", 1e4), ("亿", 1e8)))
        lo = rng.randint(1, 50)
        hi = lo + rng.randint(1, 50)
        txt = f"{lo}{scale if style == 'ar_both_scale' else ''}{sep}{hi}{scale}{unit_txt}"
        return txt, Expected((lo + hi) / 2 * mult, unit, "range", lo * mult, hi * mult), "range_scale"
    lo = rng.randint(2, 8)
    hi = rng.randint(lo + 1, 9)
    sep = rng.choice(("至", "到"))
    if style == "cn_shared_scale":
        scale, mult = rng.choice((("万", 1e4), ("千", 1e3), ("百", 1e2)))
        txt = f"{cn_numeral(lo, liang=True)}{sep}{cn_numeral(hi)}{scale}{unit_txt}"
        return txt, Expected((lo + hi) / 2 * mult, unit, "range", lo * mult, hi * mult), "range_cn"
    txt = f"{cn_numeral(lo, liang=True)}{sep}{cn_numeral(hi)}{unit_txt}"
    return txt, Expected((lo + hi) / 2, unit, "range", lo, hi), "range_cn"


def random_quantity(
    rng: random.Random, kind: str | None = None, count_unit: str | None = None
) -> tuple[str, Expected, str]:
    """One random quantity expression with what the contract says it means.

    Args:
        rng: the seeded generator.
        kind: ``money``, ``count``, ``percent``, ``pp`` or ``bp`` (random if None).
        count_unit: for ``count``, the measure word to use (random if None).

    Returns:
        ``(text, expected, form)``; ``form`` names the number form
        (int, sep, fullwidth, dec_scale, int_scale, cn, cn_scale, vague,
        range_*, pct_cn, money_yu_scale).
    """
    if kind is None:
        kind = rng.choices(("count", "money", "percent", "pp", "bp"), (50, 30, 12, 5, 3))[0]
    if count_unit in TIME_UNITS:  # spans of time: small numbers only (2024年 would be a year)
        n = rng.randint(2, 30)
        num = str(n) if rng.random() < 0.6 else cn_numeral(n, liang=True)
        txt, qualifier = _qualify(rng, num, n, count_unit, count_unit, False)
        return txt, Expected(n, count_unit, qualifier, *_bounds(n, qualifier)), "time"
    unit_txt, unit = _unit_for(rng, kind, count_unit)
    r = rng.random()
    if r < 0.10:
        return _range(rng, kind, unit_txt, unit)
    if r < 0.16 and kind in ("count", "money"):
        txt, lo, hi = rng.choice(_VAGUE)
        if kind == "money" and hi < 1000:
            txt, lo, hi = txt + "万", lo * 1e4, hi * 1e4
        return txt + unit_txt, Expected((lo + hi) / 2, unit, "range", lo, hi), "vague"
    if kind == "percent" and r < 0.24:
        n = rng.randint(1, 99)
        txt = "百分之" + cn_numeral(n)
        if rng.random() < 0.3:
            p = rng.choice(("约", "近", "超过", "不到"))
            q = PREFIXES[p]
            lo, hi = _bounds(n, q)
            return p + txt, Expected(n, "percent", q, lo, hi), "pct_cn"
        return txt, Expected(n, "percent", "exact", n, n), "pct_cn"
    if kind == "money" and r < 0.22:
        # 20余万元 / 100多万美元: the 余/多 sits before the scale
        n = rng.choice((10, 20, 30, 50, 80, 100, 200, 300, 500))
        scale, mult = rng.choice((("万", 1e4), ("亿", 1e8)))
        txt = f"{n}{rng.choice('余多')}{scale}{unit_txt}"
        return txt, Expected(n * mult, unit, "over", n * mult, None), "money_yu_scale"
    if kind in ("percent", "pp", "bp"):
        form = rng.choice(("int", "int", "dec", "fullwidth", "cn"))
        if form == "dec":
            txt = f"{rng.uniform(0.1, 99.9):.1f}"
            num, value = txt, float(txt)
        elif form == "cn" and kind != "percent":
            n = rng.randint(2, 99)
            num, value = cn_numeral(n, liang=True), float(n)
        else:
            form = "fullwidth" if form == "fullwidth" else "int"
            n = rng.randint(1, 99 if kind != "bp" else 300)
            num, value = str(n), float(n)
            if form == "fullwidth":
                num = num.translate(_FULLWIDTH)
                unit_txt = unit_txt.translate(_FULLWIDTH)
        infix_ok = False
    else:
        form = rng.choice(NUMBER_FORMS if kind == "money" else (*NUMBER_FORMS[:4], "int_scale", "cn", "cn", "cn"))
        num, value, infix_ok = _number(rng, form, money=kind == "money")
        if form in ("int_scale", "dec_scale") and kind == "count" and count_unit is None and rng.random() < 0.7:
            unit_txt, unit = rng.choice((("人", "人"), ("人次", "人次"), ("吨", "吨"), ("亩", "亩"), ("户", "户")))
    txt, qualifier = _qualify(rng, num, value, unit_txt, unit, infix_ok)
    lo, hi = _bounds(value, qualifier)
    return txt, Expected(value, unit, qualifier, lo, hi), form


def money_expressions(n: int = 3000, seed: int = DEFAULT_SEED + 1) -> list[tuple[str, Expected, str]]:
    """``n`` distinct money expressions with their expected readings."""
    rng = random.Random(seed)
    seen: dict[str, tuple[str, Expected, str]] = {}
    while len(seen) < n:
        txt, exp, form = random_quantity(rng, "money")
        seen.setdefault(txt, (txt, exp, form))
    return list(seen.values())


# ------------------------------------------------------------------ templates

EAST = ("北京", "天津", "上海", "江苏", "浙江", "福建", "山东", "广东")
WEST = ("内蒙古", "甘肃", "云南", "陕西", "青海", "四川", "宁夏", "重庆", "广西", "贵州")
PAIR_ABBR = ("鲁甘", "沪滇", "闽宁", "粤桂", "浙川", "苏陕", "京蒙", "津甘", "粤黔", "苏青")
CITIES = (
    "定西", "临夏", "固原", "吴忠", "保山", "大理", "遵义", "毕节", "百色", "河池", "延安", "汉中",
    "西宁", "海东", "广元", "昭通", "陇南", "天水", "中卫", "铜仁", "安顺", "榆林", "凉山", "赤峰",
)  # fmt: skip
ORGS = (
    "{E}农业大学", "{W}省农业科学院", "{city}高新区管委会", "{P}科技协作中心", "{E}某新材料公司",
    "{W}中医药研究院", "{P}联合创新研究院", "{city}现代农业产业园", "{E}理工大学", "{W}林业科学研究所",
)  # fmt: skip
CODES = ("5G", "G20", "颜料红254", "PM2.5", "ISO9001", "4K", "CR929", "IPv6", "3D打印", "北斗")
TOPICS = ("种业振兴", "数字乡村", "道地药材", "盐碱地改良", "新能源装备", "冷链物流", "智慧牧场", "特色果蔬")
ORDINALS = ("第二届", "第三届", "第五届", "第十二届", "首届", "第四次", "第十五次", "首批", "第二批", "第3期", "第10期")

SENTENCES = (
    "{date}，{P}两地科技部门在{city}联合召开{ord}东西部科技协作推进会，现场签订合作项目{count:项}，协议金额{money}。",
    "截至{date}，{E}累计向{W}选派科技特派员{count:名}，培训基层技术人员{count:人次}，推广新品种新技术{count:项}。",
    "{city}依托{org}建设的科创飞地已入驻企业{count:家}，其中高新技术企业{count:家}，{year}实现产值{money}，同比增长{pct}。",
    "在{ord}{P}科技成果对接会上，双方发布技术需求{count:条}，达成合作意向{count:个}，意向投资额{money}。",
    "{org}与{city}的企业共建联合实验室{count:个}，围绕{code}相关技术开展联合攻关，研发投入{money}。",
    "据统计，协作项目带动当地农户增收{pct}，户均增收{money}，吸纳就业{count:人}。",
    "今年以来，两省共同举办技术培训班{count:期}，参训人员{count:人次}，发放技术资料{count:份}。",
    "{E}援建的{city}智慧农业示范园占地{count:亩}，引进新品种{count:个}，亩均效益提高{pct}。",
    "{W}借助{E}的资金和技术，在{city}建成{code}应用场景{count:个}，覆盖行政村{count:个}。",
    "受益于协作贷款贴息政策，园区企业贷款利率较上年下降{pp}，平均融资成本降低{bp}。",
    "双方约定在未来{count:年}内共同建设研发平台，并每年互派青年科研人员{count:名}挂职交流。",
    "{date}，{org}的专家团队赴{city}开展技术指导，走访合作社{count:家}，现场解决技术难题{count:个}。",
    "{P}科技协作基金首期规模为{money}，重点支持{topic}等领域的中试项目{count:项}。",
    "该园区于{date}投入运营，目前已有{count:家}企业签约入驻，{ord}项目预计{date}竣工。",
    "项目编号为{code}-{year4}-{n3}，总投资{money}，建设周期{count:个月}。",
    "通过“飞地经济”模式，{city}引进{E}企业{count:家}，到位资金{money}，占全市招商引资总额的{pct}。",
    "{W}的特色农产品通过{E}电商平台实现销售额{money}，较上年增长{pct}。",
    "全年共争取中央和省级财政资金{money}，撬动社会资本{money}投入{topic}产业。",
    "活动期间，{W}的{count:所}高校与{E}的{count:所}科研院所签署了人才联合培养协议。",
    "{city}的{code}产品生产线年产能{count:吨}，产品出口{count:个}国家和地区。",
    "当天，{count:名}专家学者围绕{topic}作了主题报告，线上观看{count:人次}。",
    "{year_span}，{P}计划联合实施重点研发项目{count:项}，引导企业研发投入{money}。",
    "该企业的订单金额{money}，比协作前增加{pct}，带动周边{count:户}农户种植。",
    "{org}在{city}推广节水灌溉技术{count:亩}，每亩节水{count:吨}。",
    "一年来，双方培育了一批科技型中小企业，{city}新增专利授权{count:件}。",
    "{city}农产品检测中心新购置检测设备{count:台}，检测周期由{count:天}缩短到{count:天}。",
    "{P}协作示范县的{topic}产业链覆盖农户{count:户}，带动{count:人}稳定就业。",
    "双方表示，将继续深化产业协作，推动创新资源、人才和资本向西部地区流动。",
    "会议强调，要把科技协作作为东西部协作的重要内容，持续完善利益联结机制。",
    "{W}相关负责人介绍，东部地区的先进管理经验为当地企业带来了新的发展思路。",
    "与会代表实地考察了{city}的科技示范基地，并就下一步合作进行了深入交流。",
    "从实验室到田间地头，一项项科技成果正在西部大地落地生根。",
    "{E}的一家企业负责人说：“{city}的原料品质好，我们愿意把研发中心也放在这里。”",
    "{date}，{city}举行{ord}科技特派员工作总结会，表彰先进集体和个人。",
)
HEADINGS = (
    "{num}、科技特派员服务覆盖面持续扩大",
    "{num}、科创飞地建设取得新进展",
    "{num}、产业协作带动群众增收",
    "{num}、人才交流合作不断深化",
    "（{num}）{topic}协作成效明显",
    "{P}科技协作纪实",
)
_HEADING_NUMS = ("一", "二", "三", "四", "五", "六")
_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")


def _date(rng: random.Random) -> str:
    y = rng.randint(2019, 2025)
    m = rng.randint(1, 12)
    style = rng.random()
    if style < 0.4:
        return f"{y}年{m}月"
    if style < 0.8:
        return f"{y}年{m}月{rng.randint(1, 28)}日"
    if style < 0.9:
        return f"{m}月{rng.randint(1, 28)}日"
    return f"{y}年{m}月上旬"


def _fill(template: str, rng: random.Random, ctx: dict[str, str]) -> tuple[str, list[list]]:
    """Fill one template; return the text and its quantities [start, end, raw, value, unit, qualifier]."""
    out: list[str] = []
    truth: list[list] = []
    pos = 0
    length = 0
    for m in _SLOT.finditer(template):
        lit = template[pos : m.start()]
        out.append(lit)
        length += len(lit)
        pos = m.end()
        name, arg = m.group(1), m.group(2)
        if name in ("count", "money", "pct", "pp", "bp"):
            kind = {"pct": "percent"}.get(name, name)
            txt, exp, _ = random_quantity(rng, kind, arg)
            while txt.startswith("一") and exp.qualifier == "exact" and txt[1:2] in COUNT_UNITS:
                txt, exp, _ = random_quantity(rng, kind, arg)  # 一家 is an article in running text
            truth.append([length, length + len(txt), txt, exp.value, exp.unit, exp.qualifier])
        elif name == "org":
            txt = rng.choice(ORGS).format(**ctx)
        elif name in ctx:
            txt = ctx[name]
        elif name == "date":
            txt = _date(rng)
        elif name == "year":
            txt = f"{rng.randint(2019, 2025)}年"
        elif name == "year4":
            txt = str(rng.randint(2019, 2025))
        elif name == "year_span":
            a = rng.randint(2016, 2023)
            txt = f"{a}—{a + rng.choice((2, 3, 5))}年"
        elif name == "n3":
            txt = f"{rng.randint(1, 999):03d}"
        elif name == "ord":
            txt = rng.choice(ORDINALS)
        elif name == "code":
            txt = rng.choice(CODES)
        elif name == "topic":
            txt = rng.choice(TOPICS)
        elif name == "num":
            txt = rng.choice(_HEADING_NUMS)
        else:
            raise KeyError(name)
        out.append(txt)
        length += len(txt)
    out.append(template[pos:])
    return "".join(out), truth


def _context(rng: random.Random) -> dict[str, str]:
    i = rng.randrange(len(PAIR_ABBR))
    return {
        "E": rng.choice(EAST),
        "W": rng.choice(WEST),
        "P": PAIR_ABBR[i],
        "city": rng.choice(CITIES),
        "topic": rng.choice(TOPICS),
    }


def generate_lines(target_bytes: int = DEFAULT_BYTES, seed: int = DEFAULT_SEED) -> tuple[list[str], list[list]]:
    """Paragraph and heading lines (≥ ``target_bytes`` UTF-8 bytes joined) with their truth."""
    rng = random.Random(seed)
    lines: list[str] = []
    truths: list[list] = []
    total = 0
    while total < target_bytes:
        ctx = _context(rng)
        if rng.random() < 0.08:
            head, _ = _fill(rng.choice(HEADINGS), rng, ctx)
            lines.append(head)
            truths.append([])
            total += len(head.encode()) + 1
        parts: list[str] = []
        truth: list[list] = []
        offset = 0
        for _ in range(rng.randint(3, 7)):
            sent, t = _fill(rng.choice(SENTENCES), rng, ctx)
            truth.extend([[s + offset, e + offset, *rest] for s, e, *rest in t])
            parts.append(sent)
            offset += len(sent)
        para = "".join(parts)
        lines.append(para)
        truths.append(truth)
        total += len(para.encode()) + 1
    return lines, truths


def _w(ch: str) -> float:
    return 0.5 if ord(ch) < 0x80 else 1.0


def wrap_line(line: str, width: float = WRAP_WIDTH, indent: str = "\u3000\u3000") -> str:
    """Hard-wrap one paragraph like a PDF column of ``width`` (CJK 1, ASCII 0.5).

    Paragraphs (lines ending in sentence punctuation) get ``indent`` on their
    first line; headings are left unindented.
    """
    is_para = line[-1:] in "。！？”"
    text = (indent if is_para else "") + line
    out: list[str] = []
    cur: list[str] = []
    w = 0.0
    for ch in text:
        cw = _w(ch)
        if w + cw > width and cur:
            out.append("".join(cur))
            cur, w = [], 0.0
        cur.append(ch)
        w += cw
    if cur:
        out.append("".join(cur))
    return "\n".join(out)


@dataclass(frozen=True)
class CorpusPaths:
    corpus: Path
    wrapped: Path
    truth: Path
    money: Path
    manifest: Path


def make_corpus(out_dir: str | Path, target_bytes: int = DEFAULT_BYTES, seed: int = DEFAULT_SEED) -> CorpusPaths:
    """Write the corpus files into ``out_dir`` (created) and return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines, truths = generate_lines(target_bytes, seed)
    paths = CorpusPaths(
        out / "corpus.txt", out / "corpus_wrapped.txt", out / "truth.jsonl", out / "money.tsv", out / "manifest.json"
    )
    flat = "\n".join(lines) + "\n"
    wrapped = "\n".join(wrap_line(ln) for ln in lines) + "\n"
    paths.corpus.write_text(flat, encoding="utf-8")
    paths.wrapped.write_text(wrapped, encoding="utf-8")
    with paths.truth.open("w", encoding="utf-8") as fh:
        for t in truths:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")
    money = money_expressions()
    with paths.money.open("w", encoding="utf-8") as fh:
        fh.write("expr\tvalue\tcurrency\tqualifier\tform\n")
        for txt, exp, form in money:
            fh.write(f"{txt}\t{exp.value!r}\t{exp.unit}\t{exp.qualifier}\t{form}\n")
    manifest = {
        "seed": seed,
        "lines": len(lines),
        "quantities_inserted": sum(len(t) for t in truths),
        "corpus_bytes": len(flat.encode()),
        "wrapped_bytes": len(wrapped.encode()),
        "money_expressions": len(money),
        "wrap_width": WRAP_WIDTH,
    }
    paths.manifest.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--mb", type=float, default=DEFAULT_BYTES / 1e6, help="corpus size in MB (UTF-8), default 10.5")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    paths = make_corpus(args.out, int(args.mb * 1e6), args.seed)
    print(paths.manifest.read_text(encoding="utf-8"))
    for f in (paths.corpus, paths.wrapped, paths.truth, paths.money):
        print(f"{f}  {f.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
