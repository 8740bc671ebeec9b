"""Scorer: a logistic regression over the evidence, fitted on the dev splits (`assistant
train-reader`) and shipped as a small versioned JSON file. It turns evidence into the probability
that a candidate is the answer; the refusal threshold was chosen on dev for a confident-wrong rate
of at most 2 %."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "reader_model.json"


@dataclass
class Head:
    """One fitted model: for figure candidates, or for sentence (fact) candidates."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # answer only at or above this probability

    def probability(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "coef": self.coef.round(6).tolist(),
                "intercept": round(float(self.intercept), 6), "threshold": round(float(self.threshold), 4)}

    @classmethod
    def from_dict(cls, data: dict) -> Head:
        return cls(tuple(data["features"]), np.asarray(data["mean"]), np.asarray(data["scale"]),
                   np.asarray(data["coef"]), float(data["intercept"]), float(data["threshold"]))


# Whether the best candidate of a question is its answer at all: read from how sure the candidate
# scorer is, how far ahead of the next different answer, and how well the best one is anchored.
ANSWERABILITY_FEATURES = ("top_logit", "margin_logit", "is_figure", "words_credited", "place_fit")
_COMMON = ("words_credited", "place_fit")


def answerability_row(is_figure: bool, probabilities: np.ndarray, rows: np.ndarray, names: tuple[str, ...],
                      values: list) -> np.ndarray:
    """Question-level evidence for the answerability head. `values` tells candidates apart: the
    runner-up is the best candidate that gives a different answer."""
    if len(probabilities) == 0:
        return np.array([-10.0, 0.0, float(is_figure), 0.0, -1.0])
    order = np.argsort(-probabilities, kind="stable")
    best = int(order[0])
    runner = next((float(probabilities[i]) for i in order[1:] if values[i] != values[best]), 0.0)
    top = float(probabilities[best])
    row = [_logit(top), _logit(top) - _logit(runner), float(is_figure)]
    row += [float(rows[best, names.index(n)]) for n in _COMMON]
    return np.array(row)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return float(np.log(p / (1 - p)))


@dataclass
class ReaderModel:
    version: str
    figure: Head  # candidate scorer for figure questions (its threshold is unused: 0)
    fact: Head  # candidate scorer for sentence answers
    answerable: Head  # question level: answer, or refuse; its threshold was chosen on dev
    trained_on: dict

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> ReaderModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["version"], Head.from_dict(data["figure"]), Head.from_dict(data["fact"]),
                   Head.from_dict(data["answerable"]), data.get("trained_on", {}))

    def save(self, path: Path = MODEL_FILE) -> None:
        data = {"version": self.version, "trained_on": self.trained_on, "figure": self.figure.to_dict(),
                "fact": self.fact.to_dict(), "answerable": self.answerable.to_dict()}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
