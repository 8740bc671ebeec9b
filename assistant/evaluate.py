"""Evaluation harness: runs a question set through the same path users hit (the batch format of
`assistant answer-file`) and scores figures, citations, number fidelity, refusals, retrieval and
latency; then measures retrieval on outside text nobody here wrote (the Debian FAQ in Chinese)."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from .figures import Figure, find_figures, qualifier_class, same_figure
from .verify import stated_figures, unsupported_figures

ANSWER_KINDS = ("figure", "fact", "multi_hop", "followup", "unanswerable", "ambiguous", "paraphrase")
SPLITS = ("dev", "test")


@dataclass
class Scored:
    row: dict
    result: dict
    correct: bool
    cited_right: bool | None  # None: nothing to cite (unanswerable) or refused
    faithful: bool  # every stated number appears in a cited paragraph
    gold_rank: int | None  # rank of the gold paragraph among retrieved, None if absent
    why: str = ""
    # a refused answerable question: whether the related sentences it showed (marked as not the
    # answer) come from the paragraph that holds the answer; None for every other row
    pointed: bool | None = None


@dataclass
class Report:
    scored: list[Scored] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    retrieval_modes: dict = field(default_factory=dict)
    outside: dict = field(default_factory=dict)


def body_of(answer_text: str) -> str:
    return answer_text.split("\n来源：", 1)[0]


def direct_part(body: str) -> str:
    """What the answer asserts, without the sentences it quotes as support, and without the working
    of a computed answer: its operands are printed figures, not what the answer claims."""
    return re.sub(r"“[^”]*”", " ", body.split(WORKING, 1)[0])


WORKING = "\n计算："  # the line that shows a computed answer's working (arithmetic.py)


def expected_refusal(row: dict) -> bool:
    return row.get("answer") in (None, "")


def score_row(row: dict, result: dict, paragraphs_with_quote: set[str]) -> Scored:
    body = body_of(result.get("answer", ""))
    cited_texts = [c.get("text", "") for c in result.get("citations", [])]
    # a number the user wrote (now or in an earlier turn) is theirs: restating it claims nothing
    user_words = " ".join([row.get("question", ""), *(row.get("history") or [])])
    faithful = not unsupported_figures(body, [*cited_texts, user_words])
    retrieved = result.get("retrieved", [])
    gold_rank = next((i for i, pid in enumerate(retrieved, start=1) if pid in paragraphs_with_quote), None)
    refused = bool(result.get("refused"))
    if expected_refusal(row):
        return Scored(row, result, refused, None, faithful, gold_rank, "" if refused else "answered instead of refusing")
    quote = squash(row.get("source_quote") or "")
    quote_cited = any(quote in squash(t) for t in cited_texts)
    if refused:  # what it cited is what it showed as related, not a citation of an answer
        return Scored(row, result, False, None, faithful, gold_rank, "refused an answerable question",
                      bool(quote) and quote_cited)
    correct, why = _answer_matches(row, body)
    return Scored(row, result, correct, quote_cited, faithful, gold_rank, why)


def _answer_matches(row: dict, body: str) -> tuple[bool, str]:
    accept = row.get("accept") or [row["answer"]]
    direct = direct_part(body)
    if row["kind"] == "ambiguous":
        missing = [a for a in accept if not _states(a, direct) and not _states(a, body)]
        return (not missing), (f"missing {missing}" if missing else "")
    if any(find_figures(a, bare_numerals=True) for a in accept) and row["kind"] != "fact":
        if any(_states(a, direct, row.get("question", "")) for a in accept):
            return True, ""
        return False, "figure not stated"
    stated = body.split("\n依据", 1)[0]  # the answer's own line, before the sentence it quotes
    if any(squash(a) in squash(stated) for a in accept):
        return True, ""
    # an answer that states something of its own ("答：120.74亿美元。" for 第几) is judged on that; one
    # that answers by quoting ("答：据资料记载，“…”") is judged on the sentence it quotes
    if _STATES_NOTHING.fullmatch(stated):
        quoted = any(squash(a) in squash(body) for a in accept)
        return quoted, "" if quoted else "answer not found"
    return False, "answer not stated"


_STATES_NOTHING = re.compile(r"\s*(?:答[：:])?\s*(?:据资料记载)?[，。\s]*")


def _states(expected: str, text: str, question: str = "") -> bool:
    """The text states the expected figure: same value, unit and qualifier after normalisation."""
    wanted = find_figures(expected, bare_numerals=True)
    if not wanted:
        return squash(expected) in squash(text)
    got = stated_figures(text)
    return any(same_figure(wanted[0], g) or _bound_asked(wanted[0], g, question) for g in got)


# the words by which a question asks for a bound itself: "超过几个", "不到多少人", "大约多少"
_ASKED_BOUND = {"over": r"超过|超|逾|多于", "under": r"不足|不到|少于", "about": r"大约|大概|约|将近|近"}


def _bound_asked(expected: Figure, got: Figure, question: str) -> bool:
    """"…的大集团超过几个？" answered "超过7个" for a gold written 7个: the answer restates the bound
    the question asks for, so the qualifier is the question's, not a claim of the answer's."""
    bound = qualifier_class(got.qualifier)
    if expected.qualifier or bound not in _ASKED_BOUND:  # a range is no bound
        return False
    return bool(re.search(rf"(?:{_ASKED_BOUND[bound]})(?:多少|几)", question)) \
        and same_figure(expected, replace(got, qualifier=""))


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
        "answerable_accuracy": share(answerable, lambda s: s.correct),
        # stated something other than the gold answer, or answered what the pages do not say
        "confident_wrong": share(scored, lambda s: not s.correct and not s.result.get("refused")),
        "per_kind": {k: {"n": len(v), "accuracy": share(v, lambda s: s.correct)} for k, v in sorted(by_kind.items())},
        "figure_accuracy": share(figure_rows, lambda s: s.correct),
        "multi_hop_accuracy": share(by_kind.get("multi_hop", []), lambda s: s.correct),
        "citation_accuracy": share(cited, lambda s: s.cited_right),
        "citation_n": len(cited),
        "number_fidelity": share(scored, lambda s: s.faithful),
        "refusal_accuracy": share(unanswerable, lambda s: s.correct),
        "false_refusals": share(answerable, lambda s: bool(s.result.get("refused"))),
        # of the answerable questions refused, those whose related sentences come from the answer's paragraph
        "refusals_pointing": share([s for s in answerable if s.pointed is not None], lambda s: s.pointed),
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


@dataclass
class SetRun:
    """One question set asked against one suite's index."""

    suite: str
    qset: str
    report: Report

    @property
    def name(self) -> str:
        return self.suite if self.qset == self.suite else f"{self.suite}/{self.qset}"

    def rows_in(self, split: str) -> list[Scored]:
        return [s for s in self.report.scored if split == "all" or s.row.get("split") == split]


@dataclass
class Evaluation:
    """Every set run of one `assistant eval`, measured per split ("all" is the whole set)."""

    runs: list[SetRun] = field(default_factory=list)
    splits: tuple[str, ...] = (*SPLITS, "all")
    outside: dict = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # suite → why it was not run
    seconds: dict[str, float] = field(default_factory=dict)  # suite → time to index and answer
    single: bool = False  # one `--set` file over the --corpus given: [seeds] floors apply to it

    def slices(self) -> dict[str, dict]:
        """Metrics per `slice_label`; a test slice also carries the dev–test accuracy gap."""
        out = {}
        for run in self.runs:
            for split in self.splits:
                rows = run.rows_in(split)
                if rows:
                    out[slice_label(run.suite, run.qset, split)] = summarise(rows)
            dev, test = (out.get(slice_label(run.suite, run.qset, s)) for s in SPLITS)
            if dev and test:
                test["dev_test_gap"] = round(abs(dev["accuracy"] - test["accuracy"]), 4)  # either way is a gap
        return out


def load_targets(path: Path) -> dict:
    """The project's targets for the test splits (`[targets]` in thresholds.toml): reported, not gated."""
    return tomllib.loads(path.read_text(encoding="utf-8")).get("targets", {}) if path.exists() else {}


def slice_label(suite: str, qset: str, split: str) -> str:
    """"seeds.test", "merged.peoples_daily.dev": the names of the sections in thresholds.toml."""
    return ".".join([suite] + ([qset] if qset != suite else []) + [split])


def compare(floors: dict, metrics: dict) -> list[tuple[str, float | None, float, bool]]:
    """(metric, value, limit, passes) for each floor; a name ending in _max is a ceiling."""
    out = []
    for name, limit in floors.items():
        metric = name.removesuffix("_max")
        value = metrics.get(metric)
        ok = value is not None and (value <= limit if name.endswith("_max") else value >= limit)
        out.append((metric, value, limit, ok))
    return out


def check_thresholds(report: Report | Evaluation, path: Path) -> list[str]:
    """Metrics below their floor (or above their ceiling), as messages; empty when all pass.
    `[seeds]` holds the floors measured on the seeds set over all its questions: the seeds suite's
    "seeds.all" slice, or the one set of a `--set` run. `["<suite>[.<set>].<split>"]` sections apply
    to that slice when it was run, and fail when their suite was skipped (its files missing)."""
    limits = tomllib.loads(path.read_text(encoding="utf-8"))
    measured = _measured(report)
    skipped = {} if isinstance(report, Report) or report.single else report.skipped
    failures = []
    for label, floors in limits.items():
        if label in ("outside", "targets") or not isinstance(floors, dict):
            continue
        suite = label.split(".", 1)[0]
        if measured.get(label) is not None:
            failures += _floor_failures("" if label == "seeds" else f"{label} ", floors, measured[label])
        elif suite in skipped:
            failures.append(f"{label}: not measured ({skipped[suite]})")
    return failures + _outside_failures(report.outside, limits.get("outside", {}))


def _measured(report: Report | Evaluation) -> dict[str, dict | None]:
    if isinstance(report, Report):
        return {"seeds": report.metrics}
    slices = report.slices()
    if report.single:
        run = report.runs[0]
        return {"seeds": slices.get(slice_label(run.suite, run.qset, "all"))}
    return {**slices, "seeds": slices.get("seeds.all")}


def _floor_failures(prefix: str, floors: dict, metrics: dict) -> list[str]:
    out = []
    for (metric, value, limit, ok), name in zip(compare(floors, metrics), floors):
        if value is None:
            out.append(f"{prefix}{metric}: metric missing")
        elif not ok:
            out.append(f"{prefix}{metric} = {value} {'>' if name.endswith('_max') else '<'} {limit}")
    return out


def _outside_failures(outside: dict, limits: dict) -> list[str]:
    failures = []
    for corpus, modes in limits.items():
        for key, floor in modes.items():
            mode, metric = key.split(".", 1)
            value = outside.get(corpus, {}).get("modes", {}).get(mode, {}).get(metric)
            if value is None:
                failures.append(f"outside {corpus} {key}: not measured")
            elif value < floor:
                failures.append(f"outside {corpus} {key} = {value} < {floor}")
    return failures


def assign_splits(rows: list[dict]) -> list[str]:
    """Each row's split, "dev" or "test": stratified by kind and deterministic. A row that has a
    split keeps it (the split is frozen); the others are ranked within their kind by the sha1 of
    their id and dealt alternately, starting with whichever split that kind has fewer of."""
    splits = [row.get("split") or None for row in rows]
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if splits[i] is None:
            by_kind[row["kind"]].append(i)
    for kind, todo in by_kind.items():
        held = [s for s, row in zip(splits, rows) if s and row["kind"] == kind]
        first = 0 if held.count("dev") <= held.count("test") else 1
        todo.sort(key=lambda i: hashlib.sha1(str(rows[i]["id"]).encode()).hexdigest())
        for rank, i in enumerate(todo):
            splits[i] = SPLITS[(rank + first) % 2]
    return splits


def load_set(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        if row.get("kind") not in ANSWER_KINDS:
            raise ValueError(f"{row.get('id')}: unknown kind {row.get('kind')!r}")
    return rows
