"""Where the paragraph vectors and the BM25 postings live, behind two small protocols, so that the
retriever does not care whether they sit in this process (FAISS + bm25s, the default) or in a
Milvus engine (Milvus Lite on local disk, or a Standalone/Distributed server).

Stores return paragraph positions (index order, as in `HybridIndex.paragraphs`), best first; the
paragraph records themselves stay in `paragraphs.jsonl` beside the manifest whatever the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..sources import Scope


class StoreMissing(FileNotFoundError):
    """The manifest names a collection the engine no longer holds: the index is rebuilt."""


@dataclass(frozen=True)
class Allowed:
    """What a question's scope admits: the scope itself (an engine turns it into a filter
    expression) and the same as a mask in index order (for stores that filter in memory)."""

    scope: Scope
    mask: np.ndarray  # bool, one per paragraph
    count: int  # mask.sum(), kept: the dense store sizes its over-fetch by it


@runtime_checkable
class DenseStore(Protocol):
    kind: str  # "flat" | "hnsw32": written in the manifest as dense_index

    def search(self, vector: np.ndarray, k: int, allowed: Allowed | None = None) -> list[int]:
        """Positions of the k nearest paragraphs (inner product on normalised vectors)."""
        ...


@runtime_checkable
class LexicalStore(Protocol):
    def search(self, tokens: list[str], k: int, allowed: Allowed | None = None) -> list[int]:
        """Positions of the paragraphs with a positive BM25 score for these tokens, best first."""
        ...


@runtime_checkable
class FusingStore(Protocol):
    """A store that fuses dense and lexical ranks itself, in one round trip (Milvus hybrid_search)."""

    def hybrid(self, vector: np.ndarray, tokens: list[str], k: int, rrf_k: int,
               allowed: Allowed | None = None) -> list[tuple[int, float]]:
        """(position, fused RRF score) for the union of both candidate lists (k from each)."""
        ...


@dataclass(frozen=True)
class StoreSpec:
    engine: str  # "faiss" | "milvus"
    uri: str = ""  # for milvus: a local .db path (Milvus Lite) or http(s)://host:port

    @property
    def key(self) -> str:
        """What the manifest records and compares: another store means another build."""
        return self.engine if self.engine == "faiss" else f"milvus:{self.uri}"

    @property
    def lite(self) -> bool:
        return self.engine == "milvus" and not self.uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def parse_store(spec: str) -> StoreSpec:
    """`faiss`, `milvus:PATH.db` (Milvus Lite), `http://HOST:19530` (a Milvus server)."""
    spec = (spec or "faiss").strip()
    if spec == "faiss":
        return StoreSpec("faiss")
    if spec.startswith(("http://", "https://", "tcp://", "grpc://")):
        return StoreSpec("milvus", spec.rstrip("/"))
    if spec.startswith("milvus:"):
        target = spec.split(":", 1)[1]
        if target.startswith(("http://", "https://")):
            return StoreSpec("milvus", target.rstrip("/"))
        if not target.endswith(".db"):
            raise ValueError(f"Milvus Lite 的数据文件应以 .db 结尾：{target}")
        return StoreSpec("milvus", str(Path(target).expanduser().resolve()))
    raise ValueError(f"未知的索引存储：{spec}（可选 faiss、milvus:路径.db 或 http://主机:19530）")


def dense_kind(paragraphs: int, ann_from: int, hnsw_m: int) -> str:
    """Exact search while it is cheap, HNSW once the corpus is large (Settings.ann_from)."""
    return "flat" if paragraphs < ann_from else f"hnsw{hnsw_m}"
