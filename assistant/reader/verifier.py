"""A second reading of a refusal by the bundled language model: where the judge would refuse, the
rule scorer's first candidate is put to Qwen2.5-Coder-1.5B as a yes/no question ("is this figure
the one asked?") and stated when the model and the judge together are sure enough.

The judge weighs words and vectors; a paraphrase ("卖到国外的货" for 出口, "挖出了多少吨金子" for
黄金产量) shares few of either with its answer, and the judge cannot tell it from a near miss.
A language model reads the two as sentences. On the People's Daily dev questions the judge
refused, its yes/no margin separates right first candidates from wrong ones better than the
judge's own probability (AUC 0.80 against 0.75); the two combined (a logistic fit, kept in
data/verifier_model.json and refitted by bench/fit_verifier.py) rescue about four right answers
for each wrong one at the threshold chosen there.

Optional: it needs `make local-llm` (1.1 GB) and costs one prompt (~1–2 s on 2 cores) for each
question the judge refuses. Off by default (Settings.verifier)."""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .candidates import Candidate

VERIFIER_FILE = Path(__file__).resolve().parent.parent / "data" / "verifier_model.json"
# the evidence asked for is what the judge lacks: the same thing, the same subject, the same time
PROMPT = ("下面是一句新闻原文和一个问题。原文里的“{figure}”是不是这个问题要问的那个数？"
          "要看说的是不是同一件事、同一个对象、同一个时间。\n原文：{sentence}\n问题：{question}\n只回答“是”或“否”。")


class YesNoModel(Protocol):
    def yes_margin(self, prompt: str) -> float:
        """logit("是") − logit("否") for the model's first answer token."""


@dataclass(frozen=True)
class RescueModel:
    """P(right) = sigmoid(bias + w_margin·margin + w_judge·judge probability + w_rules·[the rules answered])."""

    bias: float
    w_margin: float
    w_judge: float
    w_rules: float
    threshold: float
    trained_on: dict

    @classmethod
    def load(cls, path: Path = VERIFIER_FILE) -> RescueModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["bias"], data["w_margin"], data["w_judge"], data["w_rules"], data["threshold"],
                   data.get("trained_on", {}))

    def probability(self, margin: float, judge_probability: float, rules_answered: bool) -> float:
        z = self.bias + self.w_margin * margin + self.w_judge * judge_probability + self.w_rules * float(rules_answered)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class Verifier:
    def __init__(self, model: YesNoModel, rescue: RescueModel) -> None:
        self.model = model
        self.rescue = rescue
        self._lock = threading.Lock()  # one llama.cpp context: the server's threads take turns

    def margin(self, question: str, candidate: Candidate) -> float:
        figure = candidate.figure.text if candidate.figure is not None else ""
        with self._lock:
            return self.model.yes_margin(PROMPT.format(figure=figure, sentence=candidate.sentence, question=question))

    def rescues(self, question: str, candidate: Candidate, judge_probability: float, rules_answered: bool) -> bool:
        """Whether a figure the judge refused may be stated after all."""
        if candidate.figure is None:  # names and facts were not part of the fit
            return False
        margin = self.margin(question, candidate)
        return self.rescue.probability(margin, judge_probability, rules_answered) >= self.rescue.threshold


def local_verifier(gguf: str = "") -> Verifier:
    """The verifier over the bundled GGUF (FileNotFoundError / ImportError, with what to run, when absent)."""
    from ..local_llm import LocalGGUF

    model = LocalGGUF.from_path(Path(gguf) if gguf else None, max_tokens=1, context_window=1024)
    return Verifier(model, RescueModel.load())
