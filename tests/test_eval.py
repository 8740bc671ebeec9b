"""The evaluation set is sound, and the harness scores what a user would call right or wrong."""

import json

import pytest

from assistant.evaluate import check_thresholds, load_set, score_row, summarise
from assistant.figures import find_figures, same_figure
from assistant.harness import run_eval, write_report
from assistant.layout import parse_page

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
    for page in SEEDS.iterdir():
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


def test_quoted_support_does_not_count_as_the_answer():
    answer = "答：1.6万余个。\n依据：“培训受援地干部人才1.54万人次”[1]"
    assert not score_row(ROW, result(answer, cited=(PARA,)), set()).correct


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


def test_harness_writes_report_and_enforces_thresholds(tmp_path, seed_settings, seed_index, rows):
    subset = [r for r in rows if r["id"] in {"q001", "q013", "q022", "q063", "q157"}]
    small = write(tmp_path / "set.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in subset))
    report = run_eval(seed_settings, small, outside=False, progress=False)
    assert report.metrics["questions"] == 5
    assert report.retrieval_modes["hybrid"]["n"] >= 3
    limits = write(tmp_path / "limits.toml", "[seeds]\nfigure_accuracy = 1.01\nnumber_fidelity = 1.0\n")
    failures = check_thresholds(report, limits)
    assert failures == [f"figure_accuracy = {report.metrics['figure_accuracy']} < 1.01"]
    write_report(report, tmp_path / "out", small, failures)
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| figure (数字) |" in text and "FAILED: figure_accuracy" in text
    assert (tmp_path / "out" / "accuracy.png").read_bytes()[:4] == b"\x89PNG"
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert data["metrics"]["questions"] == 5
