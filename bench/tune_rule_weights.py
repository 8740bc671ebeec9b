"""Choose the rule scorer's flank weights (assistant/extract.py) on the dev splits only.

    python bench/tune_rule_weights.py [--passes 2]

Retrieval is computed once per question and cached; each candidate setting then re-reads every dev
question of both corpora (seeds, People's Daily). Coordinate ascent on utility = right − 2 × wrong
(a wrong figure costs more than a refusal). Also the answer threshold (assistant/answer.py ACCEPT). Prints the best setting; test splits are never read.
"""

from __future__ import annotations

import argparse
import itertools

from assistant import answer, extract
from assistant.chat import Assistant, answer_record
from assistant.evaluate import score_row, squash
from assistant.index import open_index
from assistant.reader.train import SUITES, split_rows, suite_settings

GRID = {
    "ADJACENT": (0.0, 0.1, 0.2, 0.3),
    "HEAD": (0.0, 0.1, 0.15, 0.25),
    "RANGE_START": (0.0, 0.15, 0.3, 0.5),
    "OTHER_YEAR": (0.0, 0.1, 0.2, 0.3),
    "YEAR_HERE": (0.0, 0.05, 0.1, 0.2),
    "CHANGE_FIT": (0.0, 0.05, 0.1, 0.2),
    "LEVEL_FOR_CHANGE": (0.0, 0.1, 0.25, 0.4),
    "RESPECTIVE": (0.0, 0.15, 0.3, 0.5),
    "PARAPHRASE_WORDS": (0.3, 0.35, 0.4, 0.45, 1.01),  # 1.01: no paraphrase path
    "PARAPHRASE_MEANING": (0.86, 0.88, 0.9, 0.92, 0.94),
    "ACCEPT": (0.45, 0.5, 0.55, 0.6, 0.65, 0.7),  # the share of the question's focus an answer needs
}
MODULE = {name: extract for name in GRID} | {"ACCEPT": answer}


def cached(assistant: Assistant) -> None:
    """Retrieval does not depend on the weights: keep each question's hits (keyed by the turn before)."""
    prepare, memo = assistant.prepare, {}

    def prepare_once(text, conversation, scope=None):
        previous = conversation.previous()
        key = (text, previous.asked if previous else "", previous.answer_shown if previous else "")
        if key not in memo:
            memo[key] = prepare(text, conversation, scope)
        return memo[key]

    assistant.prepare = prepare_once


def load() -> list[tuple[Assistant, list[dict], dict]]:
    runs = []
    for name in SUITES:
        settings = suite_settings(name).with_(reader="rules")
        index = open_index(settings)
        assistant = Assistant(settings, index)
        cached(assistant)
        rows = split_rows(name, "dev")
        gold = {row["id"]: {p.paragraph_id for p in index.paragraphs
                            if squash(row.get("source_quote") or "") and squash(row["source_quote"]) in squash(p.text)}
                for row in rows}
        runs.append((assistant, rows, gold))
    return runs


def utility(runs) -> tuple[float, int, int, int]:
    right = wrong = total = 0
    for assistant, rows, gold in runs:
        for row in rows:
            record = answer_record(assistant, row)
            scored = score_row(row, record, gold[row["id"]])
            total += 1
            right += scored.correct
            wrong += (not scored.correct) and not record.get("refused")
    return right - 2 * wrong, right, wrong, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()
    runs = load()
    best = utility(runs)
    print("start", {k: getattr(MODULE[k], k) for k in GRID}, best)
    for _, name in itertools.product(range(args.passes), GRID):
        current = getattr(MODULE[name], name)
        for value in GRID[name]:
            if value == current:
                continue
            setattr(MODULE[name], name, value)
            got = utility(runs)
            if got[0] > best[0]:
                best, current = got, value
        setattr(MODULE[name], name, current)
        print(f"{name} = {current}  utility {best[0]} (right {best[1]}, wrong {best[2]} of {best[3]})", flush=True)
    print("best", {k: getattr(MODULE[k], k) for k in GRID}, best)


if __name__ == "__main__":
    main()
