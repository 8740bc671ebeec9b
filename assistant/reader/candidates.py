"""Candidates: every figure (with its unit and qualifier) in the retrieved paragraphs for a question
that asks for a figure; every sentence for one that asks for a name, place or fact. Each candidate
keeps where it sits (item, clause, sentence, paragraph), which is what the evidence is read from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..extract import COMPATIBLE as RULE_COMPATIBLE
from ..extract import Extractor, answers_kind, clause_around, item_around
from ..figures import chinese_to_number, find_figures
from ..flanks import years_printed
from ..question import Question
from ..schema import Figure, Hit, Paragraph
from ..text import clauses, sentences
from ..units import split

# As the rule reader's, and a bare "how many/much" may also be a duration (几年 → 3年).
COMPATIBLE = {**RULE_COMPATIBLE, "number": RULE_COMPATIBLE["number"] | {"duration"}}


@dataclass
class Candidate:
    paragraph: Paragraph
    paragraph_index: int  # position in the index, for its stored vectors
    sentence_index: int
    clause_index: int
    sentence: str  # as printed: what the answer quotes
    plain: str  # normalised: what the evidence is read from
    clause: str
    item: str
    context: str  # article heading + paragraph text
    figure: Figure | None
    hit: Hit
    place_fit: float
    subject: tuple[str, ...]
    sentence_figures: int  # figures in the sentence: a list of figures is harder to read


def candidates(question: Question, hits: list[Hit], extractor: Extractor) -> list[Candidate]:
    """All candidates for the question in the hits, places already checked (a sentence about 湖北
    never answers for 湖南: that stays a hard rule, not a weight)."""
    asked = find_figures(question.text, bare_numerals=True)
    position = extractor.index.position
    found: list[Candidate] = []
    for hit in hits:
        paragraph = hit.paragraph
        context = extractor.context(paragraph)
        printed = sentences(paragraph.text)
        for j, plain in enumerate(split(paragraph)):
            place_fit = extractor._place_fit(question, plain, paragraph, context)
            if place_fit is None:
                continue
            subject = extractor._subject(plain, paragraph, context)
            spans = clauses(plain)
            index = position.get(paragraph.paragraph_id, 0)
            if not question.wants_figure:
                found.append(Candidate(paragraph, index, j, 0, printed[j], plain, plain, plain, context, None, hit,
                                       place_fit, subject, 0))
                continue
            figures = find_figures(plain)
            for figure in figures:
                # the rule reader's hard rules (another year, span, place…) hold here too
                if not answers_kind(question.answer_kind, figure, plain, COMPATIBLE) \
                        or extractor.ruled_out(question, plain, figure, paragraph, asked, figures):
                    continue
                k = next((i for i, (a, b) in enumerate(spans) if a <= figure.start < b), 0)
                found.append(Candidate(paragraph, index, j, k, printed[j], plain, clause_around(plain, figure, spans, figures),
                                       item_around(plain, figure), context, figure, hit, place_fit, subject,
                                       len(figures)))
    return found


def time_words(text: str) -> set[str]:
    """Expressions that pin a figure to a time: years, 今年/去年, quarters, months, 截至."""
    return set(re.findall(r"(?:19|20)\d{2}年|今年|去年|上年|前年|明年|同期|上半年|下半年|[一二三四1-4]季度|前[三3]季度|全年|"
                          r"\d{1,2}[-至到～~]\d{1,2}月|\d{1,2}月份?|截至|年底|年末|年初", text))


# a part of the year a figure covers; "1—11月" and "前11个月" are one period
_PERIOD = re.compile(r"上半年|下半年|前[三3]季度|([一二三四1-4])季度|(\d{1,2})\s*[-—－至到～~]\s*(\d{1,2})月"
                     r"|前([\d一二三四五六七八九十]{1,3})个月|(\d{1,2})月(?:份)?(?!\d{1,2}日|\d)|全年")


def time_marks(text: str, issue_year: int | None) -> tuple[set[str], set[str]]:
    """The years (relative ones read by the issue: 去年 in a 1998 paper is 1997) and the parts of
    the year a text names, so that "1997年" and "去年" agree and "1—11月" and "全年" do not."""
    periods = set()
    for m in _PERIOD.finditer(text):
        quarter, first, last, months, month = m.groups()
        if quarter:
            periods.add(f"Q{'一二三四'.index(quarter) + 1 if quarter in '一二三四' else quarter}")
        elif first:
            periods.add(f"{int(first)}-{int(last)}月")
        elif months:
            n = chinese_to_number(months)
            periods.add(f"1-{int(n)}月" if n else m.group(0))
        elif month:
            periods.add(f"{int(month)}月")
        else:
            periods.add(m.group(0).replace("3", "三"))
    return set(years_printed(text, issue_year)), periods
