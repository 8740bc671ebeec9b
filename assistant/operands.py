"""What a sum or a difference asks of the page: which words name each operand, and how well a
printed figure sits with them ("公路客运量和水路客运量合计": 公路 | 水路, sharing 客运量). arithmetic.py
pairs the figures; this module only reads the question and the print around one figure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .extract import Candidate, Extractor, clause_around, elided_subject, item_around
from .question import Question
from .text import clauses, normalise, sentences

_SUM = re.compile(r"一共|合计|总共|加起来|共计|之和|总计|总和")
_DIFFERENCE = re.compile(r"比(?P<rest>.+?)(多|高|少|低|大|小)(出了|出|了)?(多少|几)|相差|差距|差(多少|几)")
_JOIN = re.compile(r"和|与|及|、|加上")
_COMPARED = re.compile(r"(?<![对相])比(?![例重率较值])")


@dataclass
class Operands:
    """What a sum or difference asks: its operation, the words that tell each operand apart, and
    the words both share ("公路客运量和水路客运量": 公路 | 水路, sharing 客运量)."""

    op: str  # "+" or "−"
    left: list[str]
    right: list[str]
    shared: list[str]
    # what qualifies both and is printed once for all ("计划招收硕士生的…"): shared, though no measure of each
    qualifying: list[str] = field(default_factory=list)


def split_question(question: Question) -> Operands | None:
    """The operation and its operands' words, or None for a plain question.

    Each operand is named by the words only its side prints; a place is set against a place
    ("广东…比上海", "同韩国和台湾的贸易额"). The operation's own words (一共, 多出) name neither."""
    text = question.text
    total = _SUM.search(text)
    difference = _DIFFERENCE.search(text)
    if total is not None:
        op, m, op_span = "+", _join_of_places(question, text[: total.start()]) or _JOIN.search(text[: total.start()]), total.span()
    elif difference is not None:
        # the 比 that sets the operands apart is the last before the change asked, not 比例 or 比重
        # ("开展经营承诺的企业比例，邮电通讯行业比文化娱乐场所高出多少")
        end = difference.start(2) if difference.group(2) else len(text)
        op, m = "−", next(reversed(list(_COMPARED.finditer(text, 0, end))), None)
        op_span = (difference.start(2), difference.end()) if difference.group(2) else difference.span()
    else:
        return None
    if m is None:
        return None
    def positions(term: str) -> list[int]:
        return _positions(text, question.place_forms.get(term, term))

    terms = [t for t in dict.fromkeys([*question.focus, *question.places])
             if not any(op_span[0] <= at < op_span[1] for at in positions(t))]
    before = [t for t in terms if any(at < m.start() for at in positions(t))]
    after = [t for t in terms if any(at >= m.end() for at in positions(t))]
    right = sorted((t for t in after if t not in before), key=lambda t: min(a for a in positions(t) if a >= m.end()))
    shared = [t for t in before if t in after]
    if right and right[0] in question.places:
        # "同韩国和台湾的贸易额": the places are the operands, what follows is both's
        shared += [t for t in right if t not in question.places]
        right = [t for t in right if t in question.places]
        left = [t for t in before if t in question.places and t not in right]
    else:
        left = [t for t in before if t not in after]
    if op == "−":
        # "开展经营承诺的企业比例，邮电通讯行业比文化娱乐场所高出多少": a clause before the comparison's
        # own frames both sides; the left operand is what the comparison's clause names
        opens = max(text.rfind(mark, 0, m.start()) for mark in "，,：:") + 1
        own = [t for t in left if any(opens <= at < m.start() for at in positions(t))]
        left = own or left
    qualifying: list[str] = []
    modifier = text.rfind("的", 0, m.start())
    if op == "+" and modifier >= 0 and "的" not in text[m.end(): op_span[0]]:
        # "计划招收硕士生的普通高等学校和科研机构一共": what 的 closes before the first of two things summed
        # qualifies both. (In "民航买飞机的投入比机场建设投资", a difference, it is the left side's own.)
        qualifying = [t for t in left if all(at < modifier for at in positions(t))]
        if len(qualifying) < len(left):
            left = [t for t in left if t not in qualifying]
        else:
            qualifying = []
    if not left or not right:
        return None
    return Operands(op, left, right, shared, qualifying)


def _join_of_places(question: Question, text: str) -> re.Match | None:
    """"我国和日本、香港的贸易额加起来": the join that stands between two places asked about, where the
    question joins other things first (我国和…, the trade's other side)."""
    named = [question.place_forms.get(p, p) for p in question.places]
    for m in _JOIN.finditer(text):
        if any(text[: m.start()].endswith(n) for n in named) and any(text[m.end():].startswith(n) for n in named):
            return m
    return None


def _positions(text: str, term: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(term), text)]


def local(extractor: Extractor, terms: list[str], candidate: Candidate) -> float:
    """How well the operand's words sit around this figure: in its item, its clause, its sentence, or
    what its paragraph printed before it."""
    plain, figures, mine = candidate.in_print()
    if mine is None:
        return 0.0
    # "●…计划9000亿元●…●住房贷款规模…": a bullet opens the next item
    item = _bullet(item_around(plain, mine), mine.text)
    clause = _bullet(clause_around(plain, mine, clauses(plain), figures), mine.text)
    # "水路货运量达12.8亿吨。客运量2.2亿人次": what the paragraph printed before may name the operand
    printed = [normalise(s) for s in sentences(candidate.paragraph.text)]
    earlier = "".join(printed[: printed.index(plain)]) if plain in printed else ""
    scopes = [(item, 1.0), (clause, 0.85), (elided_subject(plain, mine, clauses(plain)), 0.85), (plain, 0.5), (earlier, 0.45)]
    if any(t in extractor.places.aliases for t in terms):  # only a place may be printed by another name
        scopes = [(_places_spelt_out(extractor, scope), weight) for scope, weight in scopes]
    coverage, _ = extractor.coverage(terms, scopes)
    return coverage


def nearness(terms: list[str], candidate: Candidate) -> int:
    """How near before the figure its paragraph last names one of the operand's words, in characters
    (negated: nearer is larger). Where two figures sit equally well with both operands' words, as in
    "国有企业…进口609.7亿美元。…外商投资企业…进口777.2亿美元", each belongs to the one named last before it."""
    text = normalise(candidate.paragraph.text)
    plain, _, mine = candidate.in_print()
    at = text.find(plain)
    if at < 0 or mine is None:
        return -len(text)
    end = at + mine.start
    last = max((text.rfind(t, 0, end) + len(t) for t in terms if text.rfind(t, 0, end) >= 0), default=None)
    return -(end - last) if last is not None else -len(text) - 1


def own_item(candidate: Candidate) -> str:
    """The list item that holds the figure ("其中9家已获准经营人民币业务")."""
    plain, _, mine = candidate.in_print()
    return _bullet(item_around(plain, mine), mine.text) if mine is not None else plain


def names_both(extractor: Extractor, parts: Operands, candidate: Candidate, places: list[str]) -> bool:
    """The figure's own item prints both operands' words (a place aside: the dateline names it)."""
    plain, _, mine = candidate.in_print()
    if mine is None:
        return False
    item = _bullet(item_around(plain, mine), mine.text)
    sides = [[t for t in side if t not in places] or side for side in (parts.left, parts.right)]
    if any(t in extractor.places.aliases for side in sides for t in side):
        item = _places_spelt_out(extractor, item)
    item = [(item, 1.0)]
    return all(extractor.coverage(side, item)[0] >= 0.85 for side in sides)


def _places_spelt_out(extractor: Extractor, text: str) -> str:
    """The text with each place it names under the name the question's operands use ("印尼，45.1亿美元"
    names 印度尼西亚)."""
    out, at = [], 0
    for start, end, canonical in extractor.places.spans(text):
        out += [text[at:start], canonical]
        at = end
    return "".join(out) + text[at:]


def _bullet(scope: str, figure_text: str) -> str:
    return next((part for part in scope.split("●") if figure_text in part), scope)
