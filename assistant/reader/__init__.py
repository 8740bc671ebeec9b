"""The reader: chooses the answer among retrieved paragraphs.

candidates (every figure, date or sentence in the hits) → evidence (lexical, semantic, type, unit,
time and place agreement) → scorer (weights fitted on the dev splits) → decision (answer, several
sources, or refuse)."""

from __future__ import annotations

import numpy as np

from ..extract import Extractor
from ..question import Question
from ..schema import Hit
from .candidates import Candidate, candidates
from .decision import Decision, decide
from .evidence import Evidence
from .scorer import ReaderModel, answerability_row

__all__ = ["Candidate", "Decision", "Reader", "ReaderModel"]


class Reader:
    def __init__(self, extractor: Extractor, model: ReaderModel | None) -> None:
        """`model` None: candidates and evidence only (what training collects)."""
        self.extractor = extractor
        self.evidence = Evidence(extractor)
        self.model = model

    def candidates(self, question: Question, hits: list[Hit]) -> list[Candidate]:
        return candidates(question, hits, self.extractor)

    def features(self, question: Question, found: list[Candidate], vector: np.ndarray | None) -> np.ndarray:
        if question.wants_figure:
            return self.evidence.figure_features(question, found, vector)
        return self.evidence.fact_features(question, found, vector)

    def read(self, question: Question, hits: list[Hit], vector: np.ndarray | None) -> Decision:
        assert self.model is not None, "a Reader without a fitted model only collects evidence"
        found = self.candidates(question, hits)
        head = self.model.figure if question.wants_figure else self.model.fact
        rows = self.features(question, found, vector)
        probabilities = head.probability(rows)
        summary = answerability_row(question.wants_figure, probabilities, rows, head.features, answer_keys(found))
        answerable = float(self.model.answerable.probability(summary[None, :])[0])
        return decide(question, found, probabilities, answerable >= self.model.answerable.threshold, answerable)


def answer_keys(found: list[Candidate]) -> list:
    """What tells two candidates' answers apart: the figure's value, or the sentence."""
    return [c.figure.value if c.figure is not None else c.sentence for c in found]
