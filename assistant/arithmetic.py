"""Sums and differences of two printed figures ("公务员和事业单位岗位一共多少个？",
"签约资金比到位资金多多少？"). The result is shown with its working, so every number it rests on
is still a printed, cited figure (verify.py checks the working)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extract import Candidate, Extractor, clause_around, item_around
from .figures import find_figures
from .question import Question
from .schema import Hit
from .text import clauses, normalise

_SUM = re.compile(r"一共|合计|总共|加起来|共计|之和|总计|总和")
_DIFFERENCE = re.compile(r"比(?P<rest>.+?)(多|高|少|低|大|小)(了)?(多少|几)|相差|差距|差(多少|几)")
_JOIN = re.compile(r"和|与|及|、|加上")


@dataclass
class Composite:
    op: str  # "+" or "−"
    left: Candidate
    right: Candidate
    value: float
    text: str  # the result as printed in the answer: "55.1亿元"


def split_question(question: Question) -> tuple[str, list[str], list[str]] | None:
    """The operation and the focus words of each operand, or None for a plain question."""
    text = question.text
    if _SUM.search(text):
        op, m = "+", _JOIN.search(_SUM.split(text)[0])
    elif _DIFFERENCE.search(text):
        op, m = "−", re.search(r"比", text)
    else:
        return None
    if m is None:
        return None
    left_text, right_text = text[: m.start()], text[m.end():]
    left = [t for t in question.focus if t in left_text]
    right = [t for t in question.focus if t in right_text and t not in left]
    if not left or not right:
        return None
    return op, left, right


def compose(question: Question, hits: list[Hit], extractor: Extractor) -> Composite | None:
    """The best pair of distinct figures with the same unit, one for each operand."""
    parts = split_question(question)
    if parts is None:
        return None
    op, left_terms, right_terms = parts
    asked_unit = _SAME.get(question.unit, question.unit)
    # Only like quantities, in the unit asked: a 项 total is never a sum of two head-counts (名).
    candidates = [c for c in extractor.candidates(question, hits) if c.figure is not None and c.coverage >= 0.3
                  and (not asked_unit or _unit_class(c) == asked_unit)]
    best, best_score = None, 0.0
    for a in candidates:
        for b in candidates:
            if a.figure.text == b.figure.text or _unit_class(a) != _unit_class(b):
                continue
            score = _local(extractor, left_terms, a) + _local(extractor, right_terms, b) + min(a.score, b.score)
            if a.paragraph != b.paragraph:
                score -= 0.2  # two paragraphs can hold the operands, but one that holds both is likelier
            if score > best_score:
                best, best_score = (a, b), score
    if best is None or best_score < 1.6:
        return None
    a, b = best
    value = a.figure.value + b.figure.value if op == "+" else a.figure.value - b.figure.value
    return Composite(op, a, b, value, _print_like(value, a))


def _local(extractor: Extractor, terms: list[str], candidate: Candidate) -> float:
    """How well the operand's own words sit around this figure (its item and clause)."""
    plain = normalise(candidate.sentence)
    figures = find_figures(plain)
    mine = [f for f in figures if f.text == candidate.figure.text]
    if not mine:
        return 0.0
    item = item_around(plain, mine[0])
    clause = clause_around(plain, mine[0], clauses(plain), figures)
    coverage, _ = extractor.coverage(terms, [(item, 1.0), (clause, 0.85), (plain, 0.5)])
    return coverage


_SAME = {"名": "人", "位": "人"}


def _unit_class(candidate: Candidate) -> str:
    unit = candidate.figure.unit
    return _SAME.get(unit, unit) or candidate.figure.kind


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
