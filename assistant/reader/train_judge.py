"""Fit the judge (judge.py) on the dev splits of both corpora and choose where it answers.

Each dev question is answered once by the rule reader with a collecting judge in place, so the
shortlists are exactly those the judge meets when it answers; each shortlisted candidate is
labelled by whether it is the gold answer. The boosted trees (trees.py) are fitted on all of them;
the two thresholds (the rule pick stands; the judge's own best is stated where the rules refuse)
are chosen together on out-of-fold probabilities (each question scored by a model that never saw
it), where a wrong answer costs `WRONG_COST` refusals. Deterministic: same questions and indexes,
same file. Test splits are never read here."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass

import numpy as np

from ..extract import Candidate
from .judge import JUDGE_FEATURES, RESCUE_COVERAGE, Judge, JudgeModel, Shortlisted
from .trees import TREE_PARAMETERS, Trees

# A wrong figure with a citation is the worst failure, a needless refusal the second: a wrong
# answer costs three refusals. (Two, while the judge only ever refused; once it may also answer
# where the rules refuse, three kept the blind-written dev questions' confident-wrong where it was,
# 10 → 11 of 231, for 16 more right, where two bought 8 more right with 5 more wrong. A ceiling of
# 2 % confident-wrong on dev refuses about half of the answerable questions: eval/readers.md.)
WRONG_COST = 3.0
FOLDS = 10
THRESHOLDS = tuple(round(0.4 + 0.025 * i, 3) for i in range(23))  # 0.4 … 0.95, both thresholds


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
    """Each question's candidate probabilities from trees fitted without that question."""
    from sklearn.model_selection import GroupKFold

    x, y, groups = _stack(questions)
    p = np.zeros(len(y))
    for fitted, held in GroupKFold(n_splits=min(FOLDS, len(set(groups)))).split(x, y, groups):
        if len(set(y[fitted])) == 2:
            p[held] = Trees.fit(JUDGE_FEATURES, x[fitted], y[fitted]).probability(x[held])
    return [p[groups == i] for i in range(len(questions))]


def stated(q: JudgedQuestion, p: np.ndarray, threshold: float, rescue: float | None) -> int | None:
    """The shortlisted candidate the judge states (None: a refusal), as `Judge.choose` decides."""
    if q.pick is not None:
        return q.pick if p[q.pick] >= threshold else None
    if rescue is None or not len(p):
        return None
    best = int(np.argmax(p))
    covered = q.features[best, JUDGE_FEATURES.index("coverage")] >= RESCUE_COVERAGE
    return best if p[best] >= rescue and covered else None


def outcomes(questions: list[JudgedQuestion], probabilities: list[np.ndarray], threshold: float,
             rescue: float | None = None) -> tuple[int, int, int]:
    """(right, wrong, refused answerable) when the judge answers at these thresholds (`rescue` None:
    it only ever lets the rule pick stand or refuses)."""
    right = wrong = refused = 0
    for q, p in zip(questions, probabilities):
        choice = stated(q, p, threshold, rescue)
        if choice is not None:
            if q.labels[choice]:
                right += 1
            else:
                wrong += 1
        elif q.answerable:
            refused += 1
        else:
            right += 1
    return right, wrong, refused


def choose_thresholds(questions: list[JudgedQuestion], probabilities: list[np.ndarray]) -> tuple[float, float]:
    """The pair of the best utility on out-of-fold probabilities, right − WRONG_COST × wrong; on a
    tie the stricter pair (the higher rescue threshold, then the higher threshold)."""
    best, best_key = (1.0, 1.0), None
    for threshold in THRESHOLDS:
        for rescue in (*THRESHOLDS, 1.0):
            right, wrong, _ = outcomes(questions, probabilities, threshold, rescue)
            key = (right - WRONG_COST * wrong, rescue, threshold)
            if best_key is None or key > best_key:
                best, best_key = (threshold, rescue), key
    return best


def fit(questions: list[JudgedQuestion], trained_on: dict) -> tuple[JudgeModel, list[np.ndarray]]:
    x, y, _ = _stack(questions)
    trees = Trees.fit(JUDGE_FEATURES, x, y)
    oof = out_of_fold(questions)
    threshold, rescue = choose_thresholds(questions, oof)
    digest = hashlib.sha256(repr((trees.to_dict(), threshold, rescue)).encode()).hexdigest()[:8]
    return JudgeModel(f"{time.strftime('%Y-%m-%d')}-{digest}", trees, threshold, rescue, trained_on), oof


def curve(questions: list[JudgedQuestion], probabilities: list[np.ndarray], rescue: float) -> list[tuple[float, float, float]]:
    """(threshold, accuracy, confident-wrong) on out-of-fold probabilities at the chosen rescue
    threshold, for the record."""
    n = max(len(questions), 1)
    out = []
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        right, wrong, _ = outcomes(questions, probabilities, threshold, rescue)
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
    model, oof = fit(questions, {"dev_questions": counts, "wrong_cost": WRONG_COST, "trees": TREE_PARAMETERS})
    return model, curve(questions, oof, model.rescue_threshold)
