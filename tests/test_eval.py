"""The evaluation set is sound, and the harness scores what a user would call right or wrong."""

import json
import random

import pytest

from assistant.eval_report import write_report
from assistant.evaluate import (
    Evaluation,
    Report,
    SetRun,
    assign_splits,
    check_thresholds,
    load_set,
    score_row,
    slice_label,
    summarise,
)
from assistant.figures import find_figures, same_figure
from assistant.harness import _sentences_of, run_eval, synthetic_pages
from assistant.layout import parse_page
from assistant.suites import load_suites, select

from .conftest import ROOT, SEEDS, write

SET = ROOT / "eval" / "questions.jsonl"


@pytest.fixture(scope="module")
def rows():
    return load_set(SET)


def test_the_set_is_large_and_mostly_figures(rows):
    assert len(rows) >= 120
    assert sum(r["kind"] == "figure" for r in rows) * 2 >= len(rows)
    assert {r["kind"] for r in rows} == {"figure", "fact", "multi_hop", "followup", "unanswerable", "ambiguous",
                                         "paraphrase"}
    assert len({r["id"] for r in rows}) == len(rows)


def test_every_quote_is_in_its_seed_file_and_holds_the_answer(rows):
    for r in rows:
        if r["answer"] is None:
            assert r["source_quote"] is None and r["kind"] in ("unanswerable", "followup"), r["id"]
            continue
        text = (SEEDS / r["source_file"]).read_text(encoding="utf-8")
        assert r["source_quote"] in text, r["id"]
        assert 10 <= len(r["source_quote"]) <= 60, r["id"]
        if r["kind"] in ("figure", "followup", "paraphrase"):
            quoted = find_figures(r["source_quote"])
            for figure in find_figures(r["answer"]):
                assert any(same_figure(figure, q) for q in quoted), (r["id"], figure.text)


def test_every_article_is_asked_about(rows):
    quotes = [r["source_quote"] for r in rows if r["source_quote"]]
    for page in (p for p in SEEDS.iterdir() if p.suffix in (".md", ".txt")):  # not the pages' .toml sidecars
        articles, paragraphs = parse_page(page.read_text(encoding="utf-8"), page.name)
        for article in articles:
            texts = [p.text for p in paragraphs if p.article == article.title]
            assert any(q in t for q in quotes for t in texts), article.title


def result(answer, refused=False, cited=("",), retrieved=()):
    return {"answer": answer, "refused": refused, "citations": [{"text": t} for t in cited],
            "retrieved": list(retrieved), "latency_ms": 10.0}


ROW = {"id": "x", "kind": "figure", "question": "湖南培训多少人次？", "answer": "1.54万人次", "accept": ["1.54万人次"],
       "source_quote": "培训受援地干部人才1.54万人次"}
PARA = "湖南……培训受援地干部人才1.54万人次；"


def test_a_figure_counts_when_value_unit_and_qualifier_match():
    assert score_row(ROW, result("答：15400人次。[1]", cited=(PARA,)), set()).correct
    assert not score_row(ROW, result("答：1.54万人。[1]", cited=(PARA,)), set()).correct
    near = dict(ROW, answer="近600人", accept=["近600人"], source_quote="西藏籍学生近600人")
    assert not score_row(near, result("答：600人。", cited=("学生近600人",)), set()).correct
    assert score_row(near, result("答：近600人。", cited=("学生近600人",)), set()).correct
    # a bound the question itself asks for ("超过几个") may be restated; one it does not ask is a claim
    bound = dict(ROW, question="大集团要超过几个？", answer="7个", accept=["7个"], source_quote="大集团要超过7个")
    assert score_row(bound, result("答：超过7个。", cited=("大集团要超过7个",)), set()).correct
    assert not score_row(dict(bound, question="大集团要有几个？"), result("答：超过7个。"), set()).correct
    assert not score_row(bound, result("答：不到7个。"), set()).correct


def test_quoted_support_does_not_count_as_the_answer():
    answer = "答：1.6万余个。\n依据：“培训受援地干部人才1.54万人次”[1]"
    assert not score_row(ROW, result(answer, cited=(PARA,)), set()).correct


def test_a_computed_answer_counts_only_for_what_it_states_not_for_its_operands():
    working = "答：72.2亿公斤。\n计算：85.2亿公斤 − 13亿公斤 = 72.2亿公斤\n依据：“……”[1]"
    gold = dict(ROW, answer="13亿公斤", accept=["13亿公斤"])
    assert not score_row(gold, result(working, cited=("增产13亿公斤，达85.2亿公斤",)), set()).correct
    assert score_row(dict(ROW, answer="72.2亿公斤", accept=["72.2亿公斤"]), result(working), set()).correct


def test_a_name_or_rank_counts_only_as_stated_unless_the_answer_is_the_quote():
    rank = {"id": "r", "kind": "followup", "question": "在世界上排第几？", "answer": "第八名", "accept": ["第八名"],
            "source_quote": "上升到去年的第八名"}
    quoted = "依据：“排名由前年的第九名上升到去年的第八名。”[1]"
    assert not score_row(rank, result(f"答：120.74亿美元。\n{quoted}"), set()).correct  # states something else
    assert score_row(rank, result(f"答：第八名。\n{quoted}"), set()).correct
    fact = {"id": "f", "kind": "fact", "question": "在哪家医院完成手术？", "answer": "湘雅医院", "accept": ["湘雅医院"],
            "source_quote": "经中南大学湘雅医院多学科联合救治"}
    by_quote = "答：据资料记载，\n依据：“经中南大学湘雅医院多学科联合救治，身高“增长”26厘米。”[1]"
    assert score_row(fact, result(by_quote), set()).correct  # the quoted sentence is the answer
    named = dict(fact, answer="“雅江1号”", accept=["“雅江1号”"])
    assert score_row(named, result("答：“雅江1号”。\n依据：“智算中心“雅江1号”投用”[1]"), set()).correct


def test_citation_number_fidelity_and_refusals_are_scored():
    scored = score_row(ROW, result("答：1.54万人次。[1]", cited=(PARA,), retrieved=["p2", "p1"]), {"p1"})
    assert scored.cited_right and scored.faithful and scored.gold_rank == 2
    invented = score_row(ROW, result("答：1.54万人次，另有99人。[1]", cited=(PARA,)), set())
    assert not invented.faithful
    unanswerable = {"id": "u", "kind": "unanswerable", "question": "?", "answer": None, "accept": [], "source_quote": None}
    assert score_row(unanswerable, result("资料中没有找到这个问题的答案。", refused=True), set()).correct
    assert not score_row(unanswerable, result("答：5个。"), set()).correct
    assert not score_row(ROW, result("资料中没有找到这个问题的答案。", refused=True), set()).correct
    metrics = summarise([score_row(ROW, result("资料中没有找到", refused=True), set()),
                         score_row(unanswerable, result("没有", refused=True), set())])
    assert metrics["false_refusals"] == 1.0 and metrics["refusal_accuracy"] == 1.0


def test_a_refusal_is_credited_when_its_related_sentences_come_from_the_answers_paragraph():
    refusal = "资料中没有找到这个问题的答案。\n相关内容（未用作答案，仅供参考）：\n- “…”[1]"
    pointing = score_row(ROW, result(refusal, refused=True, cited=(PARA,)), set())
    elsewhere = score_row(ROW, result(refusal, refused=True, cited=("湖南……援藏资金",)), set())
    assert not pointing.correct and pointing.pointed and elsewhere.pointed is False
    assert score_row(ROW, result("答：1.54万人次。[1]", cited=(PARA,)), set()).pointed is None  # not a refusal
    assert summarise([pointing, elsewhere])["refusals_pointing"] == 0.5


def test_harness_writes_report_and_enforces_thresholds(tmp_path, seed_settings, seed_index, rows):
    subset = [r for r in rows if r["id"] in {"q001", "q013", "q022", "q063", "q157"}]
    small = write(tmp_path / "set.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in subset))
    report = run_eval(seed_settings, small, outside=False, progress=False)
    assert report.metrics["questions"] == 5
    assert report.retrieval_modes["hybrid"]["n"] >= 3
    limits = write(tmp_path / "limits.toml", "[seeds]\nfigure_accuracy = 1.01\nnumber_fidelity = 1.0\n")
    failures = check_thresholds(report, limits)
    assert failures == [f"figure_accuracy = {report.metrics['figure_accuracy']} < 1.01"]
    evaluation = Evaluation([SetRun("set", "set", report)], single=True)
    assert check_thresholds(evaluation, limits) == failures
    write_report(evaluation, tmp_path / "out", failures)
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| figure (数字) |" in text and "FAILED: figure_accuracy" in text
    assert (tmp_path / "out" / "accuracy.png").read_bytes()[:4] == b"\x89PNG"
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert data["runs"][0]["metrics"]["questions"] == 5


# ---- confident-wrong, splits, suites, thresholds per slice (no index) ----

UNANSWERABLE = {"id": "u", "kind": "unanswerable", "question": "?", "answer": None, "accept": [], "source_quote": None}


def test_confident_wrong_counts_wrong_statements_and_answered_unanswerables_not_refusals():
    scored = [
        score_row(ROW, result("答：1.54万人次。[1]", cited=(PARA,)), set()),  # right
        score_row(ROW, result("答：1.6万人次。[1]", cited=(PARA,)), set()),  # a figure other than the gold one
        score_row(ROW, result("资料中没有找到这个问题的答案。", refused=True), set()),  # false refusal, not confident
        score_row(UNANSWERABLE, result("答：5个。"), set()),  # answered what the pages do not say
        score_row(UNANSWERABLE, result("资料中没有找到这个问题的答案。", refused=True), set()),  # right refusal
    ]
    m = summarise(scored)
    assert m["confident_wrong"] == 0.4
    assert m["accuracy"] == 0.4 and m["answerable_accuracy"] == round(1 / 3, 4)
    assert m["false_refusals"] == round(1 / 3, 4) and m["refusal_accuracy"] == 0.5
    assert summarise(scored[2:3])["confident_wrong"] == 0.0


def _rows(counts: dict[str, int]) -> list[dict]:
    return [{"id": f"{kind}{i}", "kind": kind} for kind, n in counts.items() for i in range(n)]


def test_split_is_stratified_by_kind_and_deterministic():
    rows = _rows({"figure": 41, "fact": 9, "unanswerable": 2, "ambiguous": 3})
    splits = assign_splits(rows)
    shuffled = random.Random(3).sample(rows, len(rows))
    assert dict(zip((r["id"] for r in shuffled), assign_splits(shuffled))) == dict(zip((r["id"] for r in rows), splits))
    for kind in ("figure", "fact", "unanswerable", "ambiguous"):
        mine = [s for r, s in zip(rows, splits) if r["kind"] == kind]
        assert set(mine) == {"dev", "test"} and abs(mine.count("dev") - mine.count("test")) <= 1, kind
    frozen = [dict(r, split=s) for r, s in zip(rows, splits)]
    added = frozen + [{"id": "new1", "kind": "ambiguous"}, {"id": "new2", "kind": "ambiguous"}]
    again = assign_splits(added)
    assert again[: len(rows)] == splits  # frozen rows keep their split
    assert sorted(again[len(rows):]) == ["dev", "test"]


def test_the_stored_split_is_the_deterministic_one(rows):
    assert all(r.get("split") in ("dev", "test") for r in rows)
    assert assign_splits([{k: v for k, v in r.items() if k != "split"} for r in rows]) == [r["split"] for r in rows]


def test_the_suites_file_names_each_corpus_and_its_question_sets():
    suites = load_suites()
    assert list(suites)[:3] == ["seeds", "peoples_daily", "merged"]
    assert [s.name for s in suites["merged"].sets] == ["seeds", "peoples_daily"]
    assert suites["merged"].corpus == (*suites["seeds"].corpus, *suites["peoples_daily"].corpus)
    assert suites["merged_large"].large and suites["merged_large"].synthetic > 5000
    assert [s.name for s in select(suites)] == ["seeds", "peoples_daily", "merged"]
    assert "merged_large" in [s.name for s in select(suites, large=True)]
    assert [s.name for s in select(suites, ["merged", "seeds"])] == ["seeds", "merged"]
    with pytest.raises(ValueError, match="unknown suite"):
        select(suites, ["nope"])
    assert suites["seeds"].missing() == []


def test_a_suite_asking_an_unknown_set_or_with_missing_files(tmp_path):
    bad = write(tmp_path / "s.toml", '[sets]\na = "a.jsonl"\n[suites.x]\ncorpus = ["pages"]\nsets = ["b"]\n')
    with pytest.raises(ValueError, match="suite x"):
        load_suites(bad, tmp_path)
    good = write(tmp_path / "t.toml", '[sets]\na = "a.jsonl"\n[suites.x]\ncorpus = ["pages"]\nsets = ["a"]\n')
    suite = load_suites(good, tmp_path)["x"]
    assert suite.missing() == [tmp_path / "pages", tmp_path / "a.jsonl"]
    assert suite.index_dir(tmp_path / "out") == tmp_path / "out" / "x" / "index"


def _scored(split: str, right: bool, qid: str):
    row = dict(ROW, id=qid, split=split)
    return score_row(row, result("答：1.54万人次。[1]" if right else "答：2万人次。[1]", cited=(PARA,)), set())


def _evaluation() -> Evaluation:
    seeds = [_scored("dev", True, "a"), _scored("dev", True, "b"), _scored("test", True, "c"), _scored("test", False, "d")]
    pd = [_scored("dev", True, "e"), _scored("test", False, "f")]
    return Evaluation([SetRun("seeds", "seeds", Report(seeds)), SetRun("merged", "peoples_daily", Report(pd))],
                      skipped={"peoples_daily": "missing eval/peoples_daily/pages"})


def test_slices_carry_each_split_and_the_dev_test_gap():
    slices = _evaluation().slices()
    assert slice_label("merged", "peoples_daily", "test") == "merged.peoples_daily.test"
    assert set(slices) == {"seeds.dev", "seeds.test", "seeds.all", "merged.peoples_daily.dev",
                           "merged.peoples_daily.test", "merged.peoples_daily.all"}
    assert slices["seeds.test"]["accuracy"] == 0.5 and slices["seeds.test"]["dev_test_gap"] == 0.5
    assert slices["seeds.test"]["confident_wrong"] == 0.5 and "dev_test_gap" not in slices["seeds.dev"]


def test_thresholds_per_suite_set_and_split(tmp_path):
    limits = write(tmp_path / "limits.toml", "\n".join([
        "[seeds]", "accuracy = 0.7",  # the seeds suite over all its questions: 0.75
        '["seeds.test"]', "accuracy = 0.5", "confident_wrong_max = 0.4", "dev_test_gap_max = 0.6",
        '["merged.peoples_daily.test"]', "accuracy = 0.0", "confident_wrong_max = 0.02",
        '["merged.seeds.test"]', "accuracy = 0.9",  # not run here: not checked
        '["peoples_daily.test"]', "accuracy = 0.5",  # its suite was skipped: a failure
        "[targets]", "accuracy = 0.99",  # reported, never gated
    ]))
    assert check_thresholds(_evaluation(), limits) == [
        "seeds.test confident_wrong = 0.5 > 0.4",
        "merged.peoples_daily.test confident_wrong = 1.0 > 0.02",
        "peoples_daily.test: not measured (missing eval/peoples_daily/pages)",
    ]


def test_the_report_lists_dev_failures_only(tmp_path):
    write_report(_evaluation(), tmp_path, [], targets={"accuracy": 0.9, "dev_test_gap_max": 0.05})
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| seeds | test | 2 | 0.500 |" in text and "| merged/peoples_daily | dev | 1 | 1.000 |" in text
    assert "0.500 **not met**" in text and "| 0.500 | **not met** |" in text
    assert "Suite `peoples_daily` skipped" in text
    assert "| d |" not in text and "| f |" not in text  # test failures are counted, not shown
    assert "seeds 1, merged/peoples_daily 1" in text
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert all(not run["failures"] and run["test_failures"] == 1 for run in data["runs"])


def test_large_suite_distractors_drop_sentences_of_the_evaluation_pages(tmp_path):
    plain = synthetic_pages(100, tmp_path / "plain")
    first = sorted(plain.glob("*.md"))[0].read_text(encoding="utf-8").split("\n\n")[1]
    sentence = next(iter(_sentences_of(first)))
    pages = write(tmp_path / "eval_pages" / "p.md", f"## 标题\n\n前文。{sentence}后文。\n").parent
    filtered = synthetic_pages(100, tmp_path / "filtered", (pages,))
    text = "".join(p.read_text(encoding="utf-8") for p in filtered.glob("*.md"))
    assert first not in text and sentence not in text
    assert filtered.name.startswith("filtered-") and text.count("\n\n") >= 90


def test_every_suite_question_has_a_split_and_every_kind_both():
    for qset in {s for suite in load_suites().values() for s in suite.sets}:
        if not qset.path.exists():
            continue
        by_kind: dict[str, set[str]] = {}
        for row in load_set(qset.path):
            assert row.get("split") in ("dev", "test"), (qset.name, row["id"])
            by_kind.setdefault(row["kind"], set()).add(row["split"])
        assert all(splits == {"dev", "test"} for splits in by_kind.values()), (qset.name, by_kind)


def test_a_merged_run_lists_only_the_dev_failures_its_own_suite_did_not_have(tmp_path):
    own = [_scored("dev", False, "a"), _scored("dev", True, "b")]
    merged = [_scored("dev", False, "a"), _scored("dev", False, "b")]
    evaluation = Evaluation([SetRun("seeds", "seeds", Report(own)), SetRun("merged", "seeds", Report(merged))])
    write_report(evaluation, tmp_path, [])
    text = (tmp_path / "report.md").read_text(encoding="utf-8").split("## Failures", 1)[1]
    assert text.count("| a |") == 1 and text.count("| b |") == 1
    assert "**merged/seeds** (1 — 1 more that `seeds` also fails are not repeated)" in text
