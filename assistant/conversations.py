"""Where conversations live between turns, behind one small interface: in memory (tests, one
process), SQLite (the default: a file beside the index, shared by the worker processes of one
machine) or Redis (several replicas serving the same page). A conversation is stored as the plain
JSON of `Conversation.to_json`; each store forgets conversations by age (TTL) and keeps only the
most recent `limit`, so nothing a public server holds grows without bound."""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

from .chat import Conversation

LIMIT = 5000  # conversations kept
TTL_S = 6 * 3600  # forgotten this long after their last turn
_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")  # what we hand out; anything else names no conversation


class ConversationStore(Protocol):
    name: str

    def get(self, conversation_id: str | None) -> tuple[str, Conversation]:
        """The conversation of that id, or a new one under a new id (unknown, expired, bad id)."""

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        """Keep it after a turn; this also counts as its last use for the TTL."""


def _found(conversation_id: str | None, record: str | bytes | None) -> tuple[str, Conversation]:
    if conversation_id and record is not None:
        try:
            return conversation_id, Conversation.from_json(record)
        except ValueError:
            pass  # another version or damaged: a fresh start beats a wrong follow-up
    return secrets.token_urlsafe(12), Conversation()


def _valid(conversation_id: str | None) -> bool:
    return bool(conversation_id) and _ID.fullmatch(conversation_id) is not None


class MemoryStore:
    """One process only: conversations are lost on restart and not seen by other workers."""

    name = "memory"

    def __init__(self, limit: int = LIMIT, ttl_s: float = TTL_S) -> None:
        self.limit, self.ttl_s = limit, ttl_s
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def get(self, conversation_id: str | None) -> tuple[str, Conversation]:
        with self._lock:
            seen, record = self._items.get(conversation_id, (0.0, None)) if _valid(conversation_id) else (0.0, None)
        return _found(conversation_id, record if time.time() - seen <= self.ttl_s else None)

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        now = time.time()
        with self._lock:
            self._items.pop(conversation_id, None)
            self._items[conversation_id] = (now, conversation.to_json())
            while self._items and (len(self._items) > self.limit or now - next(iter(self._items.values()))[0] > self.ttl_s):
                self._items.popitem(last=False)


class SqliteStore:
    """One file, WAL mode: readers never wait for the writer, and every worker process of the
    server (or a restarted one) sees the same conversations."""

    name = "sqlite"

    def __init__(self, path: Path, limit: int = LIMIT, ttl_s: float = TTL_S) -> None:
        self.path, self.limit, self.ttl_s = Path(path), limit, ttl_s
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # one connection per store, shared by the request threads

    def _connect(self) -> sqlite3.Connection:
        # opened on first use: building a Service (or a test's) must not create files
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            # Two processes opening a new file at once: switching it to WAL can report "database is
            # locked" at once, without waiting out the busy timeout, so the setup is retried.
            for attempt in range(100):
                try:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a crash may lose the last turn
                    db.execute("CREATE TABLE IF NOT EXISTS conversations "
                               "(id TEXT PRIMARY KEY, seen REAL NOT NULL, record TEXT NOT NULL)")
                    db.execute("CREATE INDEX IF NOT EXISTS conversations_seen ON conversations (seen)")
                    break
                except sqlite3.OperationalError as err:
                    if "locked" not in str(err) and "busy" not in str(err) or attempt == 99:
                        raise
                    time.sleep(0.1)
            self._db = db
        return self._db

    def get(self, conversation_id: str | None) -> tuple[str, Conversation]:
        row = None
        if _valid(conversation_id):
            with self._lock:
                row = self._connect().execute("SELECT record FROM conversations WHERE id = ? AND seen >= ?",
                                              (conversation_id, time.time() - self.ttl_s)).fetchone()
        return _found(conversation_id, row[0] if row else None)

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        now = time.time()
        with self._lock:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")  # write lock up front: no deadlock upgrading a read lock
            try:
                db.execute("INSERT OR REPLACE INTO conversations VALUES (?, ?, ?)",
                           (conversation_id, now, conversation.to_json()))
                db.execute("DELETE FROM conversations WHERE seen < ?", (now - self.ttl_s,))
                # the oldest beyond the limit; cheap through the index on `seen`
                db.execute("DELETE FROM conversations WHERE id IN (SELECT id FROM conversations "
                           "ORDER BY seen DESC LIMIT -1 OFFSET ?)", (self.limit,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise


class RedisStore:
    """A key per conversation with Redis's own TTL, plus a sorted set by last use that is trimmed
    to the limit (the TTL alone would let a flood of new conversations fill the memory)."""

    name = "redis"

    def __init__(self, url: str, limit: int = LIMIT, ttl_s: float = TTL_S, prefix: str = "assistant:") -> None:
        import redis

        self.limit, self.ttl_s = limit, ttl_s
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._key, self._index = prefix + "conversation:", prefix + "conversations"

    def get(self, conversation_id: str | None) -> tuple[str, Conversation]:
        record = self._redis.get(self._key + conversation_id) if _valid(conversation_id) else None
        return _found(conversation_id, record)

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        now_ms, ttl_ms = int(time.time() * 1000), max(1, int(self.ttl_s * 1000))
        pipe = self._redis.pipeline()  # MULTI/EXEC: the record and its index entry change together
        pipe.set(self._key + conversation_id, conversation.to_json(), px=ttl_ms)
        pipe.zadd(self._index, {conversation_id: now_ms})
        pipe.zremrangebyscore(self._index, "-inf", now_ms - ttl_ms)  # their keys expired by themselves
        pipe.zcard(self._index)
        *_, count = pipe.execute()
        if count > self.limit:
            # Two replicas may trim at once; deleting a key twice is harmless.
            oldest = self._redis.zrange(self._index, 0, count - self.limit - 1)
            trim = self._redis.pipeline()
            trim.delete(*(self._key + i.decode() for i in oldest))
            trim.zrem(self._index, *oldest)
            trim.execute()


def open_store(spec: str, index_dir: Path, limit: int = LIMIT, ttl_s: float = TTL_S) -> ConversationStore:
    """`memory`, `sqlite[:PATH]` or `redis://…`; "" is SQLite beside the index. ValueError otherwise."""
    if spec == "memory":
        return MemoryStore(limit, ttl_s)
    if spec in ("", "sqlite") or spec.startswith("sqlite:"):
        path = spec.removeprefix("sqlite").removeprefix(":")
        return SqliteStore(Path(path) if path else index_dir / "conversations.sqlite3", limit, ttl_s)
    if spec.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(spec, limit, ttl_s)
    raise ValueError(f"对话存储应为 memory、sqlite:路径 或 redis://主机:端口/库号，而不是 {spec[:80]}")
