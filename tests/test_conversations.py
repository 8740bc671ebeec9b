"""Conversation stores: the same behaviour in memory, in SQLite and in a real Redis; follow-ups
that survive a server killed with SIGKILL between two turns; `serve --workers 2`."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import pytest

from assistant.chat import Conversation, Turn
from assistant.conversations import MemoryStore, RedisStore, SqliteStore
from assistant.question import Question

from .conftest import ROOT, SEEDS
from .servers import free_port, request, stop_process_group

REDIS_SERVER = shutil.which("redis-server")
CHROMIUM = "/usr/bin/chromium"
FUND, FUND_ANHUI = "湖南每年提供多少智力援藏资金？", "安徽每年提供多少智力援藏资金？"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A private redis-server on a free loopback port, persisting nothing."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (Debian package redis-server; .ci/run installs it)")
    import redis

    workdir, port = tmp_path_factory.mktemp("redis"), free_port()
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
                                "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.time() + 20
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                assert process.poll() is None and time.time() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_store(request, tmp_path):
    """Stores of one kind over the same data: a second SQLite or Redis store stands for another
    process (or a restarted one) reading what the first wrote."""
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    prefix = f"test-{uuid.uuid4().hex}:"

    def make(limit: int = 5000, ttl_s: float = 3600):
        if request.param == "memory":
            return MemoryStore(limit, ttl_s)
        if request.param == "sqlite":
            return SqliteStore(tmp_path / "conversations.sqlite3", limit, ttl_s)
        return RedisStore(url, limit, ttl_s, prefix=prefix)

    make.kind = request.param
    return make


def one_turn(asked: str) -> Conversation:
    conversation = Conversation()
    conversation.add(Turn(asked, asked, Question(asked, "money", places=["湖南"], focus=["资金"]), "答：1元。"))
    return conversation


def held(store) -> int:
    """How many conversations the store holds, counted in its own storage."""
    if isinstance(store, MemoryStore):
        return len(store._items)
    if isinstance(store, SqliteStore):
        return sqlite3.connect(store.path).execute("SELECT COUNT(*) FROM conversations").fetchone()[0]
    keys = len(store._redis.keys(store._key + "*"))
    assert keys == store._redis.zcard(store._index)  # the index and the records agree
    return keys


def test_followup_context_survives_the_store(assistant, make_store):
    store = make_store()
    conversation_id, conversation = store.get(None)
    assistant.ask(FUND, conversation)
    store.save(conversation_id, conversation)
    reader = store if make_store.kind == "memory" else make_store()  # another process, for SQLite and Redis
    same_id, loaded = reader.get(conversation_id)
    assert same_id == conversation_id and len(loaded.turns) == 1
    original, revived = conversation.turns[0], loaded.turns[0]
    assert {**asdict(revived.question), "vector": None} == {**asdict(original.question), "vector": None}
    assert (revived.asked, revived.answer_shown) == (original.asked, original.answer_shown)
    answer = assistant.ask("那安徽呢？", loaded)
    assert answer.standalone_question == FUND_ANHUI and answer.text.startswith("答：100万元")


@pytest.mark.parametrize("bad", [None, "", "nope", "x" * 65, "../../etc/passwd", "中文编号很长很长很长", "a b c d e f g h"])
def test_a_bad_or_unknown_id_starts_a_new_conversation(make_store, bad):
    store = make_store()
    store.save("known-conversation", one_turn("湖南签约资金多少？"))
    for given in (bad, uuid.uuid4().hex):  # malformed, and well formed but never handed out
        new_id, conversation = store.get(given)
        assert new_id != given and conversation.turns == []
        assert store.get(new_id)[1].turns == []  # handed out, but nothing is stored until a turn is saved
    assert len(store.get("known-conversation")[1].turns) == 1


def test_conversations_expire_by_age(make_store):
    store = make_store(ttl_s=0.6)
    store.save("old-conversation", one_turn("湖南签约资金多少？"))
    assert len(store.get("old-conversation")[1].turns) == 1
    time.sleep(1.0)
    store.save("new-conversation", one_turn("安徽签约资金多少？"))  # a save sweeps the expired ones
    new_id, conversation = store.get("old-conversation")
    assert new_id != "old-conversation" and conversation.turns == []
    assert held(store) == 1


def test_only_the_most_recent_conversations_are_kept(make_store):
    store = make_store(limit=3)
    for name in ("conversation-a", "conversation-b", "conversation-c", "conversation-a", "conversation-d"):
        store.save(name, one_turn(name))
        time.sleep(0.01)  # distinct times of last use
    # a was used again after b and c, so b is the oldest and goes first
    assert store.get("conversation-b")[0] != "conversation-b"
    assert [store.get(n)[0] for n in ("conversation-a", "conversation-c", "conversation-d")] == \
        ["conversation-a", "conversation-c", "conversation-d"]
    assert held(store) == 3
    for n in range(10):
        store.save(f"conversation-{n:02d}", one_turn("湖南签约资金多少？"))
    assert held(store) == 3  # nothing grows past the limit


def test_turns_are_capped_and_records_are_versioned(make_store):
    store = make_store()
    conversation = Conversation()
    for n in range(Conversation.MAX_TURNS + 5):
        conversation.add(one_turn(f"第{n}问").turns[0])
    store.save("long-conversation", conversation)
    turns = store.get("long-conversation")[1].turns
    assert len(turns) == Conversation.MAX_TURNS and turns[-1].asked == f"第{Conversation.MAX_TURNS + 4}问"
    record = json.loads(conversation.to_json())
    assert record["v"] == Conversation.VERSION and "vector" not in record["turns"][0]["question"]
    for other in ({**record, "v": Conversation.VERSION + 1}, {"v": Conversation.VERSION, "turns": [{"asked": 1}]}):
        with pytest.raises(ValueError):
            Conversation.from_json(json.dumps(other))


def test_sqlite_is_shared_by_writing_processes(tmp_path):
    """WAL and a busy timeout: two processes saving at once both land, nothing is lost."""
    path = tmp_path / "conversations.sqlite3"
    writer = ("import sys; from assistant.conversations import SqliteStore; from assistant.chat import Conversation\n"
              "store = SqliteStore(sys.argv[1])\n"
              "for n in range(150): store.save(f'{sys.argv[2]}-{n:04d}', Conversation())\n")
    processes = [subprocess.Popen([sys.executable, "-c", writer, str(path), name], cwd=ROOT) for name in ("one", "two")]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] == 300


# --- real servers ---------------------------------------------------------------------------------


@pytest.fixture
def workdir(tmp_path, seed_settings, seed_index):
    """A private copy of the seed corpus and its prebuilt index, for servers started and restarted."""
    shutil.copytree(SEEDS, tmp_path / "corpus")
    shutil.copytree(seed_settings.index_dir, tmp_path / "index", ignore=shutil.ignore_patterns("conversations.sqlite3*"))
    return tmp_path


@contextmanager
def serve(workdir: Path, *options: str, port: int | None = None, env: dict | None = None):
    """`assistant serve` in a session of its own (so its worker processes can be ended with it),
    once its index is loaded."""
    port = port or free_port()
    log = open(workdir / "server.log", "a")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "--corpus", str(workdir / "corpus"), "--index-dir", str(workdir / "index"),
         "serve", "--host", "127.0.0.1", "--port", str(port), *options],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while request_ok(base) is False:
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError("server did not start: " + (workdir / "server.log").read_text())
            time.sleep(0.3)
        yield process, base
    finally:
        stop_process_group(process, timeout_s=15)
        log.close()


def request_ok(base: str) -> bool:
    try:
        return request(base, "GET", "/api/health")[0] == 200
    except OSError:
        return False


def ask(base: str, question: str, conversation_id: str | None = None) -> dict:
    status, body = request(base, "POST", "/api/ask", {"question": question, "conversation_id": conversation_id})
    assert status == 200, body
    return body


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_followups_survive_a_killed_server(workdir, kind, request):
    spec = f"sqlite:{workdir / 'turns.sqlite3'}" if kind == "sqlite" else request.getfixturevalue("redis_url")
    with serve(workdir, "--conversations", spec) as (process, base):
        signing = ask(base, "湖南援藏三年签约资金多少？")
        assert signing["answer"].startswith("答：80.7亿元")
        fund = ask(base, FUND)
        os.kill(process.pid, signal.SIGKILL)  # no shutdown handler runs: only what was stored survives
        process.wait(timeout=10)
    with serve(workdir, "--conversations", spec) as (_, base):
        anhui = ask(base, "那安徽呢？", signing["conversation_id"])
        assert anhui["conversation_id"] == signing["conversation_id"]
        assert anhui["standalone_question"] == "安徽援藏3年签约资金多少？"
        # the seed pages print no signed sum for 安徽: said so, not 湖南's 80.7亿元
        assert anhui["refused"] and anhui["answer"].startswith("资料中没有找到")
        figure = ask(base, "那安徽呢？", fund["conversation_id"])
        assert figure["standalone_question"] == FUND_ANHUI
        assert figure["answer"].startswith("答：100万元") and not figure["refused"]
        alone = ask(base, "那安徽呢？")  # without the conversation there is nothing to follow up
        assert "援藏" not in alone["standalone_question"]


def worker_cpu(server_pid: int) -> dict[int, int]:
    """CPU ticks used so far by each worker process that `serve --workers` spawned."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if entry.name.isdigit() and int(fields[1]) == server_pid and b"spawn_main" in command:
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


@pytest.mark.slow
def test_two_workers_answer_and_share_followups(workdir):
    with serve(workdir, "--workers", "2", env={"ASSISTANT_ADMIN_TOKEN": "token"}) as (process, base):
        before = worker_cpu(process.pid)
        assert len(before) == 2, before

        def conversation(n: int) -> dict:
            first = ask(base, FUND if n % 2 else "湖南援藏三年签约资金多少？")
            return ask(base, "那安徽呢？", first["conversation_id"])  # often on the other worker

        with ThreadPoolExecutor(6) as pool:
            followups = list(pool.map(conversation, range(40)))
        assert {f["standalone_question"] for f in followups} == {FUND_ANHUI, "安徽援藏3年签约资金多少？"}
        assert all(f["answer"].startswith("答：100万元") for f in followups if f["standalone_question"] == FUND_ANHUI)
        used = {pid: ticks - before[pid] for pid, ticks in worker_cpu(process.pid).items()}
        assert len(used) == 2 and min(used.values()) > 0.1 * sum(used.values()), used  # both served
        _, health = request(base, "GET", "/api/health")
        assert health["conversations"] == "sqlite"
        # one worker's new index would not reach the others: online upload is refused, plainly
        page = '--b\r\nContent-Disposition: form-data; name="file"; filename="new.md"\r\n\r\n' \
            "## 新闻\n\n某县新建幼儿园7所。\n\r\n--b--\r\n"
        status, refused = request(base, "POST", "/api/ingest", raw=page.encode(), headers={
            "Content-Type": "multipart/form-data; boundary=b", "Authorization": "Bearer token"})
        assert status == 409 and "assistant ingest" in refused["error"]


def test_memory_conversations_are_refused_with_several_workers(tmp_path):
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "--index-dir", str(tmp_path), "serve", "--workers",
                             "2", "--conversations", "memory"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "memory" in result.stderr and "sqlite" in result.stderr
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "--index-dir", str(tmp_path), "serve",
                             "--conversations", "postgres://x"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "对话存储" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_the_page_follows_up_after_a_restart(workdir):
    """The page holds only the conversation's id; the turns are in the store, so a page left open
    across a server restart (same address) still resolves its follow-up."""
    sync_api = pytest.importorskip("playwright.sync_api")
    port = free_port()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        with serve(workdir, port=port) as (process, base):
            page.goto(base + "/", wait_until="load")
            page.wait_for_selector("#question textarea", timeout=60_000)
            page_ask(page, FUND, "资料中没有找到")
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        with serve(workdir, port=port):
            page_ask(page, "那安徽呢？", "100万元")
            assert f"理解为：{FUND_ANHUI}" in page.locator("#chat").inner_text()
        browser.close()


def page_ask(page, question: str, expect: str, timeout: float = 120) -> None:
    # (generous: the first answer after a restart loads the model, and CI's 2 cores may be busy)
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    deadline = time.time() + timeout
    while expect not in page.locator("#chat").inner_text():
        assert time.time() < deadline, page.locator("#chat").inner_text()
        time.sleep(0.2)


def test_workers_get_the_settings_of_their_parent(seed_settings, monkeypatch):
    from assistant.service import SETTINGS_ENV, settings_from_env, settings_to_env

    settings = seed_settings.with_(conversations="redis://127.0.0.1:1/2", workers=3, extra_terms=("援藏",))
    monkeypatch.setenv(SETTINGS_ENV, settings_to_env(settings))
    assert settings_from_env() == settings
