"""The extractive answerer: a short direct answer, the sentence it rests on quoted, numbered
citations; a plain refusal when the sources do not hold the answer; every source listed when
several give different figures. Every number it prints comes from a cited paragraph."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Protocol

from . import names
from .arithmetic import Composite, answers_operation, compose, part_for_a_sum, printed_difference
from .extract import Candidate, Extractor, counts_another_thing, counts_the_subject, named_after_the_list
from .flanks import asked_starts, ends_range_from
from .operands import local
from .question import Question
from .reader import Reader
from .reader.judge import Judge
from .reader.verifier import Verifier
from .schema import CREDIT, Answer, Citation, Hit, Paragraph
from .sources import citation_label

ACCEPT = 0.55  # share of the question's focus that must surround an answer
RELATED = 0.3  # below this a paragraph is not even worth showing as related
RELATED_SHOWN = 2  # sentences a refusal shows as related
SAYING_POOL = 5  # the best candidates read for a quoted saying
TIE = 0.08  # candidates this close to the best are alternative answers
# the end of a change the question started ("从44个压到了几个") needs only a quarter of its words:
# the start figure the page prints with it is evidence no other figure has
RANGE_END_WORDS = 0.25
OWN_CLAUSE = 0.85  # operands.local's weight of a word printed in the figure's own clause
# what stands between a label and its figure ("产量达到", "收入共计", "为近")
_LINKS = re.compile(r"(?:共计|合计|总计|累计|达到|为|达|是|有|共|约|近|超|逾|了)+$")


def stated_before(question: Question, candidate: Candidate, extractor: Extractor) -> bool:
    """A follow-up ("那外商投资企业的进口呢？") asks for something other than the figure the turn before
    answered. The same value printed again is a new answer where its own clause names what the
    follow-up newly asks ("小学毕业生升学率达100%，初中三年巩固率达100%": 初中三年巩固率呢？)."""
    if candidate.figure is None or candidate.figure.text not in question.answered_before:
        return False
    new = newly_asked(question)
    return not new or local(extractor, new, candidate) < OWN_CLAUSE


def newly_asked(question: Question) -> list[str]:
    """The words a follow-up asks that the question before it did not print ("长期内呢？" after "…短期内会
    使其出口增长多少": 长期; jieba's 内会 is printed there too)."""
    return [t for t in question.focus if t not in question.asked_before] if question.asked_before else []


class Answerer(Protocol):
    """What the chat asks of an answerer, extractive or generative: the answer as it is written
    (text pieces, then the final verified `Answer`), and a follow-up put as a standalone question
    where the answerer can do that itself (None: the chat's own rules do it)."""

    name: str

    def answer(self, question: Question, hits: list[Hit], *, asked: str) -> Answer: ...

    def stream(self, question: Question, hits: list[Hit], *, asked: str, user_text: str = "") -> Iterator[str | Answer]: ...

    def rewrite(self, history: list[str], question: str) -> str | None: ...


class ExtractiveAnswerer:
    """Answers from the printed text only. With a `Reader`, the answer is chosen by the learned
    scorer; without one, by the hand-set rules of `Extractor` (kept for comparison)."""

    name = "extractive"

    def __init__(self, extractor: Extractor, reader: Reader | None = None, judge: Judge | None = None,
                 verifier: Verifier | None = None) -> None:
        self.extractor = extractor
        self.reader = reader
        self.judge = judge  # decides on the rule scorer's candidates (reader/judge.py)
        self.verifier = verifier  # reads again, with the local model, what the judge refuses (reader/verifier.py)

    def stream(self, question: Question, hits: list[Hit], *, asked: str, user_text: str = "") -> Iterator[str | Answer]:
        """One piece: the answer is chosen whole, then shown."""
        answer = self.answer(question, hits, asked=asked)
        yield answer.text
        yield answer

    def rewrite(self, history: list[str], question: str) -> str | None:
        return None  # follow-ups are resolved by the chat's rules (chat.resolve_followup, in_context)

    def answer(self, question: Question, hits: list[Hit], *, asked: str) -> Answer:
        if question.asks == "person" and re.search(r"拍|摄", question.text):
            credited = self._photo_credit(question, hits, asked)
            if credited is not None:
                return credited
        if question.wants_figure:
            printed = printed_difference(question, hits, self.extractor)
            if printed is not None:
                return self._single(question, printed, asked)
            composite = compose(question, hits, self.extractor)
            if composite is not None:
                return self._computed(question, composite, asked)
        if names.asks_a_saying(question):
            saying = self._saying(question, hits)
            if saying is not None:
                return self._single(question, saying, asked)
        if question.headline and question.asks == "fact":
            labelled = self._labelled_figure(question, hits)
            if labelled is not None:
                return self._single(replace(question, asks="number"), labelled, asked)
        if self.reader is not None:
            decision = self.reader.read(question, hits, question.vector)
            if decision.answer is None:
                return self._refuse(question, decision.related, asked)
            if decision.several:
                return self._several(question, decision.several, asked)
            return self._single(question, decision.answer, asked)
        candidates = self.extractor.candidates(question, hits)
        accepted, closest = self._decide(question, candidates)
        if not accepted:
            return self._refuse(question, [*closest, *(c for c in candidates if c.coverage >= RELATED)], asked)
        best = accepted[0]
        if question.asks in ("person", "organisation"):
            # the first accepted sentence that names one: a quote that names no one answers no "哪家"
            best = next((c for c in accepted if c.figure is None and self._entity(question, c)), best)
        rivals = self._different_sources(question, accepted)
        if len(rivals) > 1:
            return self._several(question, rivals, asked)
        return self._single(question, best, asked)

    def _decide(self, question: Question, candidates: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
        """The candidates that may be stated, best first, and those found closest, shown with a
        refusal; never a count of other things than those asked (extract.counts_another_thing), nor
        of the subject the question names (extract.counts_the_subject), nor one of a list that leaves out
        what the question asks of (extract.named_after_the_list)."""
        stated, closest = self._verdict(question, candidates)
        if stated and (counts_another_thing(question, stated[0].figure) or counts_the_subject(question, stated[0])
                       or named_after_the_list(question, stated[0])):
            return [], closest
        return stated, closest

    def _verdict(self, question: Question, candidates: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
        """The rule reader's verdict as the judge lets it stand; and those the judge found closest."""
        # the hard rules of acceptance, for the rules and the judge alike: no level for a change, no
        # operand for a difference
        eligible = [c for c in candidates if not self.extractor.level_for_change(question, c)
                    and answers_operation(question, c)
                    and not part_for_a_sum(question, c, candidates, self.extractor)
                    and not stated_before(question, c, self.extractor)]
        accepted = self._accepted(question, candidates, eligible)
        if self.judge is not None:
            verdict = self.judge.choose(question, eligible, accepted[0] if accepted else None)
            if verdict.answer is None and self.verifier is not None:
                rescued = self.verifier.rescue_from(question.text, verdict.weighed, bool(accepted))
                if rescued is not None:
                    return [rescued], []  # a paraphrase the model reads as the figure asked
            if verdict.answer is None:
                return [], verdict.closest  # the judge refuses what the rules would state
            if not accepted:
                return [verdict.answer], []  # and states, where it is sure, what they refuse (reader/judge.py)
        return accepted, []

    def _saying(self, question: Question, hits: list[Hit]) -> Candidate | None:
        """"题词的内容": the sentence that prints the saying in quotes after the noun asked. The
        sentence that only reports it was said ("为会议题了词") covers the question better and
        answers nothing, so the first few near the question are read for the quote itself."""
        for c in self.extractor.candidates(question, hits)[:SAYING_POOL]:
            if c.coverage >= ACCEPT and names.quoted_saying(question, c.sentence):
                return c
        return None

    def _labelled_figure(self, question: Question, hits: list[Hit]) -> Candidate | None:
        """"1997年贵州12个国家级贫困县人均占有粮食？" asks as a headline does, with no question word:
        it names a figure's label. The figure printed right after the words the question ends on
        ("人均占有粮食325公斤") answers it, where the rules would state that figure for a number asked."""
        as_figure = replace(question, asks="number")
        accepted, _ = self._decide(as_figure, self.extractor.candidates(as_figure, hits))
        if not accepted or accepted[0].figure is None or not question.focus:
            return None
        best, last = accepted[0], question.focus[-1]
        plain, _, mine = best.in_print()
        if mine is None or len(last) < 2:
            return None
        label = _LINKS.sub("", plain[: mine.start])
        return best if any(label.endswith(word) for word in (last, *self.extractor.synonyms.of(last))) else None

    def _accepted(self, question: Question, candidates: list[Candidate], eligible: list[Candidate]) -> list[Candidate]:
        """The rule reader's verdict: eligible candidates with enough of the question around them, best first."""
        accepted = [c for c in eligible if c.coverage >= ACCEPT and c.score >= ACCEPT - 0.1]
        if not accepted and eligible and eligible[0] is candidates[0] and self.extractor.paraphrased(question, eligible[0]):
            accepted = eligible[:1]
        if not accepted and question.wants_figure:
            accepted = self._range_end(question, eligible)
        return accepted

    @staticmethod
    def _range_end(question: Question, candidates: list[Candidate]) -> list[Candidate]:
        """"从44个压到了几个": the question gives where a change started; the figure the page prints
        where that same change ended answers it, however the question words the change."""
        starts = asked_starts(question)
        if not starts:
            return []
        for c in candidates:
            plain, figures, mine = c.in_print()
            if mine is not None and c.coverage >= RANGE_END_WORDS and ends_range_from(plain, mine, figures, starts):
                return [c]
        return []

    def _single(self, question: Question, best: Candidate, asked: str) -> Answer:
        sources = _Sources()
        n = sources.cite(best.paragraph, best.figure.text if best.figure else "")
        if best.figure is not None:
            direct = f"答：{best.figure.text}。"
            figures = [best.figure.text]
        else:
            entity = self._entity(question, best)
            if not entity and names.asks_a_titled_person(question):
                return self._refuse(question, [best], asked)
            direct = f"答：{entity}。" if entity else "答：据资料记载，"
            figures = []
            if entity:
                sources.highlight(n, entity)
        quote = f"依据：“{_trim(best.sentence, best.figure.text if best.figure else '')}”[{n}]"
        text = f"{direct}\n{quote}\n\n{sources.render()}"
        return Answer(asked, question.text, text, False, sources.citations, figures)

    def _entity(self, question: Question, c: Candidate) -> str:
        return names.entity(question, c.sentence, self.extractor.places, self.extractor.index.tokenizer)

    def _photo_credit(self, question: Question, hits: list[Hit], asked: str) -> Answer | None:
        """"照片是谁拍的": the credit line printed with the article the question is about."""
        for hit in hits[:3]:
            p = hit.paragraph
            for credit in self.extractor.index.paragraphs:
                if credit.kind != CREDIT or credit.source_file != p.source_file or credit.article != p.article:
                    continue
                name = re.sub(r"^(本报|新华社|特约)?(记者|通讯员|摄影|摄)?\s*|\s*摄$", "", credit.text.strip())
                if not name:
                    continue
                sources = _Sources()
                n = sources.cite(credit, name)
                sources.cite(p)
                text = f"答：{name}。\n依据：图片署名“{credit.text.strip()}”[{n}]\n\n{sources.render()}"
                return Answer(asked, question.text, text, False, sources.citations, [])
        return None

    def _computed(self, question: Question, c: Composite, asked: str) -> Answer:
        sources = _Sources()
        n = sources.cite(c.left.paragraph, c.left.figure.text)
        m = sources.cite(c.right.paragraph, c.right.figure.text)
        lines = [f"答：{c.text}。", f"计算：{c.left.figure.text} {c.op} {c.right.figure.text} = {c.text}",
                 f"依据：“{_trim(c.left.sentence, c.left.figure.text)}”[{n}]"]
        if c.right.sentence != c.left.sentence:
            lines.append(f"“{_trim(c.right.sentence, c.right.figure.text)}”[{m}]")
        text = "\n".join(lines) + f"\n\n{sources.render()}"
        return Answer(asked, question.text, text, False, sources.citations, [c.text])

    def _several(self, question: Question, rivals: list[Candidate], asked: str) -> Answer:
        sources = _Sources()
        lines = ["资料中不同来源给出了各自的数字，分别列出："]
        figures = []
        for c in rivals:
            n = sources.cite(c.paragraph, c.figure.text if c.figure else "")
            who = "、".join(c.subject) or c.paragraph.article
            figure = f"{c.figure.text}，" if c.figure else ""
            lines.append(f"- {who}：{figure}“{_trim(c.sentence, c.figure.text if c.figure else '')}”[{n}]")
            if c.figure:
                figures.append(c.figure.text)
        text = "\n".join(lines) + f"\n\n{sources.render()}"
        return Answer(asked, question.text, text, False, sources.citations, figures)

    def _refuse(self, question: Question, related: list, asked: str) -> Answer:
        sources = _Sources()
        lines = ["资料中没有找到这个问题的答案。"]
        if related:
            lines.append("相关内容（未用作答案，仅供参考）：")
            seen = set()
            for c in related:
                if c.sentence in seen:
                    continue
                if len(seen) == RELATED_SHOWN:
                    break
                seen.add(c.sentence)
                n = sources.cite(c.paragraph)
                lines.append(f"- “{_trim(c.sentence, '')}”[{n}]")
        text = "\n".join(lines) + (f"\n\n{sources.render()}" if sources.citations else "")
        return Answer(asked, question.text, text, True, sources.citations, [])

    @staticmethod
    def _different_sources(question: Question, accepted: list[Candidate]) -> list[Candidate]:
        """Alternative answers from different places, when the question names none."""
        if question.places or not question.wants_figure:
            return []
        best = accepted[0]
        picked: list[Candidate] = []
        for c in accepted:
            if c.score < best.score - TIE or not c.subject:
                continue
            if any(set(c.subject) & set(p.subject) or c.paragraph == p.paragraph and c.sentence == p.sentence
                   for p in picked):
                continue
            picked.append(c)
        if len({p.figure.value for p in picked if p.figure}) < 2:
            return []
        return picked[:4]


class _Sources:
    """Numbered citations, one per paragraph, in the order they are first used. Each reads like a
    newspaper reference (《西藏日报》2026年1月20日 第3版 ·《标题》) where the page's metadata is
    known, the file name where it is not; the paragraph id follows in small print."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, paragraph: Paragraph, highlight: str = "") -> int:
        for c in self.citations:
            if c.paragraph_id == paragraph.paragraph_id:
                return c.number
        number = len(self.citations) + 1
        self.citations.append(Citation(number, paragraph.paragraph_id, paragraph.source_file, paragraph.article,
                                       paragraph.section, paragraph.text, highlight,
                                       label=citation_label(paragraph), page=paragraph.page))
        return number

    def highlight(self, number: int, phrase: str) -> None:
        self.citations[number - 1] = replace(self.citations[number - 1], highlight=phrase)

    def render(self) -> str:
        lines = ["来源："]
        for c in self.citations:
            where = c.label + (f"·{c.section}" if c.section else "")
            lines.append(f"[{c.number}] {where}｜{c.paragraph_id}")
        return "\n".join(lines)


def _trim(sentence: str, keep: str, limit: int = 140) -> str:
    """Quote long sentences around the part that matters, marking cuts with ……"""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    at = sentence.find(keep) if keep else 0
    at = max(at, 0)
    start = max(0, min(at - limit // 2, len(sentence) - limit))
    piece = sentence[start: start + limit]
    return ("……" if start > 0 else "") + piece + ("……" if start + limit < len(sentence) else "")
