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


class HybridRetriever(BaseRetriever):
    def __init__(self, index: HybridIndex, settings: Settings) -> None:
        super().__init__()
        self.index = index
        self.settings = settings
        self._dense = index.vector_index.as_retriever(similarity_top_k=settings.candidates)
        self.last_timings: dict[str, float] = {}

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

    def search(self, query: str, *, terms: list[str] | None = None, top_k: int | None = None,
               mode: str = "hybrid") -> list[Hit]:
        """Paragraphs for `query`, best first. `terms` adds lexical terms (aliases resolved)."""
        top_k = top_k or self.settings.top_k
        timings: dict[str, float] = {}
        dense_ranks: dict[str, int] = {}
        lexical_ranks: dict[str, int] = {}
        if mode in ("hybrid", "dense"):
            t0 = time.perf_counter()
            vector = self.index.embedding.get_query_embedding(query)
            t1 = time.perf_counter()
            found = self._dense.retrieve(QueryBundle(query_str=query, embedding=vector))
            timings["embed_ms"] = (t1 - t0) * 1000
            timings["dense_ms"] = (time.perf_counter() - t1) * 1000
            dense_ranks = {n.node.node_id: r for r, n in enumerate(found, start=1)}
        if mode in ("hybrid", "lexical"):
            t0 = time.perf_counter()
            tokens = self.index.tokenizer.terms(query) + list(terms or [])
            lexical_ranks = self._bm25_ranks(tokens)
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

    def _bm25_ranks(self, tokens: list[str]) -> dict[str, int]:
        vocab = self.index.bm25.vocab_dict
        known = [t for t in dict.fromkeys(tokens) if t in vocab]
        if not known:
            return {}
        scores = self.index.bm25.get_scores(known)
        n = min(self.settings.candidates, int((scores > 0).sum()))
        if n == 0:
            return {}
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        paragraphs = self.index.paragraphs
        return {paragraphs[i].paragraph_id: r for r, i in enumerate(top, start=1)}
