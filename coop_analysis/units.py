"""The words around a number: units, currencies and qualifier markers (data only).

Used by :mod:`coop_analysis.quantities`; documented in the README ("Quantities").
"""

from __future__ import annotations

__all__ = [
    "AMBIGUOUS_CURRENCIES",
    "COMPOUND_UNITS",
    "COUNT_WORDS",
    "CURRENCIES",
    "CURRENCY_SYMBOLS",
    "IDIOMS",
    "MEASURE_WORDS",
    "NOT_A_UNIT_BEFORE",
    "PREFIX_QUALIFIER",
    "SPECIAL_UNITS",
    "SUFFIX_QUALIFIER",
    "TRADITIONAL",
]

#: Currency words (after or before the number) to ISO 4217, with the factor of a
#: sub-unit (角 = 0.1 元). 元 alone is the renminbi; after another currency word
#: (港币5亿元) it is that currency's unit. 角/毛/分 alone are read only after
#: financial numerals (伍角) or with a further sub-unit (三角五分, 九毛九): 长三角,
#: 五角星 and 95分 are not money.
CURRENCIES: dict[str, tuple[str, float]] = {
    "元": ("CNY", 1.0), "人民币": ("CNY", 1.0), "人民币元": ("CNY", 1.0), "块钱": ("CNY", 1.0),
    "角钱": ("CNY", 0.1), "毛钱": ("CNY", 0.1), "分钱": ("CNY", 0.01), "角": ("CNY", 0.1), "毛": ("CNY", 0.1), "分": ("CNY", 0.01),
    "美元": ("USD", 1.0), "美金": ("USD", 1.0), "美分": ("USD", 0.01),
    "欧元": ("EUR", 1.0), "英镑": ("GBP", 1.0), "日元": ("JPY", 1.0),
    "港元": ("HKD", 1.0), "港币": ("HKD", 1.0), "澳门元": ("MOP", 1.0), "澳门币": ("MOP", 1.0),
    "新台币": ("TWD", 1.0), "台币": ("TWD", 1.0), "韩元": ("KRW", 1.0),
    "卢布": ("RUB", 1.0), "俄罗斯卢布": ("RUB", 1.0),
    "澳元": ("AUD", 1.0), "澳币": ("AUD", 1.0), "加元": ("CAD", 1.0), "加币": ("CAD", 1.0),
    "新加坡元": ("SGD", 1.0), "新西兰元": ("NZD", 1.0), "纽元": ("NZD", 1.0),
    "瑞士法郎": ("CHF", 1.0), "泰铢": ("THB", 1.0), "印度卢比": ("INR", 1.0), "越南盾": ("VND", 1.0),
    "印尼盾": ("IDR", 1.0), "林吉特": ("MYR", 1.0), "马来西亚林吉特": ("MYR", 1.0),
    "兰特": ("ZAR", 1.0), "南非兰特": ("ZAR", 1.0), "雷亚尔": ("BRL", 1.0), "巴西雷亚尔": ("BRL", 1.0),
    "土耳其里拉": ("TRY", 1.0), "沙特里亚尔": ("SAR", 1.0), "瑞典克朗": ("SEK", 1.0),
    "挪威克朗": ("NOK", 1.0), "丹麦克朗": ("DKK", 1.0), "菲律宾比索": ("PHP", 1.0), "墨西哥比索": ("MXN", 1.0),
}  # fmt: skip
#: Currency names shared by several countries: the number is reported unparsed.
AMBIGUOUS_CURRENCIES: dict[str, str] = {
    w: f"{w} is the name of several currencies"
    for w in ("卢比", "法郎", "比索", "克朗", "第纳尔", "里亚尔", "迪拉姆", "先令", "镑")
}
#: Symbols before the number. ¥/￥ are read as renminbi (Chinese reporting writes the yen as 日元).
CURRENCY_SYMBOLS: dict[str, str] = {
    "￥": "CNY", "¥": "CNY", "$": "USD", "US$": "USD", "HK$": "HKD", "NT$": "TWD", "S$": "SGD", "A$": "AUD",
    "C$": "CAD", "NZ$": "NZD", "€": "EUR", "£": "GBP", "₩": "KRW", "₽": "RUB", "₹": "INR",
}  # fmt: skip
#: Units that are not measure words: (unit code, factor).
SPECIAL_UNITS: dict[str, tuple[str, float]] = {
    "%": ("percent", 1.0), "‰": ("percent", 0.1), "成": ("percent", 10.0),
    "个百分点": ("pp", 1.0), "百分点": ("pp", 1.0), "个基点": ("bp", 1.0), "基点": ("bp", 1.0),
}  # fmt: skip
#: Forms with 多/半 inside the measure word: (unit as written, qualifier or None, added value).
COMPOUND_UNITS: dict[str, tuple[str, str | None, float]] = {
    "个多月": ("个月", "over", 0.0), "个半月": ("个月", None, 0.5),
    "个多小时": ("个小时", "over", 0.0), "个半小时": ("个小时", None, 0.5),
}  # fmt: skip
#: Measure words and units kept as written.
MEASURE_WORDS: tuple[str, ...] = (
    # people, organisations, things counted
    "人", "名", "位", "人次", "户", "户次", "家", "家次", "所", "个", "项", "项次", "件", "批", "批次", "期", "场",
    "场次", "次", "轮", "届次", "条", "款", "种", "类", "支", "只", "篇", "份", "部", "部门", "本", "册", "张",
    "台", "套", "座", "栋", "幢", "间", "层", "辆", "架", "架次", "艘", "艘次", "车次", "班次", "列", "头",
    "棵", "株", "枚", "颗", "笔", "宗", "箱", "袋", "瓶", "块", "标准箱", "倍",
    # time
    "年", "个月", "天", "周", "周年", "周岁", "小时", "个小时", "分钟", "秒", "岁",
    # weight, length, area, volume, energy, temperature
    "吨", "千克", "公斤", "克", "斤", "公里", "千米", "米", "厘米", "毫米", "平方米", "平方公里", "平方千米",
    "公顷", "亩", "立方米", "千瓦", "千瓦时", "兆瓦", "兆瓦时", "摄氏度", "℃",
)  # fmt: skip
#: Count measure words: 一 before them alone is the indefinite article (一批, 一家).
COUNT_WORDS = frozenset(MEASURE_WORDS) - {"倍", "岁"}

#: Qualifier words before the number. 上/过/破 only before a bare 百/千/万/亿 (上千, 破亿).
PREFIX_QUALIFIER: dict[str, str] = {
    "达": "exact", "达到": "exact", "共": "exact", "共计": "exact", "共有": "exact", "合计": "exact",
    "总计": "exact", "累计": "exact", "仅": "exact", "高达": "exact", "多达": "exact",
    "约": "approx", "大约": "approx", "约为": "approx", "约合": "approx", "约有": "approx", "约占": "approx",
    "约达": "approx", "大概": "approx",
    "近": "nearly", "将近": "nearly", "接近": "nearly", "逼近": "nearly",
    "超过": "over", "超": "over", "逾": "over", "至少": "over", "不少于": "over", "不低于": "over",
    "不下": "over", "最少": "over", "高于": "over", "多于": "over", "大于": "over",
    "上": "over", "过": "over", "破": "over",
    "最高": "up_to", "最多": "up_to", "最高可达": "up_to", "最高可至": "up_to", "最高达": "up_to",
    "最多可达": "up_to", "不超过": "up_to", "不到": "up_to", "不足": "up_to", "少于": "up_to",
    "低于": "up_to", "小于": "up_to", "未满": "up_to",
}  # fmt: skip
#: Qualifier words after the unit.
SUFFIX_QUALIFIER: dict[str, str] = {
    "左右": "approx", "上下": "approx", "以上": "over", "开外": "over", "出头": "over", "有余": "over",
    "以内": "up_to", "之内": "up_to", "以下": "up_to",
}  # fmt: skip

#: A measure word followed by one of these starts another word (2万台湾青年, 80年代,
#: 十一期间, 城乡二元结构): not a quantity.
NOT_A_UNIT_BEFORE: dict[str, tuple[str, ...]] = {
    "台": tuple("湾商胞资企籍北南中州风阶词"),
    "元": tuple("素旦宵老首件器宇化论结组气帅凶"),
    "年": tuple("代级龄鉴轮华货"),
    "期": tuple("间限货权刊末初中待望盼工项建扩满内"),
    "名": tuple("单称额义录牌片字校次"),
    "天": tuple("然津下空地气使花价堂府眼线文才赋生性真"),
    "次": tuple("日数要序生级贷品"),
    "户": tuple("籍口外型主均"),
    "所": tuple("有以在得谓属长需处"),
    "支": tuple("持付出撑援部柱队线"),
    "只": tuple("有是要能会需用"),
    "种": tuple("植子养业苗质源草族地田粮"),
    "条": tuple("件例款约形幅"),
    "套": tuple("餐装利路"),
    "座": tuple("谈位右"),
    "层": tuple("次面级出"),
    "间": tuple("接隔距断歇"),
    "张": tuple("家力贴扬"),
    "头": tuple("部条脑等号"),
    "颗": ("粒",),
    "笔": tuple("记者试画"),
    "轮": tuple("胎船换值回流廓"),
    "批": tuple("准评示复发"),
    "周": tuple("边期围末转岁知到密全"),
    "米": tuple("饭粉面粒酒"),
    "克": tuple("服隆拉"),
    "场": tuple("景所地馆合面站"),
    "瓶": ("颈",),
    "架": tuple("构设"),
    "枚": ("举",),
    "宗": tuple("旨教族师"),
    "册": ("子",),
    "部": tuple("署长委属"),
    "类": ("似",),
    "款": tuple("项式待"),
    "位": tuple("于置数居次"),
    "成": ("不变",),
    "块": tuple("状头"),
}
#: Idioms holding numerals that are not quantities.
IDIOMS: tuple[str, ...] = (
    "三番五次", "三天两头", "一五一十", "三三两两", "三年五载", "一年半载", "三年两载", "十年九不遇",
    "百年大计", "一成不变", "成千上万", "成百上千", "十万火急", "三令五申", "三五成群", "三天打鱼两天晒网",
    "一石二鸟", "一日三餐", "一年四季", "千家万户", "半斤八两", "九牛一毛", "十年树木", "百年树人",
)  # fmt: skip

#: Traditional forms of the characters numbers, units and markers use, mapped one
#: for one to simplified ones (offsets do not move); 圆 is the 元 of cheques.
TRADITIONAL = str.maketrans(
    dict(
        zip(
            "萬億兩個項場條臺種類隻輛約餘幾數達過將計內點幣歐圓圆噸畝筆貳參陸簽韓盧鎊灣負釐車戶間層棟張顆頭僅總來時鐘週歲攝門塊錢際",
            "万亿两个项场条台种类只辆约余几数达过将计内点币欧元元吨亩笔贰叁陆签韩卢镑湾负厘车户间层栋张颗头仅总来时钟周岁摄门块钱际",
            strict=True,
        )
    )
)
