"""Sums and differences of two printed figures ("公务员和事业单位岗位一共多少个？",
"签约资金比到位资金多多少？"). The result is shown with its working, so every number it rests on
is still a printed, cited figure (verify.py checks the working)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba

from .extract import Candidate, Extractor
from .figures import counted_unit, find_figures
from .flanks import (
    ASKS_CHANGE,
    RANGE_TO,
    asked_years,
    compared_change,
    flanks,
    is_range_start,
    issue_year,
    names_a_change,
    printed_as_change,
    years_printed,
)
from .operands import Operands, local, names_both, nearness, own_item, split_question
from .question import Question
from .schema import Figure, Hit
from .text import normalise


@dataclass
class Composite:
    op: str  # "+" or "−"
    left: Candidate
    right: Candidate
    value: float
    text: str  # the result as printed in the answer: "55.1亿元"


def compose(question: Question, hits: list[Hit], extractor: Extractor) -> Composite | None:
    """The best pair of distinct figures with the same unit, one for each operand."""
    parts = split_question(question)
    if parts is None:
        return change_between(question, hits, extractor)
    op = parts.op
    candidates = _operand_figures(question, parts, extractor.candidates(question, hits), extractor)
    if candidates is None:
        return None  # the total asked is printed: the reader answers with it
    # the right side (after 比 or 和) is short and names its operand alone, so the right figure must
    # sit nearer its words than the left one does; the left side also carries what both share
    # ("长期内使出口增长的幅度比短期内")
    # on a tie, the operand named last before the figure is its own (operands.nearness)
    right_words = {id(c): (local(extractor, parts.right, c), nearness(parts.right, c)) for c in candidates}
    as_left = {id(c): local(extractor, parts.qualifying + parts.left + parts.shared, c) for c in candidates}
    as_right = {id(c): local(extractor, parts.right + parts.shared, c) for c in candidates}
    items = {id(c): own_item(c) for c in candidates}
    names_left = _LeftNamed(extractor, parts.left)
    best, best_score = None, 0.0
    for a in candidates:
        for b in candidates:
            if a.figure.text == b.figure.text or _unit_class(a) != _unit_class(b) \
                    or right_words[id(a)] >= right_words[id(b)] or not names_left(a, b, items[id(b)]):
                continue
            if any(c is not a and c.sentence == b.sentence and _unit_class(c) == _unit_class(b)
                   and as_right[id(c)] > as_right[id(b)] for c in candidates):
                # "415所普通高等学校、330所科研机构、7所党校…共计划招收硕士生": what all items share, printed
                # in the last, does not make that one the right operand when another item names it
                continue
            score = as_left[id(a)] + as_right[id(b)] + min(a.score, b.score)
            if a.paragraph != b.paragraph:
                score -= 0.2  # two paragraphs can hold the operands, but one that holds both is likelier
            if score > best_score:
                best, best_score = (a, b), score
    if best is None or best_score < 1.6:
        # "比1996年少了多少": the operands may differ by year only, one sentence printing both levels;
        # but two levels of the right operand alone (高校's 1993 and 1997) are no difference between
        # the left one and it ("1993年底中小学…比普通高校多多少")
        return change_between(question, hits, extractor) if all(_A_TIME.search(t) for t in parts.right) else None
    a, b = best
    if op == "−" and a.figure.value < b.figure.value:
        a, b = b, a  # "比上半年低了多少": how far apart, the larger first in the working
    value = a.figure.value + b.figure.value if op == "+" else a.figure.value - b.figure.value
    return Composite(op, a, b, value, _print_like(value, a))


class _LeftNamed:
    """The left figure names the left operand, and more nearly than the right figure does. Only the
    left words the right figure's own item does not print tell them apart: "东南亚国家汇率贬值长期内…比
    短期内" shares its context with the right operand, and 长期 decides. Without this, two figures of
    the right operand's sentence were paired ("开设账户的企业比…外资银行多多少家": 22家 − 9家, both banks)."""

    def __init__(self, extractor: Extractor, words: list[str]) -> None:
        self.extractor, self.words = extractor, words
        self.cache: dict[tuple, float] = {}

    def __call__(self, a: Candidate, b: Candidate, item_b: str) -> bool:
        telling = tuple(t for t in self.words if t not in item_b) or tuple(self.words)
        mine, theirs = self._local(telling, a), self._local(telling, b)
        return mine > theirs

    def _local(self, words: tuple[str, ...], c: Candidate) -> tuple[float, int]:
        key = (words, id(c))
        if key not in self.cache:
            self.cache[key] = (local(self.extractor, list(words), c), nearness(list(words), c))
        return self.cache[key]



def _operand_figures(question: Question, parts: Operands, found: list[Candidate],
                     extractor: Extractor) -> list[Candidate] | None:
    """The printed figures that may be one operand; None when the total asked is printed."""
    # a difference asked in points (几个百分点) is computed from two rates printed in %
    asked_unit = "%" if question.unit == "个百分点" else counted_unit(question.unit)
    # only like quantities in the unit asked (a 项 total is never a sum of two head-counts, 名), and
    # only exact figures (近千家 less 9家 is not 991家)
    candidates = [c for c in found if c.figure is not None and c.coverage >= 0.3 and not c.figure.qualifier
                  and (not asked_unit or _unit_class(c) == asked_unit)]
    # a figure whose own item names both operands is their total ("筹集的1127.6万元解困和慰问资金": the
    # sum asked is printed) or their comparison, never one operand ("关税和进口环节税940亿元")
    both = [c for c in candidates if names_both(extractor, parts, c, question.places)]
    if parts.op == "+" and any(c in both for c in candidates[:3]):
        return None
    candidates = [c for c in candidates if c not in both]
    if parts.op == "−" and not any(names_a_change(t) for t in [*parts.left, *parts.right, *parts.shared]):
        # "存款余额比贷款余额多多少": two levels compared, each as it stands now; 比年初增加…亿元 is
        # neither of them, nor is where a change started ("由199.7亿元增至527.6亿元"). (An operand that
        # is itself a change, "增长的比…增长的多多少", may be one.)
        candidates = [c for c in candidates if not _compared_or_start(c, question.years)]
    measure = max(parts.shared, key=extractor.idf, default="")
    if measure and not _SAID_BY_THE_UNIT.search(measure):
        # what both operands measure ("进口" of "外商投资企业的进口比国有企业的进口") is printed with each:
        # 进出口1636.6亿美元 is no operand. (A count, 人数 or 户数, is said by the unit: "招收硕士生5.8万人";
        # so is a share, 比例 or 比重: "…的企业占62.88%".)
        candidates = [c for c in candidates if local(extractor, [measure], c) >= 0.45
                      and not _labelled_otherwise(c, measure)]
    return candidates


_SAID_BY_THE_UNIT = re.compile(r"数$|^(?:比例|比重|份额|比率|百分比|占比)$")


def printed_difference(question: Question, hits: list[Hit], extractor: Extractor) -> Candidate | None:
    """"比年初审批的预算额减少724.15万元", "比上半年…低9.2个百分点": the page prints the very difference
    asked (after 比 and the thing compared with). Then that figure is the answer, as printed, and
    nothing is computed."""
    parts = split_question(question)
    if parts is None or parts.op != "−":
        return None
    right_terms = parts.right
    for c in extractor.candidates(question, hits)[:3]:
        if c.figure is None or c.coverage < PRINTED_CHANGE or extractor.level_for_change(question, c):
            continue  # (nor is a rate in % the difference asked in points)
        plain, _, mine = c.in_print()
        compared = plain[: mine.start].rsplit("比", 1) if mine is not None else []
        if len(compared) == 2 and any(t in compared[1] for t in right_terms) and printed_as_change(plain, mine):
            return c
    return None


def answers_operation(question: Question, candidate: Candidate) -> bool:
    """A question asking for a difference of two named things ("比高校教职工多出多少") is not
    answered by one of them: only a figure printed as a change is. (A sum is not checked so: "和"
    joins modifiers as often as operands, "险村险户和生存条件差的农户…一共搬迁了多少人".)"""
    parts = split_question(question)
    if parts is None or candidate.figure is None:
        return True
    return parts.op != "−" or candidate.is_change


def part_for_a_sum(question: Question, candidate: Candidate, found: list[Candidate], extractor: Extractor) -> bool:
    """"红星机械厂和东风纺织厂职工一共多少人" is not answered by 红星机械厂's 近千人 when 东风纺织厂's 600人
    stands beside it: a figure that names one operand alone, with another of the same unit naming the
    other one alone, is a part of the total asked. (A figure naming neither or both may be the total.)"""
    parts = split_question(question)
    if parts is None or parts.op != "+" or candidate.figure is None:
        return False
    sides = [[t for t in side if t not in question.places] or side for side in (parts.left, parts.right)]
    mine = [local(extractor, side, candidate) for side in sides]
    own = mine.index(max(mine))
    if mine[own] < NAMES_SIDE or mine[own] - mine[1 - own] < LEANS:
        return False
    for other in found[:8]:
        if other is candidate or other.figure is None or _unit_class(other) != _unit_class(candidate):
            continue
        theirs = [local(extractor, side, other) for side in sides]
        if theirs[1 - own] >= NAMES_SIDE and theirs[1 - own] - theirs[own] >= LEANS:
            return True
    return False


# a figure names an operand when its words sit around it, and that operand alone when the other's
# sit clearly less near ("A和B职工": 职工, said once, is both's, so the other side is never at zero)
NAMES_SIDE, LEANS = 0.6, 0.3

PRINTED_CHANGE = 0.55  # the answerer's own bar (answer.ACCEPT): a printed change it would answer with


def _flanked(candidate: Candidate) -> tuple[str, str, str, Figure] | None:
    """The candidate's sentence as normalised, the words either side of its figure, and the figure as
    printed there (None where it is not)."""
    plain, figures, mine = candidate.in_print()
    return (plain, *flanks(plain, mine, figures), mine) if mine is not None else None


def _labelled_otherwise(candidate: Candidate, measure: str) -> bool:
    """The figure's own label is another quantity with the measure's head ("全年进出口1526.2亿美元"
    for 进口), though a sentence before it printed the measure asked."""
    printed = _flanked(candidate)
    if printed is None:
        return False
    left = printed[1]
    words = jieba.lcut(left) if left else []
    label = words[-1] if words else ""
    return len(label) >= 2 and label != measure and label[-1] == measure[-1] and measure not in left


def _compared_or_start(candidate: Candidate, years: list[str]) -> bool:
    """Printed as a change against another time ("比年初增加…"), or where a change started, at a
    time the question does not ask about ("由199.7亿元增至…"; not "由1993年底的6.98平方米提高到…" asked of 1993)."""
    printed = _flanked(candidate)
    if printed is None:
        return False
    plain, left, right, mine = printed
    started = is_range_start(left, right) and not any(f"{y}年" in left for y in years)
    return started or compared_change(plain, mine)


def _unit_class(candidate: Candidate) -> str:
    return _unit_of(candidate.figure)


def _unit_of(figure) -> str:
    """名 and 位 count people as 人 do; a figure without a unit is of its kind."""
    return counted_unit(figure.unit) or figure.kind


def _print_like(value: float, model: Candidate) -> str:
    """Write the result in the style of its operands: 亿元 stays 亿元, % becomes 个百分点."""
    printed = model.figure.text
    unit = model.figure.unit
    if unit == "%":
        return f"{_number(value)}个百分点"
    for scale, factor in (("亿", 1e8), ("万", 1e4)):
        if scale in printed:
            return f"{_number(value / factor)}{scale}{unit}"
    return f"{_number(value)}{unit}"


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


# "降到了多少" asks where it ended; "降了多少" by how much
# "减少到了多少人", "降至多少": the level a change reached, not the change
_ASKS_LEVEL = re.compile(r"(?:[降升减增提涨跌]|减少|提高|增加|下降|上升|降低|提升|增长|上涨|回升|扩大|缩小)了?[到至]"
                         r"|达到|是多少|为多少")
_BY_HOW_MUCH = re.compile(r"[降减增升涨跌提]了?(多少|几)")
_COMPARED_WITH = re.compile(r"比((?:19|20)\d{2}年|前年|去年)的?$")
_BASE_YEAR = re.compile(r"(?:比|从)((?:19|20)\d{2})年")
CHANGE_COVERAGE = 0.45  # the two levels must be about what is asked, as an answer must
# the right operand of a change over time is a time (上年, 年初, 短期内), not another subject (普通高校)
_A_TIME = re.compile(r"[年月季旬周期初末底]|时候|以前|过去|原来")


def change_between(question: Question, hits: list[Hit], extractor: Extractor) -> Composite | None:
    """A change the page prints only as two levels: "所得税率从55%降至33%" asked "一共降了多少个百分点",
    or "提高到1996年的1508元，1997年达到1750元" asked "1997年比1996年增加了多少元". Never when
    the page prints the change itself: then that figure is the answer, as printed."""
    asks_change = question.asks == "growth" or ASKS_CHANGE.search(question.text) or _BY_HOW_MUCH.search(question.text)
    if not asks_change or _ASKS_LEVEL.search(question.text):
        return None
    base = _BASE_YEAR.search(question.text)
    # only the figure the reader would answer with: a change printed elsewhere ranks first and wins
    found = [c for c in extractor.candidates(question, hits) if c.figure is not None and c.coverage >= CHANGE_COVERAGE]
    # with a base year asked, the level of the year asked may rank below another figure of that year
    # ("1997年…直接贸易额298亿美元" above "从1990年的117.7亿美元增加到1997年的489.9亿美元")
    for c in found[: 3 if base else 1]:
        plain = normalise(c.sentence)
        figures = [f for f in find_figures(plain) if f.kind != "date"]
        mine = next((f for f in figures if f.text == c.figure.text), None)
        if mine is None:
            continue
        alike = [f for f in figures if f is not mine and _unit_of(f) == _unit_of(mine)]
        if any(printed_as_change(plain, f) for f in [mine, *alike]):
            return None  # the change is printed
        other, mine_is_start = None, False
        base_year = base.group(1) if base else ""
        issue = issue_year(c.paragraph)
        asked_year = next((y for y in asked_years(question, issue) if y != base_year), "")
        if base and asked_year:
            mine_year = _year_of(plain, mine, issue)
            if mine_year in (asked_year, base_year, ""):
                # unmarked, the figure is of the report's own time: "只有22.17%…，而在1996年，…43.2%"
                wanted = base_year if mine_year in (asked_year, "") else asked_year
                other = next((f for f in alike if _year_of(plain, f, issue) == wanted), None)
                mine_is_start = mine_year == base_year
        else:
            left, right = flanks(plain, mine, figures)
            later = [f for f in alike if f.start > mine.end]
            earlier = [f for f in alike if f.end <= mine.start]
            if is_range_start(left, right) and later:
                other, mine_is_start = later[0], True  # from mine to this one
            elif earlier and is_range_start(*flanks(plain, earlier[-1], figures)) \
                    and RANGE_TO.fullmatch(plain[earlier[-1].end: mine.start]):
                other = earlier[-1]  # "从55%降至33%": from that one to mine
        if other is None:
            continue
        partner = Candidate(c.paragraph, c.sentence, other, c.score, c.coverage, c.subject, c.rank)
        start, end = (c, partner) if mine_is_start else (partner, c)
        high, low = (end, start) if end.figure.value >= start.figure.value else (start, end)
        value = high.figure.value - low.figure.value
        return Composite("−", high, low, value, _print_like(value, high))
    return None


def _year_of(sentence: str, figure, issue: int | None = None) -> str:
    """The year printed last between the figure and the figure before it ("１９９６年，78.4%…，而去年，
    这一人数为47.6%": 1996 and the issue's year before)."""
    before = [f.end for f in find_figures(sentence) if f.kind != "date" and f.end <= figure.start]
    segment = re.split(r"[；;。]", sentence[max(before, default=0): figure.start])[-1]
    compared = _COMPARED_WITH.search(segment)  # "比前年的4350.69亿美元": the level of the year compared with
    years = years_printed(compared.group(1) if compared else segment, issue)
    return years[-1] if years else ""
