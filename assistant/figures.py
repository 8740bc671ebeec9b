"""Figures in Chinese text: find them with their unit and qualifier, normalise their value.

"1.54万人次" → 15400 人次; "80.7亿元" → 8.07e9 元; "三千" → 3000; "近600人" keeps 近.
"""

from __future__ import annotations

import re

from .schema import Figure

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"

UNIT_KINDS: dict[str, str] = {}
for _kind, _units in {
    "money": "元 美元",
    "people": "人次 人 名 位",
    "percent": "% ‰ 个百分点",
    "duration": "个月 小时 分钟 年 天 周",
    "measure": "平方公里 平方米 立方米 千瓦时 公顷 公里 千米 厘米 毫米 米 公斤 千克 吨 克 亩 千瓦 兆瓦 级 倍 度 点",
    "count": "场次 罐 对 个 家 项 场 次 所 户 条 种 批 份 件 套 台 辆 头 只 座 间 支 届 期 篇 处 类 组 张 本 棵 株 枚 句 篇 轮 站 村 县 省",
}.items():
    for _u in _units.split():
        UNIT_KINDS[_u] = _kind
UNIT_PATTERN = "|".join(sorted(map(re.escape, UNIT_KINDS), key=len, reverse=True))  # any printed unit, longest first

# people counted by what they are rather than by 人/名 ("10万职工", "多少农民"): a headcount
PEOPLE_NOUNS = "职工|员工|工人|农民|居民|市民|村民|学生|干部|群众|官兵"
PRE_QUALIFIERS = ("将近", "超过", "多达", "高达", "不足", "不到", "近", "约", "超", "逾", "仅", "共", "累计")
# Only qualifiers that change what the figure claims are kept in Figure.qualifier.
_MEANINGFUL_PRE = {"将近": "近", "近": "近", "约": "约", "超过": "超", "超": "超", "逾": "超", "不足": "不足", "不到": "不足"}
_PRE = "|".join(map(re.escape, PRE_QUALIFIERS))

_FIGURE = re.compile(
    rf"(?P<pre>{_PRE})?"
    rf"(?P<num>\d+(?:[.,]\d+)*|[{CN_NUMERAL}]+)"
    r"(?P<mid>[余多](?=[万亿]))?"  # "13余万人": more than 130,000
    r"(?P<mag>(?:[十百千万亿](?!瓦))*)"  # 千瓦 is a unit, not a thousand
    rf"(?P<suf>余|多|来(?={UNIT_PATTERN}))?"  # "30来个": about thirty
    rf"(?P<unit>{UNIT_PATTERN}|％)?"
    # "还低0.1元多。": more than, after the unit, where the clause ends
    r"(?P<post>以上|以下|左右|余|多(?=[，,。；;、）)]|$))?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
# the part of a month a date names ("7月底", "1997年11月末"): part of the date, as the page prints it
_PART_OF_MONTH = r"(?:底|末|初|上旬|中旬|下旬)"
_DATE = re.compile(rf"(?P<y>(?:19|20)\d{{2}})年(?:(?P<m>1[0-2]|0?[1-9])月(?:(?P<d>[12]\d|3[01]|0?[1-9])日|{_PART_OF_MONTH})?)?"
                   # a span of days, one date ("1月16日至18日", "16日至18日举行"): its first day counts
                   rf"|(?:(?P<m4>1[0-2]|0?[1-9])月)?(?P<d4>{_DAY})日?[至到—－~～](?:(?:1[0-2]|0?[1-9])月)?{_DAY}日"
                   r"|(?P<m2>1[0-2]|0?[1-9])月(?P<d2>[12]\d|3[01]|0?[1-9])日"
                   # a month on its own ("11月份", "11月末"): a time, not a count
                   rf"|(?P<m3>1[0-2]|0?[1-9])月(?:{_PART_OF_MONTH}|(?=份|起|以来))")


def chinese_to_number(text: str) -> float | None:
    """三千 → 3000, 两万 → 20000, 十一 → 11, 一百零五 → 105, 1.54万 → 15400."""
    if not text:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([十百千万亿]*)", text.replace(",", ""))
    if m:
        value = float(m.group(1))
        for ch in m.group(2):
            value *= _SMALL.get(ch, 1) * _LARGE.get(ch, 1)
        return value
    if any(ch not in CN_NUMERAL for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0 and total == 0:
                return None
            total = (total + section) * _LARGE[ch]
            section, digit = 0, None
    if len(text) > 1 and all(c in _DIGITS for c in text):  # 二〇二五 reads digit by digit
        return float("".join(str(_DIGITS[c]) for c in text))
    return float(total + section + (digit or 0))


_ORDINAL = re.compile(rf"第(?P<num>\d+|[{CN_NUMERAL}]+)(?P<unit>位|名|号|大|次|届|批|期|轮|个|季度)?")


def find_ordinals(text: str) -> list[Figure]:
    """Ranks and serial numbers as printed ("第八名", "第５９号", "第三"): answers to 第几, never
    amounts (find_figures leaves them out)."""
    out = []
    for m in _ORDINAL.finditer(text):
        num = m.group("num")
        value = float(num) if num.isdigit() else chinese_to_number(num)
        if value is not None:
            out.append(Figure(m.group(0), value, m.group("unit") or "", "ordinal", "", m.start(), m.end()))
    return out


def find_figures(text: str, *, bare_numerals: bool = False) -> list[Figure]:
    """Every figure in `text`, in order: dates, amounts, counts and measures.

    Chinese numerals count only with a unit ("三年", not "一路") unless `bare_numerals`.
    """
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for m in _DATE.finditer(text):
        y, mo = m.group("y"), m.group("m") or m.group("m2") or m.group("m3") or m.group("m4")
        d = m.group("d") or m.group("d2") or m.group("d4")
        value = float(f"{int(y or 0):04d}{int(mo or 0):02d}{int(d or 0):02d}")
        figures.append(Figure(m.group(0), value, "日期", "date", "", m.start(), m.end()))
        taken.append(m.span())
    for m in _FIGURE.finditer(text):
        if any(s <= m.start("num") < e for s, e in taken):
            continue
        figure = _figure_from_match(text, m, bare_numerals)
        if figure is not None:
            figures.append(figure)
    return _join_ranges(text, sorted(figures, key=lambda f: f.start))


_RANGE_LINK = "至到—－~～"
RANGE = "至"  # the qualifier of a range: neither end alone is what the page states


def _join_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """"拉动作用约为2至4个百分点" states one range, not a bare 2 and a 4个百分点: either end stated
    alone misstates it (asked how much exports grew, "2" is no answer). The range keeps the upper
    end's value and unit, and its qualifier marks it, so that no arithmetic takes it as an operand."""
    out: list[Figure] = []
    for figure in figures:
        low = out[-1] if out else None
        if (low is not None and low.kind == "number" and not low.qualifier and figure.unit and figure.kind != "date"
                and figure.start == low.end + 1 and text[low.end] in _RANGE_LINK
                and figure.text[:1].isdigit() and low.text.isdigit()):
            out[-1] = Figure(text[low.start: figure.end], figure.value, figure.unit, figure.kind,
                             RANGE + figure.qualifier, low.start, figure.end)
            continue
        out.append(figure)
    return out


def _figure_from_match(text: str, m: re.Match, bare_numerals: bool) -> Figure | None:
    num, mag, unit = m.group("num"), m.group("mag"), m.group("unit") or ""
    if unit == "％":
        unit = "%"
    chinese = not num[0].isdigit()
    if chinese:
        # Chinese numerals only count when they measure something ("三年", "两万人"), never
        # in words like "一路" or ordinals like "第十一批".
        if (not unit and not bare_numerals) or (num == "一" and not mag and not bare_numerals) or text[m.start("num") - 1: m.start("num")] == "第":
            return None
        if unit in ("年",) and m.start("num") > 0 and text[m.start("num") - 1] in "今去明前后":
            return None
        if unit == "点":  # an index is printed in digits ("97.47点"); "三点意见" counts remarks
            return None
        if not bare_numerals and not m.group("pre") and all(ch in "百千万亿" for ch in num + mag):
            return None  # "全国千万吨局", "万元户": a class named by its size, no amount ("近千家" is one)
    elif text[m.start("num") - 1: m.start("num")] == "第":
        return None
    value = chinese_to_number(num.replace(",", "") + mag)
    if value is None:
        return None
    if unit == "个百分点":
        kind = "percent"
    else:
        kind = UNIT_KINDS.get(unit, "number")
    pre = m.group("pre") or ""
    qualifier = _MEANINGFUL_PRE.get(pre, "")
    for part in (m.group("mid"), m.group("suf"), m.group("post")):
        if part:
            qualifier = (qualifier + part) if qualifier else part
    start = m.start("pre") if pre in _MEANINGFUL_PRE else m.start("num")
    figure_text = text[start: m.end()]
    return Figure(figure_text, value, unit, kind, qualifier, start, start + len(figure_text))


def parse_figure(text: str) -> Figure | None:
    """The single figure a short string states ("1.54万人次", "80.7亿", "近600人")."""
    found = find_figures(text.strip(), bare_numerals=True)
    return found[0] if found else None




def same_value(a: Figure, b: Figure, *, rel: float = 1e-9) -> bool:
    return abs(a.value - b.value) <= rel * max(abs(a.value), abs(b.value), 1.0)


_EQUIVALENT_UNITS = {"名": "人", "位": "人", "％": "%"}


def counted_unit(unit: str) -> str:
    """名 and 位 count people as 人 does: one unit for telling answers apart and checking agreement."""
    return _EQUIVALENT_UNITS.get(unit, unit)


def same_figure(expected: Figure, got: Figure) -> bool:
    """Value and unit agree after normalisation; a printed qualifier (近, 余, 以上) must be kept."""
    if not same_value(expected, got):
        return False
    eu, gu = counted_unit(expected.unit), counted_unit(got.unit)
    if eu and gu and eu != gu:
        return False
    return qualifier_class(expected.qualifier) == qualifier_class(got.qualifier)


def qualifier_class(qualifier: str) -> str:
    """近/约 are "about"; 余/多/以上/超 are "more than"; 不足/以下 are "less than"."""
    if not qualifier:
        return ""
    if qualifier.startswith(RANGE):
        return "range"
    if qualifier[0] in "近约" or qualifier == "左右":
        return "about"
    if qualifier.startswith("不足") or qualifier == "以下":
        return "under"
    return "over"
