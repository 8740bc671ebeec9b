"""Fit the judge (judge.py) on the dev splits of both corpora and choose where it refuses.

Each dev question is answered once by the rule reader with a collecting judge in place, so the
shortlists are exactly those the judge meets when it answers; each shortlisted candidate is
labelled by whether it is the gold answer. The logistic regression is fitted on all of them; the
threshold is chosen on out-of-fold probabilities (each question scored by a model that never saw
it), where a wrong answer costs `WRONG_COST` refusals. Deterministic: same questions and indexes,
same file. Test splits are never read here."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass

import numpy as np

from ..extract import Candidate
from .judge import JUDGE_FEATURES, Judge, JudgeModel, Shortlisted
from .scorer import Head
from .train import C, _logistic, _out_of_fold, _standardise

# A wrong figure with a citation is the worst failure, a needless refusal the second: a wrong
# answer costs two refusals. (A ceiling of 2 % confident-wrong on dev refuses about half of the
# answerable questions: see eval/readers.md for the whole curve.)
WRONG_COST = 2.0
FOLDS = 10


@dataclass
class JudgedQuestion:
    question_id: str
    answerable: bool
    features: np.ndarray  # one row per shortlisted candidate (may be empty)
    labels: np.ndarray  # whether each is the gold answer
    pick: int | None = None  # the shortlisted candidate the rule reader answers with (None: it refuses)


def collect(assistant, rows: list[dict]) -> list[JudgedQuestion]:
    """The judge's shortlist for each question the rule reader's path reaches (arithmetic and
    photo credits answer elsewhere and are left out)."""
    from ..chat import Conversation, QuestionError
    from .train import is_gold

    seen: list[tuple[list[Shortlisted], Candidate | None]] = []
    previous = assistant.extractive.judge
    assistant.extractive.judge = Judge(assistant.extractive.extractor, None,
                                       sink=lambda question, listed, pick: seen.append((listed, pick)))
    out = []
    try:
        for row in rows:
            conversation = Conversation()
            try:
                for earlier in row.get("history") or []:
                    assistant.ask(earlier, conversation)
                seen.clear()
                assistant.ask(row["question"], conversation)
            except QuestionError:
                continue
            if not seen:
                continue
            listed, rule_pick = seen[-1]
            answerable = bool(row.get("answer"))
            features = np.vstack([s.features for s in listed]) if listed else np.zeros((0, len(JUDGE_FEATURES)))
            labels = np.array([answerable and is_gold(row, s.candidate) for s in listed], dtype=bool)
            pick = next((i for i, s in enumerate(listed) if s.candidate is rule_pick), None)
            out.append(JudgedQuestion(row["id"], answerable, features, labels, pick))
    finally:
        assistant.extractive.judge = previous
    return out


def _stack(questions: list[JudgedQuestion]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [(q.features, q.labels, np.full(len(q.labels), i)) for i, q in enumerate(questions) if len(q.labels)]
    return (np.vstack([r[0] for r in rows]), np.concatenate([r[1] for r in rows]).astype(int),
            np.concatenate([r[2] for r in rows]))


def out_of_fold(questions: list[JudgedQuestion]) -> list[np.ndarray]:
    """Each question's candidate probabilities from a model fitted without that question."""
    x, y, groups = _stack(questions)
    mean, scale = _standardise(x)
    p = _out_of_fold(x, y, groups, mean, scale, folds=FOLDS)
    return [p[groups == i] for i in range(len(questions))]


def outcomes(questions: list[JudgedQuestion], probabilities: list[np.ndarray], threshold: float) -> tuple[int, int, int]:
    """(right, wrong, refused answerable) when the rule reader's answer stands at or above the threshold."""
    right = wrong = refused = 0
    for q, p in zip(questions, probabilities):
        if q.pick is not None and p[q.pick] >= threshold:
            if q.labels[q.pick]:
                right += 1
            else:
                wrong += 1
        elif q.answerable:
            refused += 1
        else:
            right += 1
    return right, wrong, refused


def choose_threshold(questions: list[JudgedQuestion], probabilities: list[np.ndarray]) -> float:
    """The threshold of the best utility on out-of-fold probabilities: right − WRONG_COST × wrong;
    the higher threshold on a tie."""
    # rounded down, so that the question a threshold comes from is still answered at it
    options = sorted({float(np.floor(p[q.pick] * 1e4) / 1e4) for q, p in zip(questions, probabilities)
                      if q.pick is not None} | {1.0})
    best, best_utility = 1.0, -np.inf
    for threshold in options:
        right, wrong, _ = outcomes(questions, probabilities, threshold)
        utility = right - WRONG_COST * wrong
        if utility >= best_utility:
            best, best_utility = threshold, utility
    return best


def fit(questions: list[JudgedQuestion], trained_on: dict) -> tuple[JudgeModel, list[np.ndarray]]:
    x, y, _ = _stack(questions)
    mean, scale = _standardise(x)
    model = _logistic(x, y, mean, scale)
    oof = out_of_fold(questions)
    threshold = choose_threshold(questions, oof)
    head = Head(JUDGE_FEATURES, mean, scale, model.coef_[0], float(model.intercept_[0]), threshold)
    digest = hashlib.sha256(repr(head.to_dict()).encode()).hexdigest()[:8]
    return JudgeModel(f"{time.strftime('%Y-%m-%d')}-{digest}", head, trained_on), oof


def curve(questions: list[JudgedQuestion], probabilities: list[np.ndarray]) -> list[tuple[float, float, float]]:
    """(threshold, accuracy, confident-wrong) on out-of-fold probabilities, for the record."""
    n = max(len(questions), 1)
    out = []
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        right, wrong, _ = outcomes(questions, probabilities, threshold)
        out.append((threshold, right / n, wrong / n))
    return out


def train(suites: dict, settings_for, rows_for, progress: bool = True) -> tuple[JudgeModel, list[tuple]]:
    from ..chat import Assistant
    from ..index import open_index

    questions: list[JudgedQuestion] = []
    counts = {}
    for name in suites:
        rows = rows_for(name, "dev")
        if not rows:
            continue
        settings = settings_for(name).with_(reader="rules")
        found = collect(Assistant(settings, open_index(settings)), rows)
        counts[name] = len(found)
        questions += found
        if progress:
            print(f"judge, {name}: {len(found)} dev questions", file=sys.stderr)
    model, oof = fit(questions, {"dev_questions": counts, "wrong_cost": WRONG_COST, "C": C})
    return model, curve(questions, oof)
