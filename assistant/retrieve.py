"""Hybrid retrieval: dense (FAISS through llama-index) and BM25 (jieba tokens), fused by
reciprocal rank, exposed as a llama-index `BaseRetriever`."""

from __future__ import annotations

import time

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from .config import Settings
from .index import HybridIndex
from .schema import Hit
from .sources import Scope


class HybridRetriever(BaseRetriever):
    def __init__(self, index: HybridIndex, settings: Settings) -> None:
        super().__init__()
        self.index = index
        self.settings = settings
        self._dense = index.vector_index.as_retriever(similarity_top_k=settings.candidates)
        self.last_timings: dict[str, float] = {}
        self._scopes: dict[Scope, tuple[set[str], np.ndarray]] = {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self.search(query_bundle.query_str)
        return [
            NodeWithScore(
                node=TextNode(id_=h.paragraph.paragraph_id, text=h.paragraph.text,
                              metadata={"source_file": h.paragraph.source_file, "article": h.paragraph.article}),
                score=h.score,
            )
            for h in hits
        ]

    def embed(self, query: str) -> np.ndarray:
        return np.asarray(self.index.embedding.get_query_embedding(query), dtype=np.float32)

    def search(self, query: str, *, terms: list[str] | None = None, top_k: int | None = None,
               mode: str = "hybrid", vector: np.ndarray | None = None, scope: Scope | None = None) -> list[Hit]:
        """Paragraphs for `query`, best first. `terms` adds lexical terms (aliases resolved);
        `vector` is the query's embedding when the caller already has it; `scope` keeps only the
        paragraphs of the pages it admits (one newspaper, a date range)."""
        top_k = top_k or self.settings.top_k
        allowed = self._allowed(scope)
        if allowed is not None and not allowed[0]:  # no page in the scope: nothing to search
            self.last_timings = {}
            return []
        timings: dict[str, float] = {}
        dense_ranks: dict[str, int] = {}
        lexical_ranks: dict[str, int] = {}
        if mode in ("hybrid", "dense"):
            t0 = time.perf_counter()
            vector = self.embed(query) if vector is None else vector
            t1 = time.perf_counter()
            dense = self._dense
            if allowed is not None:  # look deeper, in proportion to what the scope leaves out
                ids, _ = allowed
                deeper = self.settings.candidates * -(-len(self.index.paragraphs) // max(1, len(ids)))
                dense = self.index.vector_index.as_retriever(similarity_top_k=min(len(self.index.paragraphs), deeper))
            found = dense.retrieve(QueryBundle(query_str=query, embedding=vector.tolist()))
            if allowed is not None:
                found = [n for n in found if n.node.node_id in allowed[0]][: self.settings.candidates]
            timings["embed_ms"] = (t1 - t0) * 1000
            timings["dense_ms"] = (time.perf_counter() - t1) * 1000
            dense_ranks = {n.node.node_id: r for r, n in enumerate(found, start=1)}
        if mode in ("hybrid", "lexical"):
            t0 = time.perf_counter()
            tokens = self.index.tokenizer.terms(query) + list(terms or [])
            lexical_ranks = self._bm25_ranks(tokens, None if allowed is None else allowed[1])
            timings["lexical_ms"] = (time.perf_counter() - t0) * 1000
        fused: dict[str, float] = {}
        for ranks in (dense_ranks, lexical_ranks):
            for pid, rank in ranks.items():
                fused[pid] = fused.get(pid, 0.0) + 1.0 / (self.settings.rrf_k + rank)
        ordered = sorted(fused, key=lambda pid: (-fused[pid], self.index.position.get(pid, 0)))
        self.last_timings = timings
        hits = []
        for rank, pid in enumerate(ordered[:top_k], start=1):
            paragraph = self.index.paragraph(pid)
            if paragraph is not None:
                hits.append(Hit(paragraph, fused[pid], rank, dense_ranks.get(pid), lexical_ranks.get(pid)))
        return hits

    def _allowed(self, scope: Scope | None) -> tuple[set[str], np.ndarray] | None:
        """The paragraph ids a scope admits, and the same as a mask in index order (None: all)."""
        if scope is None:
            return None
        if scope not in self._scopes:
            mask = np.array([scope.admits(p.page) for p in self.index.paragraphs], dtype=bool)
            ids = {p.paragraph_id for p, keep in zip(self.index.paragraphs, mask) if keep}
            if len(self._scopes) > 64:  # scopes come from users: keep the cache small
                self._scopes.clear()
            self._scopes[scope] = (ids, mask)
        return self._scopes[scope]

    def _bm25_ranks(self, tokens: list[str], mask: np.ndarray | None = None) -> dict[str, int]:
        vocab = self.index.bm25.vocab_dict
        known = [t for t in dict.fromkeys(tokens) if t in vocab]
        if not known:
            return {}
        scores = self.index.bm25.get_scores(known)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        n = min(self.settings.candidates, int((scores > 0).sum()))
        if n == 0:
            return {}
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        paragraphs = self.index.paragraphs
        return {paragraphs[i].paragraph_id: r for r, i in enumerate(top, start=1)}
