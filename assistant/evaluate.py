"""Evaluation harness: runs a question set through the same path users hit (the batch format of
`assistant answer-file`) and scores figures, citations, number fidelity, refusals, retrieval and
latency; then measures retrieval on outside text nobody here wrote (the Debian FAQ in Chinese)."""

from __future__ import annotations

import json
import re
import statistics
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .figures import find_figures, same_figure
from .verify import stated_figures, unsupported_figures

ANSWER_KINDS = ("figure", "fact", "multi_hop", "followup", "unanswerable", "ambiguous", "paraphrase")


@dataclass
class Scored:
    row: dict
    result: dict
    correct: bool
    cited_right: bool | None  # None: nothing to cite (unanswerable) or refused
    faithful: bool  # every stated number appears in a cited paragraph
    gold_rank: int | None  # rank of the gold paragraph among retrieved, None if absent
    why: str = ""


@dataclass
class Report:
    scored: list[Scored] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    retrieval_modes: dict = field(default_factory=dict)
    outside: dict = field(default_factory=dict)


def body_of(answer_text: str) -> str:
    return answer_text.split("\n来源：", 1)[0]


def direct_part(body: str) -> str:
    """What the answer asserts, without the sentences it quotes as support."""
    return re.sub(r"“[^”]*”", " ", body)


def expected_refusal(row: dict) -> bool:
    return row.get("answer") in (None, "")


def score_row(row: dict, result: dict, paragraphs_with_quote: set[str]) -> Scored:
    body = body_of(result.get("answer", ""))
    cited_texts = [c.get("text", "") for c in result.get("citations", [])]
    faithful = not unsupported_figures(body, cited_texts)
    retrieved = result.get("retrieved", [])
    gold_rank = next((i for i, pid in enumerate(retrieved, start=1) if pid in paragraphs_with_quote), None)
    refused = bool(result.get("refused"))
    if expected_refusal(row):
        return Scored(row, result, refused, None, faithful, gold_rank, "" if refused else "answered instead of refusing")
    quote = squash(row.get("source_quote") or "")
    cited_right = None if refused else any(quote in squash(t) for t in cited_texts)
    if refused:
        return Scored(row, result, False, cited_right, faithful, gold_rank, "refused an answerable question")
    correct, why = _answer_matches(row, body)
    return Scored(row, result, correct, cited_right, faithful, gold_rank, why)


def _answer_matches(row: dict, body: str) -> tuple[bool, str]:
    accept = row.get("accept") or [row["answer"]]
    direct = direct_part(body)
    if row["kind"] == "ambiguous":
        missing = [a for a in accept if not _states(a, direct) and not _states(a, body)]
        return (not missing), (f"missing {missing}" if missing else "")
    if any(find_figures(a, bare_numerals=True) for a in accept) and row["kind"] != "fact":
        if any(_states(a, direct) for a in accept):
            return True, ""
        return False, "figure not stated"
    squashed = squash(body)
    if any(squash(a) in squashed for a in accept):
        return True, ""
    return False, "answer not found"


def _states(expected: str, text: str) -> bool:
    """The text states the expected figure: same value, unit and qualifier after normalisation."""
    wanted = find_figures(expected, bare_numerals=True)
    if not wanted:
        return squash(expected) in squash(text)
    got = stated_figures(text)
    return any(same_figure(wanted[0], g) for g in got)


def squash(text: str) -> str:
    return re.sub(r"[\s\"“”‘’《》「」]", "", text)


def summarise(scored: list[Scored]) -> dict:
    by_kind: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_kind[s.row["kind"]].append(s)
    answerable = [s for s in scored if not expected_refusal(s.row)]
    unanswerable = [s for s in scored if expected_refusal(s.row)]
    cited = [s for s in answerable if s.cited_right is not None]
    ranked = [s for s in answerable if s.row.get("source_quote")]
    latencies = [float(s.result.get("latency_ms", 0.0)) for s in scored]

    def share(items, test) -> float:
        return round(sum(1 for i in items if test(i)) / len(items), 4) if items else 0.0

    figure_rows = by_kind.get("figure", [])
    return {
        "questions": len(scored),
        "accuracy": share(scored, lambda s: s.correct),
        "per_kind": {k: {"n": len(v), "accuracy": share(v, lambda s: s.correct)} for k, v in sorted(by_kind.items())},
        "figure_accuracy": share(figure_rows, lambda s: s.correct),
        "multi_hop_accuracy": share(by_kind.get("multi_hop", []), lambda s: s.correct),
        "citation_accuracy": share(cited, lambda s: s.cited_right),
        "citation_n": len(cited),
        "number_fidelity": share(scored, lambda s: s.faithful),
        "refusal_accuracy": share(unanswerable, lambda s: s.correct),
        "false_refusals": share(answerable, lambda s: bool(s.result.get("refused"))),
        "recall_at_1": share(ranked, lambda s: s.gold_rank is not None and s.gold_rank <= 1),
        "recall_at_3": share(ranked, lambda s: s.gold_rank is not None and s.gold_rank <= 3),
        "recall_at_5": share(ranked, lambda s: s.gold_rank is not None and s.gold_rank <= 5),
        "mrr": round(statistics.fmean([1 / s.gold_rank if s.gold_rank else 0.0 for s in ranked]), 4) if ranked else 0.0,
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_p95_ms": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1) if latencies else 0.0,
    }


def retrieval_by_mode(retriever, questions: list[tuple[str, set[str]]], k: int = 5) -> dict:
    """Recall@1/5 and MRR of dense, BM25 and hybrid retrieval: (query, gold paragraph ids) pairs."""
    out = {}
    for mode in ("dense", "lexical", "hybrid"):
        ranks = []
        for query, gold in questions:
            hits = retriever.search(query, top_k=max(k, 10), mode=mode)
            ranks.append(next((h.rank for h in hits if h.paragraph.paragraph_id in gold), None))
        n = len(ranks) or 1
        out[{"lexical": "bm25"}.get(mode, mode)] = {
            "recall_at_1": round(sum(1 for r in ranks if r and r <= 1) / n, 4),
            "recall_at_5": round(sum(1 for r in ranks if r and r <= k) / n, 4),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
            "n": len(ranks),
        }
    return out


def check_thresholds(report: Report, path: Path) -> list[str]:
    """Metrics below their floor (or above their ceiling), as messages; empty when all pass."""
    limits = tomllib.loads(path.read_text(encoding="utf-8"))
    failures = []
    for name, floor in limits.get("seeds", {}).items():
        value = report.metrics.get(name.removesuffix("_max"))
        if value is None:
            failures.append(f"{name}: metric missing")
        elif name.endswith("_max") and value > floor:
            failures.append(f"{name.removesuffix('_max')} = {value} > {floor}")
        elif not name.endswith("_max") and value < floor:
            failures.append(f"{name} = {value} < {floor}")
    for corpus, modes in limits.get("outside", {}).items():
        for key, floor in modes.items():
            mode, metric = key.split(".", 1)
            value = report.outside.get(corpus, {}).get("modes", {}).get(mode, {}).get(metric)
            if value is None:
                failures.append(f"outside {corpus} {key}: not measured")
            elif value < floor:
                failures.append(f"outside {corpus} {key} = {value} < {floor}")
    return failures


def load_set(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        if row.get("kind") not in ANSWER_KINDS:
            raise ValueError(f"{row.get('id')}: unknown kind {row.get('kind')!r}")
    return rows
