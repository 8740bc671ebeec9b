"""The evaluation report: `report.md` (headline per suite, set and split, dev–test gaps, targets,
per-kind accuracy by split, retrieval, outside data, other backends, thresholds, dev failures),
`report.json` and `accuracy.png`."""

from __future__ import annotations

import json
from pathlib import Path

from .evaluate import SPLITS, Evaluation, SetRun, compare, slice_label, summarise

KIND_NAMES = {"figure": "数字", "fact": "事实", "multi_hop": "多跳", "followup": "追问", "unanswerable": "无答案",
              "ambiguous": "多来源", "paraphrase": "换说法"}
HEADLINE = (("n", "questions", "{}"), ("accuracy", "accuracy", "{:.3f}"),
            ("answerable acc.", "answerable_accuracy", "{:.3f}"), ("false refusals", "false_refusals", "{:.3f}"),
            ("refusals pointing", "refusals_pointing", "{:.3f}"),
            ("refusal acc.", "refusal_accuracy", "{:.3f}"), ("confident-wrong", "confident_wrong", "{:.3f}"),
            ("number fidelity", "number_fidelity", "{:.3f}"), ("citation acc.", "citation_accuracy", "{:.3f}"),
            ("recall@5", "recall_at_5", "{:.3f}"))


def print_summary(evaluation: Evaluation) -> None:
    slices = evaluation.slices()
    for run, split, m in _rows(evaluation, slices):
        print(f"{run.name:<26} {split:<4} n={m['questions']:<4} 准确率 {m['accuracy']:.3f}｜误拒 {m['false_refusals']:.3f}｜"
              f"拒答准确率 {m['refusal_accuracy']:.3f}｜拒答指向原段 {m['refusals_pointing']:.3f}｜自信答错 {m['confident_wrong']:.3f}｜"
              f"数字可溯 {m['number_fidelity']:.3f}｜recall@5 {m['recall_at_5']:.3f}｜p50 {m['latency_p50_ms']} ms")
    for suite, why in evaluation.skipped.items():
        print(f"跳过 {suite}：{why}")
    for name, o in evaluation.outside.items():
        print(f"外部语料 {name}: " + "，".join(f"{k} R@5={v['recall_at_5']:.3f}" for k, v in o["modes"].items()))


def write_report(evaluation: Evaluation, out_dir: Path, failures: list[str], backend: str = "extractive",
                 targets: dict | None = None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    slices = evaluation.slices()
    data = _report_data(evaluation, slices, failures, backend, targets or {})
    (out_dir / "report.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    _chart(evaluation, slices, out_dir / "accuracy.png")
    lines = ["# 评测报告 · Evaluation report", "", _intro(evaluation, backend), ""]
    lines += _headline(evaluation, slices)
    lines += _gaps(evaluation, slices, targets or {})
    lines += _targets(evaluation, slices, targets or {})
    lines += _per_kind(evaluation, slices)
    lines += _retrieval(evaluation)
    lines += _outside(evaluation)
    lines += _other_runs(out_dir, evaluation)
    lines += _verification(out_dir / "llm" / "verification.json")
    lines += _readers(out_dir / "readers.md")
    lines += ["", "## Thresholds", ""]
    lines += [f"- FAILED: {f}" for f in failures] or ["All thresholds in `eval/thresholds.toml` pass."]
    lines += _failures(evaluation)
    (out_dir / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _verification(path: Path) -> list[str]:
    """The verifier in front of a generative backend, judged on recorded drafts of dev questions
    (`bench/verify_llm.py`)."""
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    lines = ["", "## Verification of generated answers (local Qwen2.5-Coder-1.5B, dev samples)", "",
             "Drafts recorded once with `--generate`, re-judged by the current verifier (`python bench/verify_llm.py`). "
             "Goals: kept ≥ 0.95, caught ≥ 0.95.", "",
             "| corpus | questions | drafts with the gold figure | kept | drafts wrong or answering the unanswerable "
             "| caught | generated: accuracy / confident-wrong | extractive: accuracy / confident-wrong |",
             "|---|---|---|---|---|---|---|---|"]
    for suite, v in data.items():
        g, e = v["generative"], v["extractive"]
        lines.append(f"| {suite} | {v['questions']} | {v['drafts_with_gold_figure']} | {v['kept']} ({v['kept_share']}) | "
                     f"{v['drafts_wrong_or_answering_unanswerable']} | {v['caught']} ({v['caught_share']}) | "
                     f"{g['accuracy']:.3f} / {g['confident_wrong']:.3f} | {e['accuracy']:.3f} / {e['confident_wrong']:.3f} |")
    if len(data) > 1:  # the goals are on the whole sample
        total = {k: sum(v[k] for v in data.values()) for k in
                 ("questions", "drafts_with_gold_figure", "kept", "drafts_wrong_or_answering_unanswerable", "caught")}
        kept = total["kept"] / max(total["drafts_with_gold_figure"], 1)
        caught = total["caught"] / max(total["drafts_wrong_or_answering_unanswerable"], 1)
        lines.append(f"| **all** | {total['questions']} | {total['drafts_with_gold_figure']} | {total['kept']} ({kept:.3f}) | "
                     f"{total['drafts_wrong_or_answering_unanswerable']} | {total['caught']} ({caught:.3f}) | | |")
    return lines


def _readers(path: Path) -> list[str]:
    """The rule scorer against the fitted reader, as `assistant train-reader` last measured them."""
    if not path.exists():
        return []
    return ["", path.read_text(encoding="utf-8").strip()]


def _intro(evaluation: Evaluation, backend: str) -> str:
    runs = ", ".join(f"`{r.name}` ({len(r.report.scored)} questions)" for r in evaluation.runs)
    text = (f"Backend `{backend}`; question sets: {runs}. Generated by `assistant eval`; every number below is "
            "what the code scored on this run. The split is frozen (`split` in each question file): dev may be "
            "read for tuning, test only ever scored.")
    if evaluation.seconds:
        text += " Seconds per suite (index + questions): " + ", ".join(f"{k} {v}" for k, v in evaluation.seconds.items()) + "."
    for suite, why in evaluation.skipped.items():
        text += f"\n\n**Suite `{suite}` skipped:** {why}."
    return text


def _rows(evaluation: Evaluation, slices: dict):
    """(run, split, metrics) for every measured slice, in report order."""
    for run in evaluation.runs:
        for split in evaluation.splits:
            m = slices.get(slice_label(run.suite, run.qset, split))
            if m:
                yield run, split, m


def _headline(evaluation: Evaluation, slices: dict) -> list[str]:
    lines = ["## Headline", "", "| suite / set | split | " + " | ".join(h for h, _, _ in HEADLINE) + " | latency p50 / p95 |",
             "|---|---|" + "---|" * (len(HEADLINE) + 1)]
    for run, split, m in _rows(evaluation, slices):
        cells = [fmt.format(m[key]) for _, key, fmt in HEADLINE]
        lines.append(f"| {run.name} | {split} | " + " | ".join(cells)
                     + f" | {m['latency_p50_ms']} / {m['latency_p95_ms']} ms |")
    return lines + ["", "Confident-wrong: share of all questions answered (not refused) but not correctly — a "
                    "figure or fact other than the gold one, or an answer to an unanswerable question. Answerable "
                    "accuracy: accuracy over the answerable questions only. Refusals pointing: of the answerable questions "
                    "refused, the share whose related sentences (shown as not the answer) come from the paragraph "
                    "that holds it."]


def _gaps(evaluation: Evaluation, slices: dict, targets: dict) -> list[str]:
    goal = {k: v for k, v in targets.items() if k == "dev_test_gap_max"}
    lines = ["", "## Dev–test accuracy gap", "", "| suite / set | dev | test | gap (absolute) |"
             + "".join(f" target ≤ {v} |" for v in goal.values()), "|---|---|---|---|" + "---|" * len(goal)]
    for run in evaluation.runs:
        dev, test = (slices.get(slice_label(run.suite, run.qset, s)) for s in SPLITS)
        if dev and test:
            marks = "".join(" met |" if ok else " **not met** |" for *_, ok in compare(goal, test))
            lines.append(f"| {run.name} | {dev['accuracy']:.3f} | {test['accuracy']:.3f} | "
                         f"{test['dev_test_gap']:.3f} |{marks}")
    return lines if len(lines) > 4 else []


def _targets(evaluation: Evaluation, slices: dict, targets: dict) -> list[str]:
    goals = {k: v for k, v in targets.items() if k != "dev_test_gap_max"}
    if not goals:
        return []
    lines = ["", "## Targets on the test splits (`[targets]` in thresholds.toml; reported, not gated)", "",
             "| suite / set | " + " | ".join(f"{k.removesuffix('_max')} {'≤' if k.endswith('_max') else '≥'} {v}"
                                          for k, v in goals.items()) + " |", "|---|" + "---|" * len(goals)]
    for run, split, m in _rows(evaluation, slices):
        if split == "test":
            cells = [f"{value:.3f} {'met' if ok else '**not met**'}" if value is not None else "–"
                     for _, value, _, ok in compare(goals, m)]
            lines.append(f"| {run.name} | " + " | ".join(cells) + " |")
    return lines


def _per_kind(evaluation: Evaluation, slices: dict) -> list[str]:
    lines = ["", "## Accuracy per kind, by split", "", "![accuracy per kind](accuracy.png)"]
    for run in evaluation.runs:
        per = {s: slices.get(slice_label(run.suite, run.qset, s), {}).get("per_kind", {}) for s in evaluation.splits}
        kinds = sorted({k for v in per.values() for k in v})
        lines += ["", f"**{run.name}**", "", "| kind | " + " | ".join(f"{s} n | {s} accuracy" for s in per) + " |",
                  "|---|" + "---|---|" * len(per)]
        for kind in kinds:
            cells = [f"{per[s][kind]['n']} | {per[s][kind]['accuracy']:.3f}" if kind in per[s] else "0 | –" for s in per]
            lines.append(f"| {kind} ({KIND_NAMES.get(kind, kind)}) | " + " | ".join(cells) + " |")
    return lines


def _retrieval(evaluation: Evaluation) -> list[str]:
    lines = ["", "## Retrieval by mode (gold = paragraph holding the source quote)", "",
             "| suite / set | mode | n | recall@1 | recall@5 | MRR |", "|---|---|---|---|---|---|"]
    for run in evaluation.runs:
        for mode, v in run.report.retrieval_modes.items():
            lines.append(f"| {run.name} | {mode} | {v['n']} | {v['recall_at_1']:.3f} | {v['recall_at_5']:.3f} | "
                         f"{v['mrr']:.3f} |")
    return lines


def _outside(evaluation: Evaluation) -> list[str]:
    lines = []
    for name, o in evaluation.outside.items():
        lines += ["", f"## Outside data: {name} ({o['sections']} question headings → {o['paragraphs']} body paragraphs)",
                  "", "| mode | recall@1 | recall@5 | MRR |", "|---|---|---|---|"]
        for mode, v in o["modes"].items():
            lines.append(f"| {mode} | {v['recall_at_1']:.3f} | {v['recall_at_5']:.3f} | {v['mrr']:.3f} |")
    return lines


def _failures(evaluation: Evaluation) -> list[str]:
    """Dev failures only: the test split must not be read for tuning, so only its count is given.
    A set asked again on a merged corpus lists only the failures its own suite did not have."""
    lines = ["", "## Failures (dev split only)"]
    hidden = []
    for run in evaluation.runs:
        wrong = [s for s in run.report.scored if not s.correct or not s.faithful]
        shown = [s for s in wrong if s.row.get("split") != "test"]
        hidden.append(f"{run.name} {len(wrong) - len(shown)}")
        own = next((r for r in evaluation.runs if r.suite == r.qset == run.qset), None)
        note = ""
        if own is not run and own is not None:
            before = {s.row["id"] for s in own.report.scored if not s.correct or not s.faithful}
            note = f" — {sum(s.row['id'] in before for s in shown)} more that `{own.name}` also fails are not repeated"
            shown = [s for s in shown if s.row["id"] not in before]
        lines += ["", f"**{run.name}** ({len(shown)}{note})"]
        if shown:
            lines += ["", "| id | kind | question | expected | got | why |", "|---|---|---|---|---|---|"]
        lines += [_failure_line(_failure(s)) for s in shown]
    return lines + ["", "Test-split failures, counted but not listed: " + ", ".join(hidden) + "."]


def _failure_line(f: dict) -> str:
    return (f"| {f['id']} | {f['kind']} | {_cell(f['question'])} | {_cell(f['expected'])} | {_cell(f['got'])} | "
            f"{_cell(f['why'])} |")


def _report_data(evaluation: Evaluation, slices: dict, failures: list[str], backend: str, targets: dict) -> dict:
    runs = [{"suite": r.suite, "set": r.qset, "name": r.name, "ids": [s.row["id"] for s in r.report.scored],
             "replaced": sum(1 for s in r.report.scored if s.result.get("replaced")),
             "metrics": r.report.metrics, "retrieval_modes": r.report.retrieval_modes,
             "slices": {split: slices.get(slice_label(r.suite, r.qset, split)) for split in evaluation.splits},
             "failures": [_failure(s) for s in r.report.scored
                          if (not s.correct or not s.faithful) and s.row.get("split") != "test"],
             "test_failures": sum(1 for s in r.report.scored
                                  if (not s.correct or not s.faithful) and s.row.get("split") == "test")}
            for r in evaluation.runs]
    return {"backend": backend, "splits": list(evaluation.splits), "runs": runs, "skipped": evaluation.skipped,
            "seconds": evaluation.seconds, "targets": targets, "outside": evaluation.outside,
            "threshold_failures": failures}


def _other_runs(out_dir: Path, evaluation: Evaluation) -> list[str]:
    """Runs of other answer backends saved under eval/<backend>/ (`assistant --llm local eval
    --set … --out eval/llm`), beside this run scored on the same questions."""
    lines = []
    for path in sorted(out_dir.glob("*/report.json")):
        other = json.loads(path.read_text(encoding="utf-8"))
        backend = other.get("backend", path.parent.name)
        for o_run in _runs_of(other):
            mine = _same_questions(evaluation, o_run)
            if mine is not None:
                lines += _comparison(mine, o_run, backend)
    return lines


def _same_questions(evaluation: Evaluation, o_run: dict) -> SetRun | None:
    """This run's set run of the same name, or (a single-set report) the first holding all its ids."""
    if "suite" in o_run:
        return next((r for r in evaluation.runs if r.name == o_run["name"]), None)
    return next((r for r in evaluation.runs if set(o_run["ids"]) <= {s.row["id"] for s in r.report.scored}), None)


def _runs_of(report_json: dict) -> list[dict]:
    """The set runs of a saved report.json, this format or the single-set one before it."""
    if "runs" in report_json:
        return report_json["runs"]
    return [{"name": report_json["set"], "ids": report_json.get("ids", []), "metrics": report_json["metrics"],
             "replaced": report_json.get("replaced")}]


def _comparison(mine: SetRun, o_run: dict, backend: str) -> list[str]:
    o = o_run["metrics"]
    ids = set(o_run["ids"])
    m = summarise([s for s in mine.report.scored if s.row["id"] in ids])
    lines = ["", f"## Backend comparison: `{backend}` on `{o_run['name']}` ({o['questions']} questions)", "",
             f"| metric | this run ({mine.name}) on the same {m['questions']} questions | {backend} |", "|---|---|---|"]
    for key in ("accuracy", "confident_wrong", "figure_accuracy", "citation_accuracy", "number_fidelity",
                "refusal_accuracy", "false_refusals", "latency_p50_ms", "latency_p95_ms"):
        lines.append(f"| {key} | {m.get(key)} | {o.get(key, '–')} |")
    for kind, v in o.get("per_kind", {}).items():
        lines.append(f"| accuracy: {kind} (n={v['n']}) | {m['per_kind'].get(kind, {}).get('accuracy')} | "
                     f"{v['accuracy']} |")
    if o_run.get("replaced") is not None:
        lines.append(f"| generated answers replaced by verification | – | {o_run['replaced']} |")
    return lines


def _failure(s) -> dict:
    got = s.result.get("answer", "").split("\n来源：", 1)[0]
    question = s.row["question"]
    if s.row.get("history"):
        question = " → ".join([*s.row["history"], question])
    why = s.why if not s.correct else ""
    if not s.faithful:
        why = (why + "; " if why else "") + "a number is not in any cited paragraph"
    return {"id": s.row["id"], "kind": s.row["kind"], "split": s.row.get("split"), "question": question,
            "expected": s.row.get("answer") or "（应拒答）", "got": got.splitlines()[0] if got else "", "why": why}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")[:120]


def _chart(evaluation: Evaluation, slices: dict, path: Path) -> None:
    """Accuracy per kind, one panel per set run, one bar per split."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = evaluation.runs or [None]
    fig, axes = plt.subplots(len(runs), 1, figsize=(8, 2.6 * len(runs)), dpi=110, squeeze=False)
    colours = {"dev": "#3b7dd8", "test": "#e0a030", "all": "#7a7a7a"}
    for ax, run in zip(axes[:, 0], runs):
        if run is None:
            continue
        per = {s: slices.get(slice_label(run.suite, run.qset, s), {}).get("per_kind", {}) for s in evaluation.splits}
        kinds = sorted({k for v in per.values() for k in v})
        width = 0.8 / len(per)
        for j, (split, values) in enumerate(per.items()):
            xs = [i + (j - (len(per) - 1) / 2) * width for i in range(len(kinds))]
            ax.bar(xs, [values.get(k, {}).get("accuracy", 0.0) for k in kinds], width, label=split,
                   color=colours.get(split))
        ax.set_xticks(range(len(kinds)), [f"{k}\n(n={per[evaluation.splits[-1]].get(k, {}).get('n', 0)})"
                                          for k in kinds], fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("accuracy")
        ax.set_title(f"{run.name}: accuracy per question kind", fontsize=9)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
