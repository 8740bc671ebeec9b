"""Fit the verifier's rescue model (assistant/data/verifier_model.json) on the dev questions the
judge refuses, and print how many right and wrong answers it would add, out of fold.

    python bench/fit_verifier.py [--suite peoples_daily --suite seeds] [--scored FILE]

Needs `make local-llm`. Reads every dev question of the suites (follow-ups after their history)
with the judged reader; for each one the judge refuses, the figures it weighed (up to POOL_MOST,
in its shortlist order) are put to the local model with the verifier's yes/no prompt (~4.5 s a
question on 2 cores: ~35 minutes for People's Daily and seeds dev, measured). A logistic regression over each
candidate's features (reader/verifier.py FEATURES) is then fitted, and the pool size and the
threshold are those of best utility out of fold (10 folds over questions) when a wrong answer
costs 3 refusals, as the judge's threshold is chosen (on a tie, fewer wrong answers, then a
smaller pool). `--scored` keeps the model's margins in a JSON file and reuses them when it exists."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WRONG_COST = 3
POOL_MOST = 3


def collect(suite_name: str, verifier) -> list[dict]:
    from assistant.chat import Assistant, Conversation
    from assistant.config import Settings
    from assistant.evaluate import load_set, squash
    from assistant.harness import suite_settings
    from assistant.index import open_index
    from assistant.suites import load_suites

    suite = load_suites()[suite_name]
    settings = suite_settings(Settings(), suite)
    assistant = Assistant(settings, open_index(settings))
    judge = assistant.extractive.judge
    seen: dict = {}
    choose = judge.choose

    def spy(question, ranked, pick):
        verdict = choose(question, ranked, pick)
        seen["last"] = (question, pick, verdict)
        return verdict

    judge.choose = spy
    items = []
    rows = [r for s in suite.sets for r in load_set(s.path) if r.get("split") == "dev"]
    for n, row in enumerate(rows):
        conversation = Conversation()
        for earlier in row.get("history") or []:
            assistant.ask(earlier, conversation)
        seen.clear()
        answer = assistant.ask(row["question"], conversation)
        if "last" not in seen or not answer.text.startswith("资料中没有"):
            continue
        question, pick, verdict = seen["last"]
        pool = verifier.pool(verdict.weighed)  # the figures the verifier itself would read
        if not pool:
            continue
        gold = [squash(a) for a in (row.get("accept") or [row["answer"]])] if row["answer"] else []

        margins = verifier.margins(question.text, [c for c, _ in pool])
        items.append({"suite": suite_name, "id": row["id"], "question": question.text, "rules": pick is not None,
                      "pool": [{"figure": c.figure.text, "sentence": c.sentence, "judge": p, "margin": m,
                                "right": is_gold(squash(c.figure.text), gold)} for (c, p), m in zip(pool, margins)]})
        print(f"{n + 1}/{len(rows)} {row['id']} {[round(m, 2) for m in margins]}", file=sys.stderr, flush=True)
    return items


def is_gold(printed: str, gold: list[str]) -> bool:
    return any(printed == g or (len(printed) > 1 and printed in g) for g in gold)


def design(items: list[dict], size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per pooled candidate (features, right, question number)."""
    from assistant.reader.verifier import FEATURES, features

    x, y, group = [], [], []
    for q, item in enumerate(items):
        pool = item["pool"][:size]
        for row, c in zip(features([c["margin"] for c in pool], [c["judge"] for c in pool], item["rules"]), pool):
            x.append([row[name] for name in FEATURES])
            y.append(bool(c["right"]))
            group.append(q)
    return np.array(x), np.array(y), np.array(group)


def outcomes(p: np.ndarray, y: np.ndarray, group: np.ndarray, threshold: float) -> tuple[int, int]:
    """Right and wrong answers added when each question states its likeliest candidate at `threshold`."""
    right = wrong = 0
    for q in np.unique(group):
        rows = np.flatnonzero(group == q)
        best = rows[int(np.argmax(p[rows]))]
        if p[best] >= threshold:
            right, wrong = right + int(y[best]), wrong + int(not y[best])
    return right, wrong


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", action="append")
    parser.add_argument("--scored", type=Path)
    args = parser.parse_args()
    suites = args.suite or ["peoples_daily", "seeds"]
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from assistant.reader.verifier import FEATURES, VERIFIER_FILE, RescueModel, local_verifier

    if args.scored and args.scored.exists():
        items = json.loads(args.scored.read_text(encoding="utf-8"))
    else:
        verifier = local_verifier(rescue=RescueModel(0.0, {}, 1.0, POOL_MOST, {}))  # margins only
        items = [item for name in suites for item in collect(name, verifier)]
        if args.scored:
            args.scored.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    reachable = sum(any(c["right"] for c in i["pool"]) for i in items)
    print(f"{len(items)} refused dev questions; {reachable} with a right figure among the first {POOL_MOST} weighed")
    best = None
    for size in range(1, POOL_MOST + 1):
        x, y, group = design(items, size)
        p = np.zeros(len(y))
        for train, held in GroupKFold(n_splits=10).split(x, y, group):
            p[held] = LogisticRegression(max_iter=1000).fit(x[train], y[train]).predict_proba(x[held])[:, 1]
        for threshold in np.arange(0.5, 0.925, 0.025):
            right, wrong = outcomes(p, y, group, threshold)
            utility = right - WRONG_COST * wrong
            print(f"pool {size} threshold {threshold:.3f}: +{right} right, +{wrong} wrong (utility {utility})")
            # on a tie in utility, fewer wrong answers, then fewer prompts
            key = (utility, -wrong, -size)
            if best is None or key > best[0]:
                best = (key, size, round(float(threshold), 3), right, wrong)
    _, size, threshold, right, wrong = best
    x, y, _ = design(items, size)
    fit = LogisticRegression(max_iter=1000).fit(x, y)
    data = {"bias": float(fit.intercept_[0]), "weights": dict(zip(FEATURES, map(float, fit.coef_[0]))),
            "threshold": threshold, "pool": size,
            "trained_on": {"suites": suites, "split": "dev", "refused_questions": len(items),
                           "out_of_fold": {"right": right, "wrong": wrong}, "wrong_cost": WRONG_COST,
                           "date": date.today().isoformat()}}
    VERIFIER_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {VERIFIER_FILE}: pool {size}, threshold {threshold} (+{right} right, +{wrong} wrong out of fold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
