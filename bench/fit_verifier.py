"""Fit the verifier's rescue model (assistant/data/verifier_model.json) on the dev questions the
judge refuses, and print how many right and wrong answers it would add, out of fold.

    python bench/fit_verifier.py [--suite peoples_daily] [--scored FILE]

Needs `make local-llm`. Reads every dev question of the suite with the judged reader; for each one
the judge refuses whose rule scorer's first candidate is a figure, asks the local model the
verifier's yes/no prompt (~1–2 s each on 2 cores: ~10 minutes for People's Daily dev), then fits
a logistic regression on (margin, judge probability, rules answered) and picks the threshold of
best utility out of fold (10 folds) when a wrong answer costs 3 refusals, as the judge's is chosen.
`--scored` keeps the model's margins in a JSON file and reuses them when it exists."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WRONG_COST = 3


def collect(suite_name: str) -> list[dict]:
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
        seen["last"] = (question, ranked, pick, verdict)
        return verdict

    judge.choose = spy
    items = []
    for row in (r for s in suite.sets for r in load_set(s.path) if r.get("split") == "dev"):
        conversation = Conversation()
        for earlier in row.get("history") or []:
            assistant.ask(earlier, conversation)
        seen.clear()
        answer = assistant.ask(row["question"], conversation)
        if "last" not in seen or not answer.text.startswith("资料中没有"):
            continue
        question, ranked, pick, verdict = seen["last"]
        if not ranked or ranked[0].figure is None:
            continue
        gold = [squash(a) for a in (row.get("accept") or [row["answer"]])] if row["answer"] else []
        printed = squash(ranked[0].figure.text)
        items.append({"id": row["id"], "question": question.text, "figure": ranked[0].figure.text,
                      "sentence": ranked[0].sentence, "judge": verdict.probability, "rules": pick is not None,
                      "right": any(printed == g or (len(printed) > 1 and printed in g) for g in gold)})
    return items


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", default="peoples_daily")
    parser.add_argument("--scored", type=Path)
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from assistant.reader.verifier import PROMPT, VERIFIER_FILE, local_verifier

    if args.scored and args.scored.exists():
        items = json.loads(args.scored.read_text(encoding="utf-8"))
    else:
        items = collect(args.suite)
        model = local_verifier().model
        for item in items:
            item["margin"] = model.yes_margin(PROMPT.format(figure=item["figure"], sentence=item["sentence"],
                                                            question=item["question"]))
        if args.scored:
            args.scored.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    x = np.array([[i["margin"], i["judge"], float(i["rules"])] for i in items])
    y = np.array([bool(i["right"]) for i in items])
    fit = LogisticRegression()
    folds = StratifiedKFold(n_splits=10, shuffle=True, random_state=0)
    p = cross_val_predict(fit, x, y, cv=folds, method="predict_proba")[:, 1]
    print(f"{len(items)} refused dev questions, {int(y.sum())} with a right first candidate")
    best = None
    for threshold in np.arange(0.5, 0.925, 0.025):
        rescued = p >= threshold
        right, wrong = int((rescued & y).sum()), int((rescued & ~y).sum())
        print(f"threshold {threshold:.3f}: +{right} right, +{wrong} wrong (utility {right - WRONG_COST * wrong})")
        if best is None or right - WRONG_COST * wrong > best[0]:
            best = (right - WRONG_COST * wrong, round(float(threshold), 3))
    fit.fit(x, y)
    data = {"bias": float(fit.intercept_[0]), "w_margin": float(fit.coef_[0][0]), "w_judge": float(fit.coef_[0][1]),
            "w_rules": float(fit.coef_[0][2]), "threshold": best[1],
            "trained_on": {"suite": args.suite, "split": "dev", "refused_questions": len(items),
                           "right_first": int(y.sum()), "wrong_cost": WRONG_COST, "date": date.today().isoformat()}}
    VERIFIER_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {VERIFIER_FILE}: threshold {best[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
