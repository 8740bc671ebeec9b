"""What news prose prints beside a figure, read as evidence of what the figure is.

"3.2万多名干部": the words between a figure and its neighbours say what it counts. "从55万人减至28万人":
the start of a change is the old level. "1996年，…54亿元": the last year printed before a figure is
its time. "A和B分别增长4%和5%": the k-th figure after 分别 belongs to the k-th subject. "比上年增长
12%": a change, not a level. Both readers use it: the rule scorer weighs it with weights chosen on dev
(bench/tune_rule_weights.py), the fitted reader takes it as features.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import jieba.posseg

from .figures import find_figures
from .question import Question
from .schema import Figure, Paragraph
from .text import clauses, longest_common, segmented

_LEFT_STOP = re.compile(r"[。；;！？：:]")
_RIGHT_STOP = re.compile(r"[。；;！？，,、：:]")
_CLAUSE_STOP = re.compile(r"[，,；;。：:]")
RANGE_TO = re.compile(r"^(的)?(上升|提高|增加|增长|减少|下降|降低|扩大|发展|压缩|缩小|减|降|增|升)?(到|至|为)")
# "定编前有多少人", "改革前是多少": the level before what was done
_ASKS_BEFORE = re.compile(r"原来|原先|原有|以前|过去|起初|当初|最初|之前|当时|从|由|(?<=[\u4e00-\u9fff])(?<![年月春节])前(?=有|是|为|的)")
YEAR = re.compile(r"((?:19|20)\d{2})年")
# 增加值 (value added) is a quantity, not a change
_CHANGE_WORD = re.compile(r"增长|增加(?!值)|提高|提升|下降|减少|降低|上升|上涨|回升|回落|下跌|增产|减产|增幅|降幅|增速|多了|少了"
                          r"|[多高]出|(?!增加值)[增减降涨跌]")
ASKS_CHANGE = re.compile(r"增长|增加(?!值)|提高|提升|下降|减少|降低|上升|上涨|增产|减产|增幅|降幅|增速|[涨跌]|变[大小多少高低]"
                         r"|多了|少了|比(?![重例率值])[^，？]*[多少高低]"  # 比重/比例 is a share, not a comparison
                         r"|[跟和与同][^，,？]{1,12}(?:相)?比[，,]")  # "跟1992年比，…宽敞了百分之几"
_WH = re.compile(r"(是|为|有|达到?|约|共|了)?(多少|几|哪)")
FLANK_LEFT, FLANK_RIGHT = 16, 8

Coverage = Callable[[list[str], str], float]  # share of the words (IDF-weighted) found in a text


@dataclass(frozen=True)
class FlankEvidence:
    words: float  # share of the question's words beside the figure
    counts_asked: bool  # the quantity asked ("利润", "干部") is printed beside it
    range_start: bool  # where a change started, and the question does not ask for the old level
    asks_change: bool
    is_change: bool  # printed as a change ("比上年增长12%")
    year_here: bool  # the asked year is printed beside it
    other_year: bool  # only another year is printed beside it
    respective: float | None  # in a 分别 list: own subject's fit minus the best other's; None: no list


def read_flanks(question: Question, sentence: str, figure: Figure, figures: list[Figure], coverage: Coverage,
                alternatives: Callable[[str], tuple[str, ...]], topic: str = "", right_end: int | None = None) -> FlankEvidence:
    left, right = flanks(sentence, figure, figures)
    if right_end is not None:
        right = right[: max(right_end - figure.end, 0)]
    beside = left + right
    head = asked_quantity(question)
    # "1997年，全国人均占有肉类产品50.2公斤、禽蛋17公斤": a year before the comma dates the whole
    # sentence, every figure of it alike; only a year in the figure's own clause sets it apart, and
    # not the year it is compared with ("比1996年增加119亿元" is a figure of the year after)
    own = _CLAUSE_STOP.split(left)[-1]
    printed = {m.group(1) for m in YEAR.finditer(own) if not re.search(r"(?:比|较|同)$", own[: m.start()])}
    asked = set(question.years)
    return FlankEvidence(
        words=coverage(question.focus, beside),
        counts_asked=bool(head) and (head in beside or any(alt in beside for alt in alternatives(head))),
        range_start=(is_range_start(left, right) or is_changed_from(left, sentence[figure.end:]))
        and not _ASKS_BEFORE.search(question.text)
        and not _asked_time_beside(question, left),
        asks_change=bool(ASKS_CHANGE.search(question.text)),
        is_change=printed_as_change(sentence, figure),
        year_here=bool(asked and printed & asked),
        other_year=bool(asked and printed and not printed & asked),
        respective=respective_fit(question, sentence, figure, figures, coverage, topic),
    )


def names_a_change(word: str) -> bool:
    """A question word that is itself a change ("增长", "增产", "增收")."""
    return bool(_CHANGE_WORD.search(word))


def printed_as_change(sentence: str, figure: Figure) -> bool:
    """"比上年增长12%", "增加119亿元": the figure is a change. Not "提高到7.95平方米", "降至33%":
    after 到 or 至 the figure is the level the change reached. An aside's other value of the figure
    before it ("增长56%（考虑经济衰退的影响，则为46%）") is what that figure is."""
    host = aside_host(sentence, figure)
    if host is not None:
        return printed_as_change(sentence, host)
    before = _CLAUSE_STOP.split(sentence[: figure.start])[-1][-12:]
    words = list(_CHANGE_WORD.finditer(before))
    # "比上年同期多收16亿公斤": 多 or 少 before a verb, against a time, compares as 增加 does
    return bool(words) and not re.match(r"[到至]", before[words[-1].end():]) or compared_change(sentence, figure)


def aside_host(sentence: str, figure: Figure) -> Figure | None:
    """"出口增长56%（考虑经济衰退的影响，则为46%）": the figure an aside gives another value of (56%), when
    the aside opens right after it and says "then it is" (则为, 则是, 为)."""
    opened = sentence.rfind("（", 0, figure.start)
    if opened < 0 or sentence.rfind("）", 0, figure.start) > opened \
            or not _OTHER_VALUE.search(sentence[opened: figure.start]):
        return None
    return next((f for f in find_figures(sentence[:opened]) if f.end == opened and f.kind == figure.kind), None)


_OTHER_VALUE = re.compile(r"(?:则为|则是|则|为)$")


def flanks(sentence: str, figure: Figure, figures: list[Figure]) -> tuple[str, str]:
    """The words between a figure and its neighbouring figures (dates are words here: "1996年53.2亿元"),
    at most FLANK_LEFT characters before it and FLANK_RIGHT after, within its clause of the sentence."""
    others = [f for f in figures if f.kind != "date" and f is not figure]
    start = max([f.end for f in others if f.end <= figure.start] + [figure.start - FLANK_LEFT, 0])
    left = sentence[start: figure.start]
    stops = list(_LEFT_STOP.finditer(left))
    left = left[stops[-1].end():] if stops else left
    left = left[left.rfind("、") + 1:]  # "15个公务员岗位、60个事业单位岗位": the item before is not mine
    end = min([f.start for f in others if f.start >= figure.end] + [figure.end + FLANK_RIGHT, len(sentence)])
    right = sentence[figure.end: end]
    stop = _RIGHT_STOP.search(right)
    right = right[: stop.start()] if stop else right
    # "每年提供15个…、60个…": items that start with their figure share the lead (as in item_around)
    if re.match(r"、[近约超逾]?\d", sentence[figure.end + len(right):]):
        left = ""
    return left, right


_POINT_OF_TIME = re.compile(r"年初|年末|年底|年中|月初|月末|月底|上半年|下半年|[一二三四1-4]季度")


def _asked_time_beside(question: Question, left: str) -> bool:
    """"由年初的530多家增加到年末的750多家", asked 年初有多少: the start is the time asked. So is a
    year the start prints as its own ("比重由1980年的53.6%降至去年的13%", asked of 1980); not one
    printed before 由 ("从1994年到1997年，产量由50万吨…" is no start of 1997)."""
    start = re.split(r"[从由]", left)[-1]
    return any(t in left for t in _POINT_OF_TIME.findall(question.text)) \
        or any(f"{year}年" in start for year in question.years)


def is_range_start(left: str, right: str) -> bool:
    """"从55万人减至28万人", "由1991年每生300元提高到…": the figure is where a change started."""
    return bool(re.search(r"[从由]", left)) and bool(RANGE_TO.match(right))


def is_changed_from(left: str, after: str) -> bool:
    """"分享比例由中央和地方各占50%，改为中央占80%": a change of arrangement names where it started
    in a clause of its own."""
    return bool(re.search(r"[从由]", left)) and bool(re.match(r"[，,](?:又|再|后|随后|现)?(?:改为|调整为|变为|变成)", after))


def asked_quantity(question: Question) -> str:
    """What the question counts: the focus word right after the question word ("多少干部"), else
    the one printed last before it ("实现利润多少" → 利润)."""
    wh = _WH.search(question.text)
    if not wh:
        return ""
    after = question.text[wh.end(): wh.end() + 8]
    following = [(after.find(term), term) for term in question.focus if len(term) >= 2 and term in after]
    if following:
        return min(following)[1]
    before = question.text[: wh.start()]
    # the word that ends last, the longer when one holds the other ("高速公路", not its "公路")
    placed = [(before.rfind(term) + len(term), len(term), term) for term in question.focus
              if len(term) >= 2 and term in before]
    return max(placed)[2] if placed else ""


def another_year(question: Question, sentence: str, figure: Figure, issue_year: int | None = None,
                 lead: str = "") -> bool:
    """"1996年，象山县国内生产总值54亿元" does not answer for 1997, as a sentence about 湖北 does not
    answer for 湖南: the last year printed before a figure (in its part of the sentence) is the time
    it belongs to; with none there, a year the sentence opens with, unless the asked year is printed
    in the sentence too. News dates by its own
    issue: in a 1998 paper "去年" is 1997 and "今年" 1998 (`issue_year`, when the page's date is known)."""
    asked = asked_years(question, issue_year)
    if not asked:
        return False
    segment = re.split(r"[；;：:]", sentence[: figure.start])[-1]  # "继1993年之后…：…4600万吨" is not 1993's
    base = level_in_base(segment)
    if years_printed(base, issue_year):
        # "比1992年人均6平方米增加55%": a level printed inside the base compared with is that year's
        return not set(years_printed(base, issue_year)) & set(asked)
    if figure.kind == "percent":
        # "负担仅为1996年人均纯收入的3.63%": the year dates the whole the share is taken of, not the share
        segment = _SHARE_OF_A_DATED_WHOLE.sub("", segment)
    governing = years_printed(segment, issue_year)
    if governing:  # "1996年，78.4%…，而去年，这一人数为47.6%": each figure is its own year's
        last = list(_YEAR_OR_RELATIVE.finditer(segment))[-1]
        if _NOW_AFTER.search(segment[last.end():]):
            return True  # "由1991年每生300元提高到现在的每生每年550元": 550 is not 1991's
        if issue_year is not None and _NOW.search(segment[last.end():]):
            # "去年全市竣工…，如今市区人均住房面积9.3平方米": now, which in a January paper is this
            # year or the end of the last
            return not {str(issue_year), str(issue_year - 1)} & set(asked)
        return governing[-1] not in asked
    header = sentence[: figure.start][: -len(segment) or None]
    headed = years_printed(header, issue_year) if re.search(r"[：:]$", header) else []
    if headed and not _SINCE.search(header):
        # "北京市在过去的一年里经济建设取得了…成就：全市国内生产总值1807亿元": the time the colon's
        # header names is the list's (but "继1993年之后…：" names when something began)
        return headed[-1] not in asked
    # the asked year printed in the sentence may be this figure's, unless only in a contrast after it
    # ("只有22.17%的消费者…，而在1996年，…多达43.2%": 1996 is 43.2%'s, and 22.17% another year's)
    if set(years_printed(sentence[: figure.end] + _ASIDE.sub("", sentence[figure.end:]), issue_year)) & set(asked):
        return False
    if set(years_printed(sentence, issue_year)) & set(asked):
        return True
    # "1997年，全市完成…；财政收入15.2亿元": a sentence that opens with its time dates every part;
    # `lead` is the paragraph before the sentence, whose last full sentence may open with that time
    opening = re.split(r"[。！？]", lead)[-1] + sentence
    head = years_printed(_time_head(opening), issue_year)
    return bool(head) and head[-1] not in asked


# a header that says when something began ("继1993年之后…：") dates nothing after its colon
_SINCE = re.compile(r"继|之后|以后|以来")
# the base compared with and what stands between it and the figure: a level when no change is said there
_LEVEL_IN_BASE = re.compile(r"[比较]((?:(?:19|20)\d{2}年)?[^，,。；;比\d]{1,12})$")
_A_CHANGE_SAID = re.compile(r"[增减涨跌降升翻超多少高低]|扩大|缩小")


def level_in_base(segment: str) -> str:
    """The base a figure is printed inside ("比1992年人均6平方米增加55%", "比上半年26.3%的增长"), when
    no change is said between 比 and the figure: that figure is the base's level. '' when it is not."""
    base = _LEVEL_IN_BASE.search(segment)
    return base.group(1) if base is not None and not _A_CHANGE_SAID.search(base.group(1)) else ""
_SHARE_OF_A_DATED_WHOLE = re.compile(r"(?:(?:19|20)\d{2}年|去年|前年)[^，,。；;\d]{1,10}的$")


def asked_years(question: Question, issue_year: int | None = None) -> list[str]:
    """The years a question asks about: those it prints, and "去年"/"今年" read as the page reads
    them (a follow-up "去年呢？" about a 1998 issue asks for 1997)."""
    relative = re.sub(r"(?:19|20)\d{2}年", "", question.text)  # printed years are read by question.py
    return list(dict.fromkeys([*question.years, *years_printed(relative, issue_year)]))


_TIME_HEAD = re.compile(r"^(?:在|到|截至|截止)?(?:(?:19|20)\d{2}年|去年|今年|前年)(?:全年|上半年|下半年|[底末初])?(?=[，,])")


def _time_head(sentence: str) -> str:
    """The sentence's opening time ("1997年，…"), when its first clause is nothing else."""
    m = _TIME_HEAD.match(sentence)
    return m.group(0) if m else ""


_RELATIVE_YEAR = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "过去的一年": -1, "过去一年": -1}
# a change that runs from a year to the present: the level reached is of no year printed before it
_NOW = re.compile(r"如今|现在|目前")
_NOW_AFTER = re.compile(r"[到至](?:现在|目前|如今|今天)")
# "比去年增长" compares with last year: the figure is not last year's
# "在过去的一年里" is the issue's last year, as 去年 is
_YEAR_OR_RELATIVE = re.compile(r"(?<![比较同])(?:((?:19|20)\d{2})年|(前年|去年|今年|明年|本世纪末|过去的?一年))")


def years_printed(text: str, issue_year: int | None = None) -> list[str]:
    """The years a text dates itself to, in order: printed ones, and relative ones resolved
    against the issue's year when it is known."""
    found = []
    for m in _YEAR_OR_RELATIVE.finditer(text):
        if m.group(1):
            found.append(m.group(1))
        elif issue_year is not None and m.group(2) == "本世纪末":  # a target: "到本世纪末…要达到60%"
            found.append(str(issue_year // 100 * 100 + 100))
        elif issue_year is not None:
            found.append(str(issue_year + _RELATIVE_YEAR[m.group(2)]))
    return found


def issue_year(paragraph: Paragraph) -> int | None:
    """The year of the issue a paragraph was printed in, when its page's date is known."""
    date = paragraph.page.date if paragraph.page else ""
    return int(date[:4]) if re.match(r"\d{4}-", date) else None


def restates_question(figure: Figure, asked: list[Figure]) -> bool:
    """A number the question states (2018年, 1至6月, “从55万人减到了多少”, 千户企业) is the
    user's own word, never the answer."""
    return any(figure.value == a.value and (figure.unit == a.unit or not a.unit or figure.kind in
                                            ("date", "duration", "number")) for a in asked)


_COMPARED_LEAD = re.compile(r"^\s*(?:比|较|同)(?:(?:19|20)\d{2}年|上一?年|去年|前年)?(?:同期)?(?:比)?\s*$")


def respective_fit(question: Question, sentence: str, figure: Figure, figures: list[Figure], coverage: Coverage,
                   topic: str = "") -> float | None:
    """"A和B分别上涨4%和5%": how much better the question fits this figure's own subject than the
    others' (None: the figure is in no such list)."""
    for m in re.finditer("分别", sentence):
        stops = [s.end() for s in _CLAUSE_STOP.finditer(sentence[: m.start()])]
        start = stops[-1] if stops else 0
        # "…竣工面积2322万平方米，比1996年分别增长2.72%和3.98%": what they are compared with names none
        lead = _COMPARED_LEAD.sub("", sentence[start: m.start()])
        bare = not lead.strip()
        stop = re.search(r"[，,；;。]", sentence[m.end():])
        end = m.end() + stop.start() if stop else len(sentence)
        mine = [f for f in figures if f.kind != "date" and m.end() <= f.start < end]
        listed: list[str] = []
        if not lead.strip() and stops:  # "村集体和农民人均纯收入为23万元和2800元，分别增长15%和12.3%"
            begin = stops[-2] if len(stops) > 1 else 0
            before = [f for f in figures if f.kind != "date" and begin <= f.start < stops[-1]]
            lead = sentence[begin: before[0].start] if before else ""
            # "实现销售收入179亿元、利税16.2亿元，分别增长…": each amount printed with its own name
            if len(before) == len(mine) >= 2 and all(re.search(r"[、，,；;]", sentence[a.end: b.start])
                                                     for a, b in zip(before, before[1:])):
                listed = _items_before(sentence[: stops[-1]], figures, len(mine))
        subjects = listed or [t for t in re.split(r"[和、及与]", lead) if t]
        if len(subjects) < len(mine) and bare:
            subjects = _items_before(sentence[:start], figures, len(mine)) or subjects
        # "…分别占到乡、村和农村人口总数的65%、71.8%和83.8%": the list after 分别 names each figure too
        after = [t for t in re.split(r"[和、及与]", sentence[m.end(): mine[0].start]) if t] if mine else []
        if len(after) == len(mine) >= 2:
            subjects = [f"{a}{b}" for a, b in zip(subjects, after)] if len(subjects) == len(after) else after
        if figure in mine and len(mine) == len(subjects) >= 2:
            k = mine.index(figure)
            # the article's topic ("青石县…" in its title) leads the first subject but is every item's
            words = [t for t in question.focus if t not in topic] or question.focus
            others = [coverage(words, t) for i, t in enumerate(subjects) if i != k]
            return coverage(words, subjects[k]) - max(others)
    return _paired_fit(question, sentence, figure, figures, coverage, topic)


# "村集体年均和农民人均纯收入为23万元和2800元": joined subjects, a verb, as many figures joined alike
_PAIRED = re.compile(r"(?P<lead>[^，,；;。：:]+?)(?:为|达到|达|是)(?P<list>[^，,；;。：:]+)")


def _paired_fit(question: Question, sentence: str, figure: Figure, figures: list[Figure], coverage: Coverage,
                topic: str) -> float | None:
    """"A和B为X和Y", the respective list print also writes without 分别: the k-th figure is the k-th
    subject's. Only where the figures follow one another with nothing but 和 or 、 between them."""
    for m in _PAIRED.finditer(sentence):
        mine = [f for f in figures if f.kind != "date" and m.start("list") <= f.start < m.end("list")]
        if figure not in mine or len(mine) < 2 or sentence[m.start("list"): mine[0].start].strip() \
                or mine[-1].end != m.end("list") and not re.match(r"\s*$", sentence[mine[-1].end: m.end("list")]):
            continue
        if not all(re.fullmatch(r"[和、及与]", sentence[a.end: b.start]) for a, b in zip(mine, mine[1:])):
            continue
        subjects = [t for t in re.split(r"[和、及与]", m.group("lead")) if t]
        if len(subjects) != len(mine):
            continue
        k = mine.index(figure)
        words = [t for t in question.focus if t not in topic] or question.focus
        return coverage(words, subjects[k]) - max(coverage(words, t) for i, t in enumerate(subjects) if i != k)
    return None


def respectively_before(sentence: str, figure: Figure) -> int:
    """Where the 分别 stands whose list the figure is in ("A和B分别增长4%和5%"), or -1: none before it in
    its clause."""
    at = sentence.rfind("分别", 0, figure.start)
    return -1 if at < 0 or re.search(r"[，,；;。]", sentence[at: figure.start]) else at


def one_of_a_pair_asked(question: Question, sentence: str, figure: Figure) -> bool:
    """"关税和进口环节税比上年增长了百分之几" is not answered by "征收关税354.1亿元，进口环节税585.9亿元，
    分别比上年同期增长4%和14.6%": the question joins two items the sentence gives one figure each after
    分别, so it asks of both together, which neither figure is."""
    at = respectively_before(sentence, figure)
    if at < 0:  # "…分别组织…，拿出500多个岗位": their sum
        return False
    listed = sentence[:at]
    words = question.focus
    return any(re.search(f"{re.escape(a)}[和及与、]{re.escape(b)}", question.text) and a in listed and b in listed
               and listed.find(a) != listed.find(b) for a in words for b in words if a != b)


def _items_before(text: str, figures: list[Figure], n: int) -> list[str]:
    """"实现销售收入64.3亿元，利税10.1亿元，分别增长37.2%和24%": the n items before 分别, each named by
    the words after its last verb (the subject and verb they share are printed once, in the first)."""
    items = []
    for f in figures:
        if f.kind == "date" or f.end > len(text):
            continue
        begin = max([s.end() for s in re.finditer(r"[，,；;、]", text[: f.start])] + [0])
        lead = text[begin: f.start]
        # "完成投资160亿元": 投资, a verbal noun, is what the item names when nothing follows it
        items.append(lead[after_last_verb(lead):] or (jieba.posseg.lcut(lead)[-1].word if lead else ""))
    items = [i for i in items if i]
    return items[-n:] if len(items) >= n else []


@lru_cache(maxsize=8192)  # the same sentences come back with every question about them
def after_last_verb(text: str) -> int:
    """Where the words after the text's last verb (jieba's tag) begin; 0 when it has none."""
    at, cut = 0, 0
    for word in jieba.posseg.lcut(text):
        at += len(word.word)
        if word.flag.startswith("v"):
            cut = at
    return cut


# "有多少家会员企业" asks how many there are; "走访43家会员企业" counts those visited. A figure right
# after a verb counts what the verb did, so it answers a how-many-are-there question only when the
# verb says so itself: having, amounting, totalling (a closed class of Chinese, not topic words).
_ASKS_TOTAL = re.compile(r"(?:共|总共|一共|总|共计)?有(?:多少|几)")
_STATES_TOTAL = {"拥有", "共有", "现有", "已有", "达到", "达", "共计", "合计", "总计", "累计", "计有", "超过", "突破",
                 "包括", "包含", "涵盖", "覆盖", "占有", "保有", "存有", "还有", "尚有", "仍有", "只有", "约有", "总数"}


def counts_an_action(question: Question, sentence: str, figure: Figure) -> bool:
    """The question asks how many there are, and the figure counts what a verb the question does
    not use did to them ("走访43家" for "有多少家")."""
    if not _ASKS_TOTAL.search(question.text) or _says_what_was_done(question.text):
        return False
    lead = _CLAUSE_STOP.split(sentence[: figure.start])[-1]
    if not lead:
        return False
    last = jieba.posseg.lcut(lead[-8:])[-1]
    return (last.flag == "v" and len(last.word) >= 2 and last.word not in _STATES_TOTAL
            and last.word not in question.text)


@lru_cache(maxsize=4096)
def _says_what_was_done(question: str) -> bool:
    """"获准搬到香港落户的内地居民有多少": the question names an action of its own, in its own
    words, so a figure after another verb may be the same action put otherwise."""
    return any(w.flag == "v" and len(w.word) >= 2 and w.word not in _STATES_TOTAL
               for w in jieba.posseg.lcut(question))


# Statistics news prints the same quantity for several spans of one year: "1—11月…720.7亿元" is
# not the whole year's, "上半年" not the first quarter's. Each span as (first month, last month).
_SEASON = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIOD = re.compile(
    r"(?P<whole>全年|12月末|12月底)"
    r"|(?P<half>[上下])半年"
    r"|前(?P<first>[三3])季度"
    r"|(?<!同)第?(?P<season>[一二三四1-4])季度"
    r"|前(?P<months>\d{1,2}|[一二三四五六七八九十]{1,2})个月"
    r"|(?P<from>1|一)\s*[至到—－\-~～]\s*(?P<to>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"|(?:截至|截止|到)(?:\d{4}年|去年|今年)?(?P<upto>\d{1,2})月(?:末|底)"
)
_CN_MONTH = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"十一": 11, "十二": 12}


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _CN_MONTH.get(text, 0)


_COMPARED_SPAN = re.compile(r"(?:比|较|超过|高于|低于|相当于|与|同)(?:(?:19|20)\d{2}年|上一?年|去年|前年)?$")


def periods(text: str) -> list[tuple[int, int]]:
    """The spans of a year a text names, in order: 全年 (1, 12), 上半年 (1, 6), 一季度 (1, 3),
    前11个月 and 1—11月 and 截至11月末 (1, 11). "同期" compares, so "上年同期" names none."""
    found = []
    for m in _PERIOD.finditer(text):
        if _COMPARED_SPAN.search(text[max(0, m.start() - 10): m.start()]):
            continue  # "超过1996年全年…8.65%": the span compared with, not the figure's own
        if m.group("whole"):
            found.append((1, 12))
        elif m.group("half"):
            found.append((1, 6) if m.group("half") == "上" else (7, 12))
        elif m.group("first"):
            found.append((1, 9))
        elif m.group("season"):
            q = _SEASON[m.group("season")]
            found.append((3 * q - 2, 3 * q))
        elif m.group("months"):
            found.append((1, _month(m.group("months"))))
        elif m.group("to"):
            found.append((1, _month(m.group("to"))))
        elif m.group("upto"):
            found.append((1, int(m.group("upto"))))
    return [p for p in found if 1 <= p[1] <= 12]


# "3年内，垦区累计投入…31.2亿元": a sum over several years does not answer for one of them
# "连续5年…年均增收900亿元": an average over several years is no one year's figure either
# ("“八五”期间", "1991年至1995年期间" span years; "春运期间" a season, "会议期间" some days)
_SEVERAL_YEARS = re.compile(r"(?:\d+|[一二三四五六七八九十两几多]+)年(?:内|来|间|中|里)|以来|(?:年|五[”\"]?)期间"
                            r"|连续(?:\d+|[一二三四五六七八九十两几多]+)年|年均")
# "累计发展28万户" sums since some start, usually over years; not where the paragraph has dated its
# report by the year asked ("去年总产达…。…累计投放夏季收购资金46.46亿元": that year's season)
_CUMULATIVE = re.compile(r"累计")


def over_several_years(question: Question, sentence: str, figure: Figure, lead: str = "",
                       issue: int | None = None) -> bool:
    """Asked about one year (1998年), the figure sums several ("3年内…累计投入31.2亿元"). A total
    ("共完成投资129亿元") in a sentence that prints no year of its own runs over the span of years
    the sentence before it names ("1994年至1997年…共完成投资413亿元。全国普通高校…共完成投资…");
    `lead` is what the paragraph prints before the sentence."""
    if len(set(question.years)) != 1 or _SEVERAL_YEARS.search(question.text):
        return False
    clause = _CLAUSE_STOP.split(sentence[: figure.start])[-1]  # "累计发展28万户，年产1亿立方米": not its
    segment, spans = _spans_before(sentence, figure)  # "1987年—1997年，该市共占用耕地46万亩"
    # "1994年至1997年…完成投资413亿元，…已由1993年底的6.98平方米": a year of its own after the span dates it
    spanned = bool(spans) and not YEAR.search(segment[spans[-1].end():])
    if not spanned and lead and _TOTAL.search(segment) and not YEAR.search(segment):
        before = re.split(r"[。！？]", lead.rstrip("。！？ "))[-1]
        spanned = bool(_YEAR_SPAN.search(before))
    cumulative = bool(_CUMULATIVE.search(clause)) and not set(question.years) & set(years_printed(lead + segment, issue))
    # "几年来，湖南省煤炭系统共筹资600多万元": a sentence that opens on a span dates all it goes on to say
    # (not "一年来", the year past; nor a clause that names its own year: "…，仅去年安排…1.79亿元")
    opening = _SPAN_OPENING.match(sentence)
    opened = bool(opening) and opening.end() <= figure.start and not _SPAN_ASKED.search(question.text) \
        and not years_printed(sentence[opening.end(): figure.start], issue) and not YEAR.search(sentence[opening.end(): figure.start])
    return bool(_SEVERAL_YEARS.search(clause)) or cumulative or spanned or opened


_TOTAL = re.compile(r"(?<![公一])共(?![同产享性识])|累计")
_SPAN_OPENING = re.compile(r"^(?:近|这|最近)?(?:\d+|[二三四五六七八九十两几多]+)年(?:来|间|中|里)[，,]")
# a span the question asks itself ("最近3年"; not "1997年一年", which the question reads as 1年)
_SPAN_ASKED = re.compile(r"(?<![\d０-９])(?:[2-9]|[1-9]\d|[二三四五六七八九十两几多])年(?![底末初])")

# "到1997年底…累计有几个": what stands at a date, not what was added in the year before it
_AS_OF_A_DATE = re.compile(r"(?:到|截至|截止到?)[^，,。？?]{0,10}[底末]|累计")
_ADDED = re.compile(r"又有|又新增|新增|新添|净增")
_STOCK = re.compile(r"目前|现有|拥有|达到?了?$")


def an_increment_for_a_stock(question: Question, sentence: str, figure: Figure) -> bool:
    """"到1997年底，实现“两基”的县累计有几个" is not answered by "1997年，全国又有400个县…达到…":
    what a year added (又有, 新增) is no count of all that stand at its end (1882个), unless the
    question asks what was added; nor is a level reached (累计, 目前, 达) what a year added."""
    clause = _CLAUSE_STOP.split(sentence[: figure.start])[-1]
    if _ADDED.search(question.text):  # and the other way round: "又有多少" is not answered by "累计达到",
        # nor "新增的高速公路通车里程" by "目前，全国公路通车里程达121.4万公里" (a level reached, where the
        # clause says nothing was added)
        return bool(_CUMULATIVE.search(clause)) or bool(_STOCK.search(clause)) and not re.search("[新增]", clause)
    if not _AS_OF_A_DATE.search(question.text) or "新" in question.text:
        return False
    return bool(_ADDED.search(clause))


_YEAR_SPAN = re.compile(r"(?:19|20)\d{2}年?\s*[至到—－~～\-]+\s*(?:19|20)\d{2}年")


def _spans_before(sentence: str, figure: Figure) -> tuple[str, list[re.Match]]:
    """The part of the sentence before the figure (from its last ；) and the spans of years it prints."""
    segment = re.split(r"[；;。]", sentence[: figure.start])[-1]
    return segment, list(_YEAR_SPAN.finditer(segment))


def one_year_of_a_span(question: Question, sentence: str, figure: Figure) -> bool:
    """Asked about a span ("1994年至1997年…竣工面积"), the figure is dated by one year of its own
    ("已由1993年底的6.68平方米提高到1997年底的7.95平方米"): a level at a point, not the span's total."""
    if not _YEAR_SPAN.search(question.text):
        return False
    segment, spans = _spans_before(sentence, figure)
    after = segment[spans[-1].end():] if spans else _CLAUSE_STOP.split(segment)[-1]
    return bool(YEAR.search(after))


# "德江、务川、天柱等12个国家级贫困县…农民人均纯收入1100元": the figure is the group's, not 德江's
_LISTED = re.compile(r"((?:[\u4e00-\u9fff]{1,8}、)+[\u4e00-\u9fff]{1,8})等")


# "特困户中，年纯收入超过一万元的有多少户": among a whole, the part that a clause ending in 的 picks out
_SUBSET = re.compile(r"(?<![其集空])中[，,]?(?![国央心小外部])(?P<part>[^，,。？?]{2,20}?)的(?:那批|那些|那个|那家)?")


_INCLUDED = re.compile(r"[（(](?:含|包括|其中)([^（()）]{2,40})[)）]")


# "我国港口吞吐能力将新增470万吨": what is planned, not yet done. 将 before a noun is the 将 of 把
# ("将国有金融保险企业的所得税率从55%降至33%"), and a plan fulfilled ("完成目标计划") is no plan.
_PLANNED = re.compile(r"力争|争取|打算|(?<!完成)计划(?=[\u4e00-\u9fff])")
_PLANS = re.compile(r"计划|打算|力争|争取|将|要|准备|目标|预计")
# "最后实际录取了多少人": what was done, which no plan answers
_ASKS_DONE = re.compile(r"实际|最终|最后(?![一个天年])")


def a_plan_for_a_past_year(question: Question, sentence: str, figure: Figure, issue: int | None, lead: str = "") -> bool:
    """"1997年沿海港口建成深水泊位多少个" in a January 1998 paper is not answered by "今年…将新增470万吨，
    建成深水泊位9个": a figure a plan gives is not what a year already past did, unless the question
    asks the plan. A sentence that dates itself by the year asked ("去年…比重将接近50%") estimates
    that year; and where a range starts ("将由14家扩大到25家") is what there was before the plan.
    Whatever the year, a question that asks what was actually done ("最后实际录取了多少人") is not
    answered by a plan or an estimate ("共计划招收…5.8万人")."""
    before = sentence[: figure.start]
    if _PLANS.search(question.text) or not ("将" in before or _PLANNED.search(before)):
        return False  # read for every figure of a question about a past year: the cheap tests first
    if re.search(r"[由从]$", before):
        return False
    if not _ASKS_DONE.search(question.text):
        years = asked_years(question, issue) if issue is not None else []
        if not years or not all(int(y) < issue for y in years):
            return False
        # the printed sentence, where the reader cut it at "；" (`lead`: what the paragraph prints before)
        whole = re.split(r"[。！？]", lead.rstrip("。！？ "))[-1] + sentence if re.search(r"[；;]$", lead.rstrip()) else sentence
        if set(years) & set(years_printed(whole, issue)):
            return False
    # "将新增470万吨，建成深水泊位9个": a clause that opens on its verb shares the 将 of the one before
    parts = _CLAUSE_STOP.split(before)
    scope = parts.pop()
    while parts and scope and jieba.posseg.lcut(scope)[0].flag.startswith("v"):
        scope = f"{parts.pop()}，{scope}"
    return bool(_PLANNED.search(scope)) or _future_jiang(scope)


def _future_jiang(text: str) -> bool:
    """将 of the future (将新增, 将达, 将由…扩大), not the 将 of 把 before the thing acted on."""
    tokens = jieba.posseg.lcut(text)
    at = [0, *itertools.accumulate(len(t.word) for t in tokens)]  # where each token starts
    # "将开发出的5.8亿立方米的天然气用于…": a verb that modifies the thing acted on is still 把's
    return any(t.word == "将" and i + 1 < len(tokens) and tokens[i + 1].flag[:1] in ("v", "d", "p")
               and not re.match(r"[\u4e00-\u9fff]{1,4}的", text[at[i] + 1:]) for i, t in enumerate(tokens))


def a_class_bound(question: Question, sentence: str, figure: Figure) -> bool:
    """"总投资1000万美元以上的116个大工业项目", "25岁以下的占63.2%": a bound (以上, 以下) that picks out
    the things another figure then counts is no amount of anything, unless the question asks by a bound."""
    if re.search(r"以[上下内]", question.text):
        return False
    after = sentence[figure.end:]
    if not re.search(r"以[上下内]$", figure.text):
        # "25岁以下的", "400马力以上的": the bound's unit may stand outside the figure read
        outside = re.match(r"[\u4e00-\u9fff]{0,2}?以[上下内]", after)
        if outside is None:
            return False
        after = after[outside.end():]
    return bool(re.match(r"的[^，,。；;、和及与]{0,12}?[近约超逾]?\d", after))


# a part and the coordinated whole print names it inside of (出口 in 进出口)
WHOLES = {"出口": "进出口", "进口": "进出口", "存款": "存贷款", "贷款": "存贷款"}


def the_whole_for_a_part(question: Question, sentence: str, figure: Figure) -> bool:
    """"大庆出口总值" is not answered by "去年大庆共实现进出口总值4464.3万美元": the figure's clause
    names only the whole (进出口, 存贷款) of which the question asks one part."""
    clause = _clause_of(sentence, figure)
    return any(part in question.text and whole not in question.text and whole in clause
               and part not in clause.replace(whole, "") for part, whole in WHOLES.items())


_EVERY_KIND = re.compile(r"各类|各种|各项|全部|所有")


def a_total_for_a_kind(question: Question, sentence: str, figure: Figure,
                       article: Callable[[], str] = str) -> bool:
    """"中保集团支付的财产险赔款" is not answered by "该集团公司共支付各类赔款369亿元": the figure's
    clause counts every kind of the thing (各类, 各项, 全部), and the kind the question names before
    it (财产险) is printed nowhere in the sentence. Nor is "集体工业" by plain "工业" (`article`: the
    text a class of ownership may have been named in before the sentence left it out)."""
    clause = _clause_of(sentence, figure)
    tagged = _tagged(question.text)
    # "我国集体工业比上年增长了多少" is not answered by "我国工业比上年增长10.9%": a class of ownership
    # the question puts before the noun, which the sentence's article never prints
    unprinted = [(k, noun) for (k, _), (noun, _) in zip(tagged, tagged[1:])
                 if k in _REGISTERED_CLASSES and noun in clause and k not in sentence]
    if unprinted:
        # an article that opened on 国有铁路 goes on to print plain 铁路; but where it prints the noun
        # under another class as well (国有工业…集体工业), the plain noun is the whole the classes divide
        text = article()  # read only here
        if any(k not in text or any(c != k and c + noun in text for c in _REGISTERED_CLASSES) for k, noun in unprinted):
            return True
    marks = list(_EVERY_KIND.finditer(clause))
    if not marks:
        return False
    # a kind is a common noun or a distinguishing word (国有); a name before the noun ("中国银行人民币
    # 贷款") is whose it is, and news often leaves it out ("全行…")
    common = {word for word, flag in tagged if flag in ("n", "b", "vn", "nz", "an")} - _WHOLE_COUNTRY
    for m in marks:
        rest = clause[m.end():]
        for word in question.focus:  # the noun 各类 opens ("各类中小园区": 中小, whatever 农业园区 asks)
            if len(word) < 2 or not rest.startswith(word):
                continue
            kinds = [k for k in question.focus if k != word and k in common and len(k) >= 2 and k + word in question.text]
            if kinds and not any(k in sentence for k in kinds):
                return True
    return False


_WHOLE_COUNTRY = {"全国", "我国", "国内", "中国", "全省", "全市"}
# the classes statistics count an economy by (登记注册类型 and 企业规模), which jieba tags as nouns
_REGISTERED_CLASSES = {"国有", "集体", "私营", "个体", "民营", "外资", "合资", "独资", "股份制", "乡镇", "公有",
                       "非公有", "三资", "大中型", "中小型"}


@lru_cache(maxsize=64)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    """The question's words and their parts of speech, read once for all its candidate figures."""
    return tuple((t.word, t.flag) for t in jieba.posseg.lcut(text))


def _clause_of(sentence: str, figure: Figure) -> str:
    """The clause of the sentence that holds the figure (between clause stops)."""
    stops = [m.end() for m in _CLAUSE_STOP.finditer(sentence[: figure.start])]
    end = _CLAUSE_STOP.search(sentence, figure.end)
    return sentence[(stops[-1] if stops else 0): (end.start() if end else len(sentence))]


_SEASON_OF_YEAR = re.compile(r"([春夏秋冬])(?:季|天|粮)")


def another_season(question: Question, sentence: str, figure: Figure) -> bool:
    """"冬季粮食收购资金" is not answered by "投放夏季收购资金46.46亿元，投放秋季收购资金44亿元": the
    figure's clause names a season, and not the one asked."""
    asked = {m.group(1) for m in _SEASON_OF_YEAR.finditer(question.text)}
    if not asked:
        return False
    named = {m.group(1) for m in _SEASON_OF_YEAR.finditer(_clause_of(sentence, figure))}
    return bool(named) and not named & asked


def an_included_part(question: Question, sentence: str, figure: Figure) -> bool:
    """"累计达到1882个（含其他县级行政区划单位79个）": the figure in brackets opened by 含, 包括 or
    其中 counts a part of the figure before it. It answers only a question that names that part,
    most of its own words; a question after the whole is not answered by the part."""
    for m in _INCLUDED.finditer(sentence):
        if not m.start(1) <= figure.start < m.end(1):
            continue
        words = [w for w in jieba.lcut(m.group(1)) if len(w) >= 2 and not re.search(r"\d", w)]
        return bool(words) and 2 * sum(w in question.text for w in words) <= len(words)
    return False


def outside_the_subset(question: Question, sentence: str, figure: Figure) -> bool:
    """"特困户中，年纯收入超过一万元的有多少户" is not answered by the 1190户 of "扶持的1190户特困户，
    …109户年纯收入超万元": the question asks the part its clause picks out, so the figure's own
    clause must print some of that clause's words; the whole, printed without them, is no answer."""
    words = _subset_words(question.text) if question.wants_figure else ()
    if not words:
        return False
    start = max(sentence.rfind(c, 0, figure.start) for c in "，,；;。：:")
    if len(sentence[start + 1: figure.start]) <= 2:  # "…开展经营承诺的企业最多，占97.3%": a bare predicate
        start = max(sentence.rfind(c, 0, max(start, 0)) for c in "，,；;。：:")
    ends = [i for i in (sentence.find(c, figure.end) for c in "，,；;。：:") if i >= 0]
    clause = sentence[start + 1: min(ends, default=len(sentence))]
    if _PER_UNIT.match(clause) and start >= 0:
        # "…上市出售已购公房1027户（套），平均每户（套）48.1平方米": a clause that opens with its
        # measure per unit has no subject of its own; it speaks of the clause before it
        start = max(sentence.rfind(c, 0, start) for c in "，,；;。：:")
        clause = sentence[start + 1: min(ends, default=len(sentence))]
    return not any(w in clause for w in words)


@functools.lru_cache(maxsize=256)
def _subset_words(text: str) -> tuple[str, ...]:
    """The words of the part a question picks out of a whole, read once per question (the rule is
    asked of every figure retrieved)."""
    m = _SUBSET.search(text)
    if m is None or re.search(r"多少|几", m.group("part")) or not _a_word_of_its_own(text, m.start(), m.start() + 1):
        return ()  # 大中城市, 初中, 中旬: no 中 of a whole; "扶贫中解决了多少人的": the question itself
    return tuple(w for w in jieba.lcut(m.group("part")) if len(w) >= 2 and not re.search(r"\d", w))


def of_a_group(question: Question, sentence: str, figure: Figure) -> bool:
    """The question names one member of a list ("A、B、C等N个县") whose figure the sentence gives
    for them all."""
    if "等" in question.text:
        return False
    for m in _LISTED.finditer(sentence[: figure.start]):
        if figure.start - m.end() <= 1:  # "乡村旅游、非遗展销等15种业态": the figure counts the list
            continue
        # "已种下优质龙眼、荔枝占…多少": the question prints the list itself, so it asks of them all
        if any(f"{a[-2:]}、{b[:2]}" in m.group(0) for a, b in re.findall(r"([\u4e00-\u9fff]{2,})、([\u4e00-\u9fff]{2,})",
                                                                        question.text)):
            continue
        members = [x for x in m.group(1).split("、") if len(x) >= 2]
        # the question names a member itself (德江县 for 德江), not a word one of them contains (旅游)
        if any(w == x or w.startswith(x) and len(w) - len(x) <= 1 for w in [*question.focus, *question.places]
               for x in members):
            return True
        # a longer member jieba cuts in two ("文化娱乐场所" as 文化/娱乐场所) is still named whole
        if any(len(x) >= 3 and x in question.text for x in members):
            return True
    return False


_FINER_TIME = re.compile(r"月|季度|半年|年底|年末|年初|春运|春节|元旦|期间|以来")


def another_period(question: Question, sentence: str, figure: Figure, lead: str = "") -> bool:
    """As `another_year`, for spans of a year: asked for the whole year (or the first half), a
    figure printed under "1—11月" is another span's, unless the span asked is printed there too.
    `lead`: the paragraph before the sentence ("截至11月末，…；实现利润总额720.7亿元" is one list)."""
    asked = set(periods(question.text))
    if not asked and re.search(r"(?:19|20)\d{2}年", question.text) and not _FINER_TIME.search(question.text):
        asked = {(1, 12)}  # "1997年…是多少" asks the year's: "截至11月末" gives part of it
    if not asked or asked & set(periods(sentence)):
        return False
    segment = re.split(r"[；;：:]", sentence[: figure.start])[-1]
    base = level_in_base(segment)
    if periods(base):
        # "降为17.1%，比上半年26.3%的增长…": a level printed inside the span compared with is that span's
        return periods(base)[-1] not in asked
    governing = periods(segment) or periods(sentence[: figure.start]) or periods(_ASIDE.sub("", lead))
    if not governing and (1, 12) not in asked:
        # "1到11月来华的外国游客" is not answered by "去年，中国接待外国游客2377万": a figure dated by
        # its year alone, in a paragraph that names no part of it, is the whole year's
        return not periods(_ASIDE.sub("", lead)) and bool(_WHOLE_YEAR.search(sentence[: figure.start]))
    return bool(governing) and governing[-1] not in asked




# a year named as such ("1997年，", "去年"), not a point in it (年底, 年初) nor the start of a span (1997年1至11月)
_WHOLE_YEAR = re.compile(r"(?:(?:19|20)\d{2}|去|今)年(?![底末初内中]|\d|[一二三四上下前头]|度[一二三四上下前])")


# "北京完成投资233亿元，而上半年是下降7.1%": a contrast in passing dates its own figure, and sets no
# time for the sentences after it
_ASIDE = re.compile(r"而[^，,。；;]*")


_PASSED = re.compile(r"(?:突破|超过|超|逾|越过)(?:了)?$")
_MARK_NAMED = re.compile(r"(?:[/／][\u4e00-\u9fff]{1,3})?的?(?:大关|关口)")
_THEN_VALUE = re.compile(r"^[，,、]?(?:达到|达|为|是|至)(?:了)?$")


def a_mark_passed(sentence: str, figure: Figure, figures: list[Figure] | None = None) -> bool:
    """"总油气当量首次突破2000万吨，达2069.7万吨": a round mark passed, with the amount reached printed
    right after it in the same unit. The amount answers; the mark is how the paper heralds it.
    `figures`: the sentence's, found here only when a mark is passed (this runs for every figure)."""
    if not _PASSED.search(sentence[max(0, figure.start - 4): figure.start]):
        return False
    if _MARK_NAMED.match(sentence[figure.end:]):  # "突破2000元／平方米大关": a mark by name, whatever follows
        return True
    figures = find_figures(sentence) if figures is None else figures
    after = next((f for f in figures if f.start >= figure.end and f.kind == figure.kind), None)
    return after is not None and after.unit == figure.unit and bool(_THEN_VALUE.match(sentence[figure.end: after.start]))


def rate_for_an_amount(question: Question, figure: Figure) -> bool:
    """"增加了多少亿美元" names its unit: a rate ("增加了3.3%") is no answer to it. Nor is one the
    answer to "比上年多收了多少", which asks how much more was brought in, not by what share."""
    if figure.kind != "percent":
        return False
    if question.unit:
        return question.unit not in ("%", "个百分点")
    return bool(_MORE_BY_AMOUNT.search(question.text)) and not _ASKS_RATE.search(question.text)


# "比上年多收了多少", "比利润多多少", "比全国高多少": a difference asked; with 多/少 an amount
ASKS_DIFFERENCE = re.compile(r"比[^，,？?]{1,16}?[多少高低](?:[\u4e00-\u9fff]{0,2}?了|[出])?(?:多少|几)")
# "比上年多收了多少" asks an amount; the 少 of 减少 and the 多 of 增多 are a change's verb, which a rate answers too
_MORE_BY_AMOUNT = re.compile(r"比[^，,？?]{1,16}?(?<![减增])[多少](?:[\u4e00-\u9fff]{0,2}?了|[出])?(?:多少|几)")
_ASKS_RATE = re.compile(r"百分|[率幅成]|百分点")


# "征收关税和进口环节税940亿元": two coordinated things whose figure follows them as one
_COORDINATED_LABEL = re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:和|与|及|以及)([\u4e00-\u9fff]{2,10}?)"
                                r"(?:共计|合计|总计|总共|共|累计)?(?:为|达到?|是|有)?[近约超逾]?$")


_ASKS_TOP = re.compile(r"最高|最多|最大|最快|上限")
_ASKS_BOTTOM = re.compile(r"最低|最少|最小|最慢|下限")
# what joins the two ends of a printed span ("14.6%到32.3%", "1.1—9.2%")
SPAN_TO = r"(?:到|至|—|－|-|～|~)"
_RANGE_TO = re.compile(rf"^{SPAN_TO}$")


def the_other_end(question: Question, sentence: str, figure: Figure, figures: list[Figure]) -> bool:
    """"增长最高达到多少" is the top of "增14.6%到32.3%", not its bottom (and "最低" the bottom): the
    end of a printed range the question does not ask for is no answer."""
    top, bottom = bool(_ASKS_TOP.search(question.text)), bool(_ASKS_BOTTOM.search(question.text))
    if top == bottom:
        return False
    after = next((f for f in figures if f.start >= figure.end), None)
    before = next((f for f in reversed(figures) if f.end <= figure.start), None)
    starts = after is not None and after.kind == figure.kind and bool(_RANGE_TO.match(sentence[figure.end: after.start]))
    ends = before is not None and before.kind == figure.kind and bool(_RANGE_TO.match(sentence[before.end: figure.start]))
    return starts if top else ends


def a_sum_for_a_part(question: Question, sentence: str, figure: Figure, figures: list[Figure]) -> bool:
    """"进口环节税有多少" is not answered by "征收关税和进口环节税940亿元": the figure is labelled with
    two coordinated things and the question names one of them alone, so it is their sum, not the
    part asked. ("A和B分别为…" gives each its own figure, and its label ends on 分别为, not here.)"""
    if re.match(r"[和、及与][近约超逾]?\d", sentence[figure.end:]):
        return False  # "村集体年均和农民人均纯收入为23万元和2800元": one figure for each, in order
    left, _ = flanks(sentence, figure, figures)
    if re.search(r"各(?:占|为|是|有|达到?|自)?[近约超逾]?$", left):
        return False  # "由中央和地方各占50%": each of the two has the figure, it is no sum
    label = _COORDINATED_LABEL.search(left)
    if label is None or not _a_word_of_its_own(left, label.end(1), label.start(2)):
        return False  # "累计推广普及省柴节煤灶": the 及 of 普及 joins nothing
    first, second = _after_last_verb(label.group(1)), _without_trailing_verbs(label.group(2))
    return named_in(first, question.text) != named_in(second, question.text)


def _a_word_of_its_own(text: str, start: int, end: int) -> bool:
    """jieba cuts text[start:end] as a word of its own, not as part of a longer one."""
    at = 0
    for word in jieba.lcut(text):
        if at == start:
            return at + len(word) == end
        if at > start:
            return False
        at += len(word)
    return False


def _without_trailing_verbs(item: str) -> str:
    """"消费税两税收入共完成" → "消费税两税收入": what is done to a thing is not its name."""
    words = jieba.posseg.lcut(item)
    while len(words) > 1 and words[-1].flag[:1] in ("v", "d", "p"):
        words.pop()
    return "".join(w.word for w in words)


def _after_last_verb(item: str) -> str:
    """"全国海关征收关税" → "关税": what the first coordinated thing is called starts after what is
    done to it, a verb or a preposition (`after_last_verb` counts a verbal noun as a verb and a
    preposition as none; with it one dev question measured worse)."""
    words = jieba.posseg.lcut(item)
    last = max((i for i, w in enumerate(words) if w.flag[:1] in ("v", "p")), default=-1)
    return "".join(w.word for w in words[last + 1:]) or item


def named_in(item: str, text: str) -> bool:
    """Most of a listed item is printed in the text ("进口环节税"; not "征收关税" for "海关收的…")."""
    return len(longest_common(item, text)) >= max(2, 0.6 * len(item))


def names_a_sibling(question: Question, sentence: str, figure: Figure) -> bool:
    """"计划招收博士生多少人" is not answered by "计划招收硕士生5.8万人": the figure's clause names a
    word that differs from one the question asks only in its first character (博士生 / 硕士生, 轻工业
    / 重工业), and the word asked is nowhere in the sentence. The head they share says they are two
    kinds of one thing; the figure is the other kind's. (Words of three characters or more: 全国 and
    我国 share a head too, and are one.)"""
    asked = [w for w in question.focus if len(w) >= 3 and w not in sentence]
    if not asked:
        return False
    printed = {w for w, _, _ in segmented(_clause_of(sentence, figure)) if len(w) >= 3}
    return any(p != w and len(p) == len(w) and p[1:] == w[1:] for w in asked for p in printed)


# "比1996年增产127.7万吨", "同比增长14.6%": a change measured against a time or a rival, however worded
_CHANGE_VERB = "增长|增加|提高|提升|下降|减少|降低|上升|上涨|回升|回落|下跌|增产|减产"
# (高/低 compare as 多/少 do: "比省批准的封顶价还低0.1元多"; 比重 and 较高 compare nothing)
_COMPARED_CHANGE = re.compile(r"(?:比(?![重例率值])|较(?![高低多少大小好])|同比|环比)[^，,；;。：:]{0,12}?"
                              rf"(?:(?:{_CHANGE_VERB}|多|少|高|低)了?"
                              # "比1996年多完成原油生产任务110万吨", "比去年全年多投入": 多/少 before
                              # what was done compares too (多数 and 少数 are a majority and a minority)
                              r"|[多少](?![数少])[\u4e00-\u9fff]{1,8})"
                              r"(?:近|约|超过?|逾|达)?$")
_CHANGED = re.compile(rf"(?:{_CHANGE_VERB})了?(?:近|约|超过?|逾|达)?$")
_FIGURES_BEFORE = re.compile(r"(?:[近约超逾]?\d[\d.]*[^\d，,；;。和、及与]{0,4}[和、及与])+$")


def a_change_for_a_level(question: Question, sentence: str, figure: Figure) -> bool:
    """"天然气产量是多少" is not answered by "天然气产量比1996年增产13.6亿立方米": a figure printed as a
    change against another time or subject answers how much something changed, never how much it
    is, when the question asks no change. (A change without a comparison, "新增贷款8000亿元", is an
    amount in its own right and stays.)"""
    if question.asks == "growth" or ASKS_CHANGE.search(question.text):
        return False
    before = _CLAUSE_STOP.split(sentence[: figure.start])[-1]
    if question.asks == "percent" and figure.kind == "percent" and _CHANGED.search(before):
        return True  # "增加值占…的比重" is not answered by "比重…增长近50%": a rate of change is no share
    return compared_change(sentence, figure)


def compared_change(sentence: str, figure: Figure) -> bool:
    """The figure is printed as a change against another time or subject ("比1996年增产13.6亿立方米")."""
    before = _CLAUSE_STOP.split(sentence[: figure.start])[-1]
    before = _FIGURES_BEFORE.sub("", before)  # "增产127.7万吨和13.6亿立方米": the second is a change too
    return bool(_COMPARED_CHANGE.search(before))


# "人均居住面积", "每平方米多少元", "户均": an amount per person, household or unit of something
_PER_UNIT = re.compile(r"[人户亩]均|人平|平均|每(?![年月天日周季])")  # (每年: how often, not per what)


def total_for_a_per_unit(question: Question, sentence: str, figure: Figure) -> bool:
    """"人均居住面积是多少" is not answered by "竣工面积1386万平方米": an amount per person or per
    unit is printed as one, in the figure's own clause, before it in the sentence, or in its unit
    ("4858元／平方米")."""
    # "每个投资都在一千万美元以上的项目有多少个": 每…都 says every one of them, not an amount per one
    asked = _EVERY.sub("", question.text)
    if not _PER_UNIT.search(asked) or figure.kind in ("percent", "date"):
        return False
    clause = next((sentence[a:b] for a, b in clauses(sentence) if a <= figure.start < b), "")
    return not (_PER_UNIT_PRINTED.search(clause) or _PER_UNIT_PRINTED.search(sentence[: figure.start])
                or re.match(r"[/／]", sentence[figure.end:])
                # a rate is an amount per unit by what it is ("安全生产百万吨死亡率为0.12")
                or re.search(r"率(?:为|是|达到?)?$", sentence[: figure.start]))


_EVERY = re.compile(r"每[个家位项户]?[^，,。？?多几]{0,10}?都")
# a speed is printed per hour as 时速 ("每小时能跑多少公里" → "最高时速…80公里")
_PER_UNIT_PRINTED = re.compile(f"{_PER_UNIT.pattern}|[时秒]速")


def is_dateline(sentence: str, figure: Figure) -> bool:
    """"本报北京1月18日讯", "新华社北京1月26日电": the day the report was filed, not of what it reports."""
    return figure.kind == "date" and sentence[figure.end: figure.end + 1] in ("讯", "电")


def points_for_a_level(question: Question, figure: Figure) -> bool:
    """"提高12个百分点" is a change of a rate: it never states the rate a question asks for
    ("合格率是多少"), only a change of a rate or a count of points the question itself names."""
    if figure.unit != "个百分点" or "百分点" in question.text:
        return False
    # "出口比前一年增长了多少" asks a change of a quantity, in %: points change a rate ("增幅提高了多少")
    if question.asks == "growth":
        return not _A_RATE.search(question.text)
    return not ASKS_CHANGE.search(question.text)


_A_RATE = re.compile(r"率|比重|比例|份额|占|[增降涨跌]幅|增速|速度|幅度|指数")


_FROM = re.compile(r"[从由](?:原来的|原先的|过去的|以前的)?$")
_TO_END = re.compile(r"^(?:的)?[\u4e00-\u9fff]{0,4}?(?:到|至|为)(?:了)?$")


def asked_starts(question: Question) -> list[Figure]:
    """"从44个压到了几个": the figures the question gives as where a change started."""
    return [f for f in find_figures(question.text, bare_numerals=True) if _FROM.search(question.text[: f.start])]


def ends_range_from(sentence: str, figure: Figure, figures: list[Figure], starts: list[Figure]) -> bool:
    """The figure is where a change ended that started at a figure the question gives ("由原来的44个
    划转分流为14个" for "从44个压到了几个")."""
    earlier = [f for f in figures if f.end <= figure.start and f.kind != "date"]
    if not earlier or not starts:
        return False
    start = earlier[-1]
    return (any(start.value == s.value for s in starts) and bool(_FROM.search(sentence[: start.start]))
            and bool(_TO_END.match(sentence[start.end: figure.start])))


# the last character of a quantity's name says what kind of quantity it is: 总产值 and 增加值 are
# both values, 进口额 and 出口额 both amounts, 产量 and 销量 both volumes
_QUANTITY_HEAD = "额量值率数价"
_LABEL_TAIL = re.compile(r"(?:已|共|约|将|也|均|仅|就|则|只|又|再)?(?:达到|达|为|是|有|计|共计|合计|累计|完成|实现|近|约|超过|逾)?$")


def quantity_asked(question: Question) -> str:
    """The name of the quantity asked when it says its kind ("总产值", "进口额"), else ""."""
    asked = asked_quantity(question)
    return asked if len(asked) >= 2 and asked[-1] in _QUANTITY_HEAD else ""


def names_another_quantity(question: Question, sentence: str, figure: Figure, figures: list[Figure]) -> bool:
    """"工业总产值多少" against "完成工业增加值20476亿元": the figure is labelled with another quantity
    of the same kind (both …值), and the quantity asked is not printed in the sentence: it answers
    a near miss, not the question. "出口额" against "出口总额" names the same one."""
    asked = quantity_asked(question)
    if not asked or asked in sentence:
        return False
    left, _ = flanks(sentence, figure, figures)
    left = _LABEL_TAIL.sub("", left)
    words = [w.word for w in jieba.posseg.lcut(left)] if left else []
    label = words[-1] if words else ""
    if len(label) < 2 or label[-1] != asked[-1] or label == asked:
        return False
    # the asked quantity's qualifiers (出口 of 出口额) all printed just before the figure: the same one
    return not set(asked[:-1]) <= set(left[-8:])
