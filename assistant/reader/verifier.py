"""A second reading of a refusal by the bundled language model: where the judge would refuse, the
figures it weighed are put to Qwen2.5-Coder-1.5B one by one as a yes/no question ("is this figure
the one asked?"), and the one the model and the judge together find likeliest is stated when
that likelihood passes the threshold fitted on dev.

The judge weighs words and vectors; a paraphrase ("卖到国外的货" for 出口, "挨着大海的那条边" for
海岸线) shares few of either with its answer, and the judge cannot tell it from a near miss. A
language model reads the two as sentences. On the dev questions the judge refused, its yes/no
margin separates right candidates from wrong ones better than the judge's own probability; the
two combined (a logistic fit over each candidate's margin, its lead over the other candidates'
margins, and the judge's probability, kept in data/verifier_model.json and refitted by
bench/fit_verifier.py) decide.

Optional: it needs `make local-llm` (1.1 GB) and costs one prompt per figure weighed (~1.5 s each
on 2 cores) for each question the judge refuses. Off by default (Settings.verifier)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .candidates import Candidate

VERIFIER_FILE = Path(__file__).resolve().parent.parent / "data" / "verifier_model.json"
# the evidence asked for is what the judge lacks: the same thing, the same subject, the same time.
# The figure named first and the question last read better than the question first (AUC of the
# first candidate's margin on the PD dev refusals 0.80 against 0.73), though that order would let
# one question's prompts share their beginning.
PROMPT = ("下面是一句新闻原文和一个问题。原文里的“{figure}”是不是这个问题要问的那个数？"
          "要看说的是不是同一件事、同一个对象、同一个时间。\n原文：{sentence}\n问题：{question}\n只回答“是”或“否”。")
FEATURES = ("margin", "margin_lead", "judge", "judge_lead", "first", "rules")


class YesNoModel(Protocol):
    def yes_margin(self, prompt: str) -> float:
        """logit("是") − logit("否") for the model's first answer token."""


@dataclass(frozen=True)
class RescueModel:
    """P(right) = sigmoid(bias + Σ weight·feature) over FEATURES of one candidate among the `pool`
    figures the judge weighed first."""

    bias: float
    weights: dict[str, float]
    threshold: float
    pool: int
    trained_on: dict

    @classmethod
    def load(cls, path: Path = VERIFIER_FILE) -> RescueModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["bias"], data["weights"], data["threshold"], data["pool"], data.get("trained_on", {}))

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features[name] for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def features(margins: list[float], judged: list[float], rules_answered: bool) -> list[dict[str, float]]:
    """Each pooled candidate's evidence: its own margin and judge probability, and how far each
    stands ahead of the best of the others (a figure the model says yes to while saying yes to
    its neighbours too is less sure)."""
    rows = []
    for i, (margin, judge) in enumerate(zip(margins, judged)):
        others_margin = [m for j, m in enumerate(margins) if j != i]
        others_judge = [p for j, p in enumerate(judged) if j != i]
        rows.append({"margin": margin, "margin_lead": margin - max(others_margin) if others_margin else margin,
                     "judge": judge, "judge_lead": judge - max(others_judge) if others_judge else judge,
                     "first": float(i == 0), "rules": float(rules_answered)})
    return rows


class Verifier:
    def __init__(self, model: YesNoModel, rescue: RescueModel) -> None:
        self.model = model
        self.rescue = rescue

    def margins(self, question: str, pool: list[Candidate]) -> list[float]:
        # each prompt is one turn of the model's context (LocalGGUF serialises a server's threads)
        return [self.model.yes_margin(PROMPT.format(question=question, sentence=c.sentence,
                                                    figure=c.figure.text if c.figure is not None else ""))
                for c in pool]

    def pool(self, weighed: list[tuple[Candidate, float]]) -> list[tuple[Candidate, float]]:
        """The figures the judge weighed, in its shortlist order (names and facts were not fitted)."""
        return [(c, p) for c, p in weighed if c.figure is not None][:self.rescue.pool]

    def rescue_from(self, question: str, weighed: list[tuple[Candidate, float]],
                    rules_answered: bool) -> Candidate | None:
        """The figure, among those the judge weighed and refused, that may be stated after all."""
        pool = self.pool(weighed)
        if not pool:
            return None
        rows = features(self.margins(question, [c for c, _ in pool]), [p for _, p in pool], rules_answered)
        chances = [self.rescue.probability(r) for r in rows]
        best = max(range(len(pool)), key=lambda i: (chances[i], -i))
        return pool[best][0] if chances[best] >= self.rescue.threshold else None


def local_verifier(gguf: str = "", rescue: RescueModel | None = None, model: YesNoModel | None = None) -> Verifier:
    """The verifier over the bundled GGUF, or over `model` when one is already loaded (a local
    generative backend); FileNotFoundError / ImportError, with what to run, when absent. It
    decides by `rescue` (by default the shipped fit)."""
    if model is None:
        from ..local_llm import LocalGGUF

        model = LocalGGUF.from_path(Path(gguf) if gguf else None, max_tokens=1, context_window=1024)
    return Verifier(model, rescue or RescueModel.load())
