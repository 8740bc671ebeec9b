"""Hybrid retrieval: dense (e5 vectors) and BM25 (jieba tokens) from the index's stores, fused by
reciprocal rank (here, or by the engine when the store fuses itself: Milvus `hybrid_search`),
exposed as a llama-index `BaseRetriever`."""

from __future__ import annotations

import time

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from .config import Settings
from .index import HybridIndex
from .schema import Hit
from .sources import Scope
from .stores import Allowed


class HybridRetriever(BaseRetriever):
    def __init__(self, index: HybridIndex, settings: Settings) -> None:
        super().__init__()
        self.index = index
        self.settings = settings
        self.last_timings: dict[str, float] = {}
        self._scopes: dict[Scope, Allowed] = {}

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
        if allowed is not None and not allowed.count:  # no page in the scope: nothing to search
            self.last_timings = {}
            return []
        timings: dict[str, float] = {}
        dense_ranks: dict[str, int] = {}
        lexical_ranks: dict[str, int] = {}
        fused: dict[str, float] = {}
        paragraphs = self.index.paragraphs
        k = self.settings.candidates
        if mode in ("hybrid", "dense"):
            t0 = time.perf_counter()
            vector = self.embed(query) if vector is None else vector
            timings["embed_ms"] = (time.perf_counter() - t0) * 1000
        tokens = self.index.tokenizer.terms(query) + list(terms or []) if mode in ("hybrid", "lexical") else []
        if mode == "hybrid" and self.index.fusing is not None:  # the engine fuses, in one round trip
            t0 = time.perf_counter()
            fused = {paragraphs[i].paragraph_id: score
                     for i, score in self.index.fusing.hybrid(vector, tokens, k, self.settings.rrf_k, allowed)}
            timings["dense_ms"] = timings["hybrid_ms"] = (time.perf_counter() - t0) * 1000
            timings["lexical_ms"] = 0.0  # counted in hybrid_ms
        else:
            if mode in ("hybrid", "dense"):
                t0 = time.perf_counter()
                found = self.index.dense.search(vector, k, allowed)
                timings["dense_ms"] = (time.perf_counter() - t0) * 1000
                dense_ranks = {paragraphs[i].paragraph_id: r for r, i in enumerate(found, start=1)}
            if mode in ("hybrid", "lexical"):
                t0 = time.perf_counter()
                found = self.index.lexical.search(tokens, k, allowed)
                timings["lexical_ms"] = (time.perf_counter() - t0) * 1000
                lexical_ranks = {paragraphs[i].paragraph_id: r for r, i in enumerate(found, start=1)}
            for ranks in (dense_ranks, lexical_ranks):
                for pid, rank in ranks.items():
                    fused[pid] = fused.get(pid, 0.0) + 1.0 / (self.settings.rrf_k + rank)
        # ties (a paragraph ranked r by one retriever and another ranked r by the other) go to the
        # earlier paragraph, whichever store fused
        ordered = sorted(fused, key=lambda pid: (-fused[pid], self.index.position.get(pid, 0)))
        self.last_timings = timings
        hits = []
        for rank, pid in enumerate(_read(ordered, top_k, [dense_ranks, lexical_ranks], self.settings.each_best), start=1):
            paragraph = self.index.paragraph(pid)
            if paragraph is not None:
                hits.append(Hit(paragraph, fused[pid], rank, dense_ranks.get(pid), lexical_ranks.get(pid)))
        return hits

    def _allowed(self, scope: Scope | None) -> Allowed | None:
        """What a scope admits, as a mask in index order (None: all)."""
        if scope is None:
            return None
        if scope not in self._scopes:
            mask = np.array([scope.admits(p.page) for p in self.index.paragraphs], dtype=bool)
            if len(self._scopes) > 64:  # scopes come from users: keep the cache small
                self._scopes.clear()
            self._scopes[scope] = Allowed(scope, mask, int(mask.sum()))
        return self._scopes[scope]


def _read(ordered: list[str], top_k: int, rankings: list[dict[str, int]], each_best: int) -> list[str]:
    """The `top_k` paragraphs handed to the reader, in fused order: each retriever's first
    `each_best` among them, the rest by fused rank. (A store that fuses in its own engine reports
    no per-retriever ranks; its fused order stands.)"""
    kept = [pid for pid in ordered if any(ranks.get(pid, each_best + 1) <= each_best for ranks in rankings)][:top_k]
    chosen = set(kept) | set([pid for pid in ordered if pid not in kept][: top_k - len(kept)])
    return [pid for pid in ordered if pid in chosen]
