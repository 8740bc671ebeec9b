"""Decision: answer with the most probable candidate, list several sources when the question names
no place and different places give different figures, or refuse (showing the closest sentences,
marked as not the answer) when no candidate reaches the threshold chosen on dev."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..question import Question
from .candidates import Candidate

TIE = 0.1  # probabilities this close to the best are alternative answers


@dataclass
class Decision:
    answer: Candidate | None  # None: refuse
    probability: float  # that the best candidate answers the question (the answerability head)
    several: list[Candidate] = field(default_factory=list)  # more than one source, when none is asked
    related: list[Candidate] = field(default_factory=list)  # shown with a refusal, not as the answer


def decide(question: Question, found: list[Candidate], probabilities, answer: bool, answerable: float) -> Decision:
    """`probabilities`: each candidate's; `answer`: the answerability head's verdict on the best one."""
    ranked = sorted(zip(found, probabilities), key=lambda pair: -pair[1])
    if not ranked or not answer:
        related, seen = [], set()
        for c, _ in ranked:
            if c.sentence not in seen:
                seen.add(c.sentence)
                related.append(c)
            if len(related) == 2:
                break
        return Decision(None, answerable, related=related)
    best, _ = ranked[0]
    return Decision(best, answerable, several=_several(question, ranked))


def _several(question: Question, ranked: list) -> list[Candidate]:
    """Alternative answers from different places, when the question names none."""
    if question.places or not question.wants_figure:
        return []
    best_p = ranked[0][1]
    picked: list[Candidate] = []
    for c, p in ranked:
        if p < best_p - TIE or not c.subject:
            continue
        if any(set(c.subject) & set(o.subject) or c.sentence == o.sentence for o in picked):
            continue
        picked.append(c)
    if len({c.figure.value for c in picked if c.figure}) < 2:
        return []
    return picked[:4]
