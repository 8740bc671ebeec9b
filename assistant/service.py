"""The long-running side of the assistant, shared by the web page and the HTTP API: one loaded
index, conversations kept apart by id in a store (conversations.py: SQLite beside the index by
default, so they outlive a restart and are shared by `serve --workers N`), and page uploads that
are indexed in the background.

Nothing slow runs on a request: the index is built or loaded by a worker thread after the server
is already listening (questions get "正在建立索引" until it is ready), and each upload becomes a
job on the same worker. Questions keep being answered from the current index until the new one is
swapped in."""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .chat import Assistant, Conversation
from .config import Settings
from .conversations import ConversationStore, open_store
from .index import HybridIndex, embedding_check, open_index
from .ingest import IngestError, Page, ingest_pages
from .schema import Answer

log = logging.getLogger("assistant.service")


class NotReady(RuntimeError):
    """The index is still being built (or failed to build); the message says which, in Chinese."""


# `serve --workers N` hands its Settings to the worker processes it spawns through this variable:
# uvicorn starts each worker from an import string, so there is no other way to pass them.
SETTINGS_ENV = "ASSISTANT_SERVE_SETTINGS"


def settings_to_env(settings: Settings) -> str:
    return json.dumps({f.name: getattr(settings, f.name) for f in fields(settings)}, default=str, ensure_ascii=False)


def settings_from_env() -> Settings:
    data = json.loads(os.environ[SETTINGS_ENV])
    for f in fields(Settings):
        if f.name in data and str(f.type).startswith("tuple"):
            data[f.name] = tuple(Path(v) for v in data[f.name]) if "Path" in str(f.type) else tuple(data[f.name])
        elif f.name in data and str(f.type) == "Path":
            data[f.name] = Path(data[f.name])
    return Settings(**data)


@dataclass
class IngestJob:
    """One uploaded page on its way into the index; `GET /api/ingest/{job_id}` shows it."""

    job_id: str
    file: str
    state: str = "queued"  # queued | embedding | indexing | done | failed
    status: str = ""  # when finished: added | unchanged | error
    message: str = "排队等待导入"
    paragraphs: int = 0
    done: int = 0  # paragraphs embedded so far
    total: int = 0
    http_status: int = 200
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Progress:
    done: int = 0
    total: int = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total


class Service:
    MAX_JOBS = 200  # finished jobs kept for their status page
    MAX_QUEUED = 20

    def __init__(self, settings: Settings, index: HybridIndex | None = None,
                 make_embedding: Callable | None = None) -> None:
        from .embed import make_embedding as default_embedding

        self.settings = settings
        self.conversations: ConversationStore = open_store(settings.conversations, settings.index_dir)
        self._make_embedding = make_embedding or (
            lambda: default_embedding(settings.embedding, threads=settings.embedding_threads))
        self._assistant: Assistant | None = Assistant(settings, index) if index is not None else None
        self.state = "ready" if index is not None else "building"
        self.error = ""
        self.progress = _Progress()
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._work: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None

    # --- serving ------------------------------------------------------------------------------
    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            if self.state == "failed":
                raise NotReady(f"索引建立失败：{self.error}")
            done, total = self.progress.done, self.progress.total
            raise NotReady("正在建立索引，请稍后再问" + (f"（{done}/{total} 段）" if total else ""))
        return self._assistant

    def ask(self, question: str, conversation: Conversation) -> Answer:
        return self.assistant.ask(question, conversation)

    def start(self, wait: bool = False) -> None:
        """Start the worker; without an index, its first task is to load or build one. `wait`:
        load it here first (a `--workers` process, whose parent has already built it)."""
        if self._worker is not None:
            return
        if self._assistant is None and wait:
            self._load()
        elif self._assistant is None:
            self._work.put(self._load)
        self._worker = threading.Thread(target=self._run, name="index-worker", daemon=True)
        self._worker.start()

    def _run(self) -> None:
        while True:
            task = self._work.get()
            try:
                task()
            except Exception as err:  # noqa: BLE001 - the worker must survive any one task
                log.exception("后台任务失败：%s", err)

    def _load(self) -> None:
        try:
            index = open_index(self.settings, embedding=self._make_embedding(), progress=self.progress)
        except Exception as err:  # noqa: BLE001 - a failed build is reported, not fatal to the server
            self.state, self.error = "failed", f"{type(err).__name__}: {str(err)[:200]}"
            log.exception("索引建立失败")
            return
        self._assistant = Assistant(self.settings, index)
        self.state = "ready"
        for name, why in index.manifest.get("skipped", {}).items():
            log.warning("版面 %s 未收录：%s", name, why)

    # --- uploads ------------------------------------------------------------------------------
    def submit(self, page: Page) -> IngestJob:
        """Queue a validated page for ingestion; the worker embeds, commits and swaps the index."""
        if self.settings.workers > 1:  # the other workers would keep answering from the old index
            raise IngestError("多进程模式（--workers）下不能在线导入版面：请用 assistant ingest 导入后重启服务", 409)
        if self._work.qsize() >= self.MAX_QUEUED:
            raise IngestError(f"导入队列已满（{self.MAX_QUEUED} 个），请稍后再传", 429)
        job = IngestJob(secrets.token_urlsafe(9), page.name, total=len(page.paragraphs))
        self._jobs[job.job_id] = job
        while len(self._jobs) > self.MAX_JOBS:
            self._jobs.popitem(last=False)
        self._work.put(lambda: self._ingest(job, page))
        self.start()
        return job

    def job(self, job_id: str) -> IngestJob | None:
        return self._jobs.get(job_id)

    def _ingest(self, job: IngestJob, page: Page) -> None:
        embedding = self._make_embedding()
        check = embedding_check(self.settings, embedding, progress=lambda done, _: setattr(job, "done", done))

        def checked(p: Page) -> None:
            job.state, job.message = "embedding", "正在计算段落向量"
            check(p)

        try:
            (result,) = ingest_pages([page], self.settings, checked)
            if result.status == "added":
                job.state, job.message = "indexing", "正在更新索引"
                self.progress = _Progress()
                index = open_index(self.settings, embedding=embedding, progress=self.progress)
                self._assistant = Assistant(self.settings, index)  # swapped in whole: readers see old or new
                self.state = "ready"
        except Exception as err:  # noqa: BLE001 - reported on the job, the server keeps serving
            log.exception("导入 %s 失败", page.name)
            job.state, job.status, job.message, job.http_status = "failed", "error", f"导入失败：{err}", 500
            job.finished_at = time.time()
            return
        job.status, job.message, job.paragraphs = result.status, result.message, result.paragraphs
        job.state = "failed" if result.status == "error" else "done"
        job.http_status, job.done = result.http_status, job.total
        job.finished_at = time.time()

    # --- what the corpus holds ----------------------------------------------------------------
    def describe(self) -> dict:
        """What the corpus holds, for the page title and /api/health."""
        if self._assistant is None:
            return {"status": self.state, "error": self.error, "progress": {"done": self.progress.done,
                                                                             "total": self.progress.total}}
        index = self._assistant.index
        dates = sorted({m.group(0) for p in index.paragraphs
                        for m in re.finditer(r"\d{1,2}月\d{1,2}日(?=[电讯])", p.search_text)})
        return {
            "status": "ready",
            "paragraphs": len(index.paragraphs),
            "articles": len({(a.source_file, a.title) for a in index.articles}),
            "files": list(index.manifest.get("files", [])),
            "skipped": dict(index.manifest.get("skipped", {})),
            "dates": dates,
            # what questions can be limited to (`newspaper`, `since`, `until`)
            "newspapers": sorted({m.newspaper for m in index.pages.values() if m.newspaper}),
            "issues": sorted({m.date for m in index.pages.values() if m.date}),
            "index_fingerprint": index.manifest.get("corpus_fingerprint"),
            "embedding_model": index.manifest.get("model_name"),
            "dimensions": index.manifest.get("dimensions"),
            "answerer": self._assistant.answerer.name,
            "conversations": self.conversations.name,
            "ingest_jobs_waiting": self._work.qsize(),
        }
