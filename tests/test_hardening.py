"""One request must never take the service down: each finding of the outside security test, tried
against a real server on loopback the way the tester did."""

from __future__ import annotations

import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

import pytest

from .conftest import ROOT, SEEDS, write
from .servers import request, running_server
from .test_api import TOKEN, upload, wait_for_job

POISON = "\ufdfa"  # NFKC: 18 characters from 3 bytes; overflowed the tokenizer's heap buffer
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server(seed_settings, seed_index, tmp_path_factory):
    work = tmp_path_factory.mktemp("hardening")
    (work / "tmp").mkdir()
    with running_server(seed_settings.index_dir, work,
                        env={"ASSISTANT_ADMIN_TOKEN": TOKEN, "TMPDIR": str(work / "tmp")}) as base:
        yield base, work


def alive(base: str) -> bool:
    return request(base, "GET", "/api/health")[0] == 200


def test_a_question_of_expanding_characters_is_answered_not_fatal(server):
    base, _ = server
    for text in (POISON * 40, "\ufdfb" * 60 + "援藏", "\u3300" * 100, "湖南" + POISON * 200):
        status, body = request(base, "POST", "/api/ask", {"question": text[:500]})
        assert status == 200 and body["answer"], body
    assert alive(base)


def test_the_cli_survives_the_same_question(seed_settings, seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_settings.index_dir, index)
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "--corpus", str(SEEDS), "--index-dir", str(index),
                           "ask", POISON * 40], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-1000:]
    assert "资料中没有" in done.stdout or "答：" in done.stdout


def test_a_poisoned_page_is_indexed_and_the_server_keeps_answering(server):
    base, _ = server
    news = "\n\n".join(f"某县第{i}中学今年新建教学楼{i + 1}栋，新增学位{i * 40 + 200}个，改善了办学条件。" for i in range(12))
    page = ("## 某县新闻\n\n" + POISON * 100 + "\n\n某县今年新修乡村公路38公里。\n\n" + news).encode()
    status, accepted = upload(base, page, "poison.md", TOKEN)
    assert status == 202, accepted
    job = wait_for_job(base, accepted["job_id"])
    assert job["state"] == "done" and job["status"] == "added", job
    _, answer = request(base, "POST", "/api/ask", {"question": "某县今年新修乡村公路多少公里？"})
    assert answer["answer"].startswith("答：38公里")


def test_startup_survives_a_bad_page_and_reports_it(seed_settings, seed_index, tmp_path):
    index = tmp_path / "prepared"
    shutil.copytree(seed_settings.index_dir, index)
    write(index / "pages" / "broken.md", b"\x00\x01\x02 binary junk")
    write(index / "pages" / "noise.md", "貂" * 5000)
    with running_server(index, tmp_path / "run") as base:
        status, health = request(base, "GET", "/api/health")
        assert status == 200 and set(health["skipped"]) == {"broken.md", "noise.md"}
        _, answer = request(base, "POST", "/api/ask", {"question": "湖南援藏三年签约资金多少？"})
        assert answer["answer"].startswith("答：80.7亿元")


def test_questions_are_answered_while_a_big_page_is_ingested(server):
    base, _ = server
    page = "## 某市统计公报\n\n" + "\n\n".join(f"某市第{i}号工程今年完成投资{i + 3}.5亿元，带动就业{i * 7 + 11}人。"
                                            for i in range(300))
    status, accepted = upload(base, page.encode(), "bulletin.md", TOKEN)
    assert status == 202 and accepted["paragraphs"] >= 300
    _, first = request(base, "GET", accepted["status_url"], headers=ADMIN)
    status, answer = request(base, "POST", "/api/ask", {"question": "湖南援藏三年签约资金多少？"})
    _, during = request(base, "GET", accepted["status_url"], headers=ADMIN)
    assert status == 200 and answer["answer"].startswith("答：80.7亿元")
    assert during["state"] in ("queued", "embedding", "indexing"), during  # answered before the job ended
    assert {"done", "total"} <= set(first) and first["total"] >= 300
    job = wait_for_job(base, accepted["job_id"], timeout=300)
    assert job["status"] == "added"
    _, answer = request(base, "POST", "/api/ask", {"question": "某市第12号工程今年完成投资多少？"})
    assert answer["answer"].startswith("答：15.5亿元")


def test_a_page_with_too_many_paragraphs_gets_a_422(server):
    base, _ = server
    content = "## 标题\n\n" + "\n\n".join(f"第{i}段：某地今年新建项目{i}个。" for i in range(3100))
    status, body = upload(base, content.encode(), "big.md", TOKEN)
    assert status == 422 and "段落太多" in body["error"], body


def post(base: str, path: str, head: dict, chunks) -> tuple[int, bytes]:
    """Send a request as a careful client does: stop sending as soon as the server has answered
    (an early 413 or 401 is followed by a closed connection), then read the status line."""
    url = urlparse(base)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", *(f"{k}: {v}" for k, v in head.items())]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            for chunk in chunks:
                if select.select([sock], [], [], 0.05)[0]:
                    break  # answered already
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = read_reply(sock)
    return int(reply.split(b" ", 2)[1]), reply


def read_reply(sock: socket.socket) -> bytes:
    """The whole response: uvicorn writes the head and the body in separate sends, so one recv
    may return the head alone."""
    reply = b""
    while b"\r\n\r\n" not in reply or len(reply.split(b"\r\n\r\n", 1)[1]) < body_length(reply):
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            break
        if not piece:
            break
        reply += piece
    return reply


def body_length(reply: bytes) -> int:
    found = re.search(rb"(?im)^content-length:\s*(\d+)", reply.split(b"\r\n\r\n", 1)[0])
    return int(found.group(1)) if found else 0


def as_chunks(pieces):
    for piece in pieces:
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def test_a_declared_oversized_upload_is_refused_before_it_is_sent(server):
    base, _ = server
    head = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": "50000000"}
    status, reply = post(base, "/api/ingest", head, [])
    assert status == 413 and "太大".encode() in reply


CHUNKED = {"Transfer-Encoding": "chunked", "Content-Type": "application/json"}


def test_chunked_bodies_are_cut_off_at_the_limit(server):
    base, _ = server
    status, _ = post(base, "/api/ask", CHUNKED, as_chunks(b"x" * 65536 for _ in range(800)))  # 50 MB offered
    assert status == 413
    status, _ = post(base, "/gradio_api/queue/join", CHUNKED, as_chunks(b"x" * 65536 for _ in range(800)))
    assert status == 413
    assert alive(base)


def test_an_unauthenticated_upload_is_refused_before_its_body_is_read(server):
    base, _ = server
    status, _ = post(base, "/api/ingest", CHUNKED, [])  # headers only: the body never comes
    assert status == 401


@pytest.mark.parametrize(("raw", "words"), [
    ('{"question": "湖南\\ud800援藏"}'.encode(), "无法识别"),
    (b'{"question": "\xed\xa0\x80"}', "无法"),
    (b'{"question": "\xff\xfe"}', "无法"),
])
def test_broken_unicode_gets_a_4xx(server, raw, words):
    base, _ = server
    status, body = request(base, "POST", "/api/ask", raw=raw)
    assert 400 <= status < 500 and words in body["error"], body


@pytest.mark.parametrize("name", ["..", "../", "../../etc/passwd", ".md", "page.pdf", ""])
def test_upload_names_that_are_not_pages_get_a_4xx(server, name):
    base, _ = server
    status, body = upload(base, "## 标题\n\n某县新建学校3所。\n".encode(), name, TOKEN)
    assert status in (400, 422) and "error" in body, body


@pytest.mark.parametrize(("path", "body"), [
    ("/gradio_api/run/predict", {"fn_index": 99, "data": []}),
    ("/gradio_api/queue/join", {"fn_index": 99, "data": [], "session_hash": "abc"}),
    ("/gradio_api/call/nothing", {"data": []}),
])
def test_unknown_page_functions_get_a_404(server, path, body):
    base, _ = server
    status, reply = request(base, "POST", path, body)
    assert status == 404, reply
    assert alive(base)


def test_an_upload_cut_off_midway_leaves_no_temporary_file(server):
    base, work = server
    url = urlparse(base)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(f"POST /api/ingest HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {TOKEN}\r\n"
                     "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 3000000\r\n\r\n"
                     "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.md\"\r\n\r\n".encode())
        sock.sendall(("某县新闻。" * 100_000).encode()[:1_500_000])
    time.sleep(1)
    assert alive(base)
    left = [p for p in (work / "tmp").rglob("*") if p.is_file() and "gradio" not in p.parts]  # gradio: its cache
    assert left == []


def test_the_server_listens_while_it_builds_and_stops_on_sigterm(tmp_path):
    """No index yet: the port opens at once, questions are told to wait, and SIGTERM is obeyed."""
    extra = "## 某市新闻\n\n" + "\n\n".join(f"某市第{i}个社区今年新增绿地{i + 2}公顷。" for i in range(300))
    work = tmp_path / "run"
    write(work / "index" / "pages" / "extra.md", extra)  # 380 paragraphs to embed: a build of ~40 s
    processes: list = []
    with running_server(None, work, ready=False, process_out=processes) as base:
        status, health = request(base, "GET", "/api/health")
        assert status == 503 and health["status"] == "building"
        status, body = request(base, "POST", "/api/ask", {"question": "湖南援藏三年签约资金多少？"})
        assert status == 503 and "正在建立索引" in body["error"]
        process = processes[0]
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert time.monotonic() - started < 10


def test_a_conversation_keeps_a_bounded_number_of_turns(assistant):
    from assistant.chat import Conversation

    conversation = Conversation()
    for _ in range(Conversation.MAX_TURNS + 15):
        assistant.ask("湖南援藏三年签约资金多少？", conversation)
    assert len(conversation.turns) == Conversation.MAX_TURNS
    assert assistant.ask("那安徽呢？", conversation).standalone_question.startswith("安徽")
