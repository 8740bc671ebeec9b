"""Evidence: what speaks for one candidate answering the question, as numbers the scorer weighs.

Nothing here is a word list grown for test questions. Lexical overlap is counted on jieba words
(IDF-weighted) and on character bigrams, at item, clause, sentence and paragraph scope; semantic
similarity is the cosine between the question's e5 vector and the candidate's clause and sentence
vectors stored at index time; the rest checks that answer type, unit, time and place agree."""

from __future__ import annotations

import re

import numpy as np

from ..extract import Extractor
from ..figures import counted_unit, find_figures
from ..flanks import issue_year, years_printed
from ..question import Question
from .candidates import Candidate, time_words

# Order matters: the fitted model's weights follow it.
FIGURE_FEATURES = (
    "words_item", "words_clause", "words_sentence", "words_context", "words_credited", "anchored",
    "bigrams_item", "bigrams_clause", "bigrams_sentence",
    "sem_clause", "sem_sentence", "sem_clause_gap", "sem_sentence_gap",
    "unit_match", "unit_mismatch", "kind_exact", "change_for_change", "level_for_change", "change_for_level",
    "time_agrees", "time_conflicts", "year_missing",
    "place_fit", "rank_inverse", "is_top_hit", "breakdown_part", "proximity", "crowded",
    "words_credited_gap", "words_item_gap", "bigrams_sentence_gap", "date_sentence_words",
    # beside the figure (flanks.py)
    "flank_words", "counts_asked", "range_start", "year_here", "other_year", "respective", "in_respective",
)
FACT_FEATURES = (
    "words_sentence", "words_context", "words_credited", "anchored", "bigrams_sentence",
    "sem_sentence", "sem_sentence_gap", "time_agrees", "time_conflicts", "year_missing",
    "place_fit", "rank_inverse", "is_top_hit", "words_credited_gap", "bigrams_sentence_gap",
)
# Relative to the best candidate of the same question: how far behind the others this one is.
_GAPS = ("sem_clause", "sem_sentence", "words_credited", "words_item", "bigrams_sentence")
_NOT_CONTENT = re.compile(r"[\s\d，。？！、：；“”‘’（）《》?!,.:;()%]|多少|什么|哪|几|是|的|了|吗|呢")


def bigrams(text: str) -> set[str]:
    plain = _NOT_CONTENT.sub("|", text)
    return {plain[i: i + 2] for i in range(len(plain) - 1) if "|" not in plain[i: i + 2]}


class Evidence:
    """Reads the evidence for all candidates of one question (semantic gaps are relative to the
    best candidate of the same question, so they mean the same across questions)."""

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor

    def figure_features(self, question: Question, found: list[Candidate], vector: np.ndarray | None) -> np.ndarray:
        rows = [self._figure_row(question, c, vector) for c in found]
        return self._with_gaps(rows, FIGURE_FEATURES)

    def fact_features(self, question: Question, found: list[Candidate], vector: np.ndarray | None) -> np.ndarray:
        rows = [self._fact_row(question, c, vector) for c in found]
        return self._with_gaps(rows, FACT_FEATURES)

    @staticmethod
    def _with_gaps(rows: list[dict], names: tuple[str, ...]) -> np.ndarray:
        for key in _GAPS:
            best = max((r.get(key, 0.0) for r in rows), default=0.0)
            for r in rows:
                r[f"{key}_gap"] = r.get(key, 0.0) - best
        return np.array([[r.get(n, 0.0) for n in names] for r in rows], dtype=np.float64).reshape(len(rows), len(names))

    def _common(self, question: Question, c: Candidate, vector: np.ndarray | None) -> dict:
        cover = self.extractor.coverage
        credited, anchored = cover(question.focus, [(c.item, 1.0), (c.clause, 0.85), (c.plain, 0.7),
                                                    (c.context, 0.55)])
        asked_bigrams = bigrams(question.text)
        row = {
            "words_item": cover(question.focus, [(c.item, 1.0)])[0],
            "words_clause": cover(question.focus, [(c.clause, 1.0)])[0],
            "words_sentence": cover(question.focus, [(c.plain, 1.0)])[0],
            "words_context": cover(question.focus, [(c.context, 1.0)])[0],
            "words_credited": credited,
            "anchored": float(anchored),
            "bigrams_item": _share(asked_bigrams, c.item),
            "bigrams_clause": _share(asked_bigrams, c.clause),
            "bigrams_sentence": _share(asked_bigrams, c.plain),
            "place_fit": c.place_fit,
            "rank_inverse": 1.0 / c.hit.rank,
            "is_top_hit": float(c.hit.rank == 1),
        }
        row.update(self._time(question, c))
        units = self.extractor.index.units
        if vector is not None and units is not None:
            sentence = units.sentence(c.paragraph_index, c.sentence_index)
            clause = units.clause(c.paragraph_index, c.sentence_index, c.clause_index)
            row["sem_sentence"] = float(vector @ sentence.astype(np.float32)) if sentence is not None else 0.0
            row["sem_clause"] = float(vector @ clause.astype(np.float32)) if clause is not None else 0.0
        return row

    def _figure_row(self, question: Question, c: Candidate, vector: np.ndarray | None) -> dict:
        row = self._common(question, c, vector)
        figure = c.figure
        asked_unit, unit = counted_unit(question.unit), counted_unit(figure.unit)
        # what is printed beside the figure (flanks.py): the same reading the rule scorer weighs
        beside = self.extractor.flanks(question, c.plain, figure, find_figures(c.plain), self.extractor._heading(c.paragraph))
        is_change = beside.is_change
        asks_change = question.asks == "growth" or beside.asks_change
        row.update({
            "unit_match": float(bool(asked_unit) and unit == asked_unit),
            "unit_mismatch": float(bool(asked_unit) and unit != asked_unit),
            "kind_exact": float(figure.kind == question.asks),
            # which kind of figure is asked, as interactions a linear scorer can weigh separately
            "change_for_change": float(asks_change and is_change),
            "level_for_change": float(asks_change and not is_change and figure.kind != "percent"),
            "change_for_level": float(not asks_change and is_change),
            "breakdown_part": self.extractor._breakdown_penalty(question, c.plain, figure) / 0.3,
            "proximity": self._proximity(question, c),
            "crowded": min(c.sentence_figures, 8) / 8,
            # a date usually stands alone in its clause ("1月18日，…举行分红大会"): the sentence says what happened
            "date_sentence_words": row["words_sentence"] if figure.kind == "date" else 0.0,
        })
        row.update({
            "flank_words": beside.words, "counts_asked": float(beside.counts_asked),
            "range_start": float(beside.range_start), "year_here": float(beside.year_here),
            "other_year": float(beside.other_year), "respective": beside.respective or 0.0,
            "in_respective": float(beside.respective is not None),
        })
        return row

    def _fact_row(self, question: Question, c: Candidate, vector: np.ndarray | None) -> dict:
        return self._common(question, c, vector)

    @staticmethod
    def _time(question: Question, c: Candidate) -> dict:
        asked = time_words(question.text)
        near = time_words(c.clause) | time_words(c.item)
        anywhere = time_words(c.plain) | time_words(c.context)
        agrees = bool(asked & (near | anywhere))
        conflicts = bool(asked) and bool(near) and not (asked & near)
        years_missing = bool(question.years) and not set(question.years) & set(
            years_printed(f"{c.plain} {c.context}", issue_year(c.paragraph)))
        return {"time_agrees": float(agrees), "time_conflicts": float(conflicts), "year_missing": float(years_missing)}

    @staticmethod
    def _proximity(question: Question, c: Candidate) -> float:
        """How close the nearest question word sits to the figure, in characters."""
        at = c.figure.start
        distances = [abs(m.start() - at) for term in question.focus if len(term) >= 2
                     for m in re.finditer(re.escape(term), c.plain)]
        return 1.0 / (1.0 + min(distances) / 6) if distances else 0.0


def _share(asked: set[str], text: str) -> float:
    if not asked:
        return 0.0
    return sum(1 for b in asked if b in text) / len(asked)
