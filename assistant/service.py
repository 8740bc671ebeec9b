"""The long-running side of the assistant, shared by the web page and the HTTP API: one loaded
index, conversations kept apart by id, and page uploads that swap in a fresh index."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path

from .chat import Assistant, Conversation
from .config import Settings
from .index import HybridIndex, open_index
from .ingest import IngestResult, ingest_files
from .schema import Answer


class ConversationStore:
    """Conversations by id, oldest dropped first; a public server must not grow without bound."""

    def __init__(self, limit: int = 5000, ttl_s: float = 6 * 3600) -> None:
        self._items: OrderedDict[str, tuple[float, Conversation]] = OrderedDict()
        self._lock = threading.Lock()
        self.limit, self.ttl_s = limit, ttl_s

    def get(self, conversation_id: str | None) -> tuple[str, Conversation]:
        now = time.monotonic()
        with self._lock:
            for key in [k for k, (seen, _) in self._items.items() if now - seen > self.ttl_s]:
                del self._items[key]
            if conversation_id and conversation_id in self._items:
                _, conversation = self._items.pop(conversation_id)
            else:
                conversation_id, conversation = secrets.token_urlsafe(12), Conversation()
            self._items[conversation_id] = (now, conversation)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
            return conversation_id, conversation


class Service:
    def __init__(self, settings: Settings, index: HybridIndex | None = None) -> None:
        self.settings = settings
        self.assistant = Assistant(settings, index or open_index(settings))
        self.conversations = ConversationStore()
        self._swap = threading.Lock()

    def ask(self, question: str, conversation: Conversation) -> Answer:
        return self.assistant.ask(question, conversation)

    def ingest(self, name: str, data: bytes) -> IngestResult:
        """Validate and add one uploaded page, then load the rebuilt index in place."""
        import tempfile

        safe = re.sub(r"[^\w.\-]", "_", Path(name).name)[:100] or "page.md"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / safe
            path.write_bytes(data)
            with self._swap:
                (result,) = ingest_files([path], self.settings)
                if result.status == "added":
                    self.assistant = Assistant(self.settings, open_index(self.settings))
        result.path = safe
        return result

    def describe(self) -> dict:
        """What the corpus holds, for the page title and /api/health."""
        index = self.assistant.index
        dates = sorted({m.group(0) for p in index.paragraphs
                        for m in re.finditer(r"\d{1,2}月\d{1,2}日(?=[电讯])", p.search_text)})
        return {
            "paragraphs": len(index.paragraphs),
            "articles": len({(a.source_file, a.title) for a in index.articles}),
            "files": list(index.manifest.get("files", [])),
            "dates": dates,
            "index_fingerprint": index.manifest.get("corpus_fingerprint"),
            "embedding_model": index.manifest.get("model_name"),
            "dimensions": index.manifest.get("dimensions"),
            "answerer": self.assistant.answerer.name,
        }
