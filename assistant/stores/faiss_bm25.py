"""The embedded default: FAISS through llama-index's `FaissVectorStore` (inner product on
normalised e5 vectors; flat, or HNSW for a large corpus) and bm25s over jieba tokens."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from . import Allowed

VECTORS_FILE = "default__vector_store.json"  # llama-index's name for the persisted faiss index
# A scope narrower than this many paragraphs is searched exactly over its own rows under HNSW: a
# graph walk that must skip nearly every node it meets finds too few (~30k dot products: ~5 ms).
EXACT_SCOPE = 30_000


class FaissDense:
    """Row i of the FAISS index is paragraph i: vectors are added in index order, in one call."""

    def __init__(self, vector_store, kind: str, size: int) -> None:
        self.vector_store = vector_store  # llama_index FaissVectorStore
        self.kind = kind
        self.size = size

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str, folder: Path, *, hnsw_m: int = 32,
              ef_construction: int = 80) -> FaissDense:
        import faiss
        from llama_index.vector_stores.faiss import FaissVectorStore

        dimensions = int(vectors.shape[1])
        if kind == "flat":
            index = faiss.IndexFlatIP(dimensions)  # inner product = cosine on normalised vectors
        else:
            index = faiss.IndexHNSWFlat(dimensions, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = ef_construction
        store = FaissVectorStore(faiss_index=index)
        # One bulk add, not llama-index's node-at-a-time add: the same rows for a flat index, and
        # the only practical way to build HNSW over 10^6 vectors (it inserts in parallel, on every
        # core: the embedding engine sets OMP_NUM_THREADS=1 for itself, and FAISS would inherit it).
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        try:
            store.client.add(np.ascontiguousarray(vectors, dtype=np.float32))
        finally:
            faiss.omp_set_num_threads(threads)
        folder.mkdir(parents=True, exist_ok=True)
        store.persist(persist_path=str(folder / VECTORS_FILE))
        return cls(store, kind, int(vectors.shape[0]))

    @classmethod
    def load(cls, folder: Path, kind: str, *, ef_search: int = 96) -> FaissDense:
        from llama_index.vector_stores.faiss import FaissVectorStore

        store = FaissVectorStore.from_persist_dir(str(folder))
        hnsw = getattr(store.client, "hnsw", None)
        if hnsw is not None:
            hnsw.efSearch = ef_search
        return cls(store, kind, int(store.client.ntotal))

    def search(self, vector: np.ndarray, k: int, allowed: Allowed | None = None) -> list[int]:
        from llama_index.core.vector_stores.types import VectorStoreQuery

        if allowed is not None and self.kind != "flat":
            return self._scoped_ann(vector, k, allowed)
        depth = k
        if allowed is not None:  # look deeper, in proportion to what the scope leaves out
            depth = min(self.size, k * -(-self.size // max(1, allowed.count)))
        found = self.vector_store.query(VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=depth))
        rows = [int(i) for i in found.ids]
        if allowed is not None:
            rows = [i for i in rows if allowed.mask[i]][:k]
        return rows

    def _scoped_ann(self, vector: np.ndarray, k: int, allowed: Allowed) -> list[int]:
        """A scope under HNSW: over-fetching in proportion (as for flat) would ask the graph for up
        to every row; instead the scope's own rows exactly when it is narrow, else a graph walk
        that only returns admitted rows (FAISS's ID selector)."""
        import faiss

        index = self.vector_store.client
        if allowed.count <= EXACT_SCOPE:
            ids = np.flatnonzero(allowed.mask)
            rows = faiss.downcast_index(index.storage).reconstruct_batch(ids)
            scores = rows @ np.asarray(vector, dtype=np.float32)
            top = np.argsort(-scores, kind="stable")[:k]
            return [int(i) for i in ids[top]]
        bitmap = np.packbits(allowed.mask, bitorder="little")  # held: the selector keeps only a pointer
        selector = faiss.IDSelectorBitmap(len(allowed.mask), faiss.swig_ptr(bitmap))
        params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(index.hnsw.efSearch, k))
        _, found = index.search(np.asarray(vector, dtype=np.float32)[None, :], k, params=params)
        del bitmap
        return [int(i) for i in found[0] if i >= 0]


class Bm25Lexical:
    """bm25s (Lucene scoring, k1 1.5, b 0.75) over the paragraphs' jieba terms."""

    def __init__(self, bm25) -> None:
        self.bm25 = bm25

    def search(self, tokens: list[str], k: int, allowed: Allowed | None = None) -> list[int]:
        vocab = self.bm25.vocab_dict
        known = [t for t in dict.fromkeys(tokens) if t in vocab]
        if not known:
            return []
        scores = self.bm25.get_scores(known)
        if allowed is not None:
            scores = np.where(allowed.mask, scores, 0.0)
        n = min(k, int((scores > 0).sum()))
        if n == 0:
            return []
        # paragraphs tied at the cut are taken in index order, so the same query always gets the same
        # hits (argpartition alone picks among ties as its numpy version happens to)
        cut = scores[np.argpartition(-scores, n - 1)[n - 1]]
        above = np.flatnonzero(scores > cut)
        top = np.concatenate([above, np.flatnonzero(scores == cut)[: n - len(above)]])
        return [int(i) for i in top[np.argsort(-scores[top], kind="stable")]]
