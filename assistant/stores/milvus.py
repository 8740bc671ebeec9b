"""Milvus as the store: Milvus Lite (`milvus:PATH.db`, in this process) or a Standalone /
Distributed server (`http://HOST:19530`), through the same `MilvusClient` code.

One collection per corpus: `pos` (the paragraph's position, primary key), `dense` (e5 vector),
`lex` (BM25 as a sparse vector), `newspaper` and `date` (for scope filters). BM25 is over the
project's jieba terms, never the engine's analyzer, so both stores score the same words:

- "function": the engine's BM25 function over a `terms` field holding each term as `t<vocab id>`
  (ASCII words every Milvus analyzer keeps whole), with bm25s's k1 and b; the engine keeps the
  statistics, and on a server they are collection-wide.
- "client": bm25s's own document weights (idf and the k1/b length normalisation already applied)
  stored as a plain sparse vector; a query is the binary vector of its known terms, so the inner
  product is exactly bm25s's score. Used on Milvus Lite, whose BM25 statistics are per segment.

Dense and lexical ranks are fused by the engine (`hybrid_search` with `RRFRanker(rrf_k)`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable

import numpy as np

from ..schema import PageMeta
from ..sources import Scope
from . import Allowed, StoreMissing, StoreSpec

log = logging.getLogger("assistant.stores.milvus")
BATCH = 2000  # rows per insert: ~3 MB of vectors, well under gRPC's message limit
MAX_TERMS_BYTES = 65_000  # VARCHAR limit is 65 535 bytes


def bm25_mode(spec: StoreSpec, wanted: str) -> str:
    if wanted in ("function", "client"):
        return wanted
    return "client" if spec.lite else "function"


def collection_name(wanted_manifest: dict, kind: str, mode: str) -> str:
    """Named by what it holds: replicas sharing a server and a corpus find it built and reuse it."""
    digest = hashlib.sha256(json.dumps([wanted_manifest, kind, mode], sort_keys=True).encode()).hexdigest()
    return f"paragraphs_{digest[:20]}"


def connect(spec: StoreSpec):  # -> pymilvus.MilvusClient (imported only when Milvus is used)
    from pymilvus import MilvusClient

    return MilvusClient(uri=spec.uri)


class MilvusStore:
    """Dense, lexical and fused search against one Milvus collection."""

    def __init__(self, client, collection: str, kind: str, mode: str, vocab: dict[str, int],
                 newspapers: set[str], ef_search: int) -> None:
        self.client = client
        self.collection = collection
        self.kind = kind
        self.mode = mode
        self.vocab = vocab
        self.newspapers = sorted(newspapers)
        self.ef_search = ef_search
        self.dense = _Dense(self)
        self.lexical = _Lexical(self)

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(cls, spec: StoreSpec, collection: str, *, vectors: np.ndarray, bm25, terms: list[list[str]],
              pages: list[PageMeta | None], kind: str, mode: str, hnsw_m: int, ef_construction: int,
              ef_search: int) -> MilvusStore:
        client = connect(spec)
        rows = int(vectors.shape[0])
        if client.has_collection(collection) and _count(client, collection) == rows:
            log.info("Milvus 集合 %s 已建好（%d 段），直接使用", collection, rows)
        else:
            if client.has_collection(collection):  # a build that stopped half-way
                client.drop_collection(collection)
            _create(client, collection, int(vectors.shape[1]), kind, mode, bm25, hnsw_m, ef_construction)
            started = time.perf_counter()
            for start, batch in _rows(vectors, bm25, terms, pages, mode):
                client.insert(collection, batch)
                log.debug("inserted %d/%d", start + len(batch), rows)
            client.flush(collection)
            log.info("Milvus 写入 %d 段，%.0f 段/秒", rows, rows / max(time.perf_counter() - started, 1e-9))
        client.load_collection(collection)
        return cls(client, collection, kind, mode, dict(bm25.vocab_dict), newspapers(pages), ef_search)

    @classmethod
    def open(cls, spec: StoreSpec, collection: str, *, kind: str, mode: str, bm25, newspapers: set[str],
             ef_search: int) -> MilvusStore:
        client = connect(spec)
        if not client.has_collection(collection):
            raise StoreMissing(f"Milvus 中没有集合 {collection}（{spec.uri}）")
        client.load_collection(collection)
        return cls(client, collection, kind, mode, dict(bm25.vocab_dict), newspapers, ef_search)

    @staticmethod
    def drop(spec: StoreSpec, collection: str) -> None:
        """Drop a collection an older build of this index made (best effort)."""
        try:
            client = connect(spec)
            if client.has_collection(collection):
                client.drop_collection(collection)
        except Exception as err:  # noqa: BLE001 - an unreachable server must not fail a build
            log.warning("无法删除旧的 Milvus 集合 %s：%s", collection, err)

    # -- searching --------------------------------------------------------------------------------

    def dense_search(self, vector: np.ndarray, k: int, allowed: Allowed | None = None) -> list[int]:
        found = self.client.search(self.collection, data=[vector.tolist()], anns_field="dense", limit=k,
                                   search_params=self._dense_params(k), filter=self._filter(allowed),
                                   output_fields=["pos"])
        return [int(hit.id) for hit in found[0]]

    def lexical_search(self, tokens: list[str], k: int, allowed: Allowed | None = None) -> list[int]:
        query = self._lexical_query(tokens)
        if query is None:
            return []
        found = self.client.search(self.collection, data=[query], anns_field="lex", limit=k,
                                   search_params=self._lexical_params(), filter=self._filter(allowed),
                                   output_fields=["pos"])
        return [int(hit.id) for hit in found[0]]

    def hybrid(self, vector: np.ndarray, tokens: list[str], k: int, rrf_k: int,
               allowed: Allowed | None = None) -> list[tuple[int, float]]:
        from pymilvus import AnnSearchRequest, RRFRanker

        expr = self._filter(allowed)
        query = self._lexical_query(tokens)
        if query is None:  # nothing to match lexically: RRF over the dense list alone
            return [(pos, 1.0 / (rrf_k + rank)) for rank, pos in enumerate(self.dense_search(vector, k, allowed), 1)]
        requests = [
            AnnSearchRequest([vector.tolist()], "dense", self._dense_params(k), limit=k, expr=expr or None),
            AnnSearchRequest([query], "lex", self._lexical_params(), limit=k, expr=expr or None),
        ]
        # the whole union (at most 2k), so the caller can break ties exactly as the embedded store does
        found = self.client.hybrid_search(self.collection, requests, RRFRanker(rrf_k), limit=2 * k,
                                          output_fields=["pos"])
        return [(int(hit.id), float(hit.distance)) for hit in found[0]]

    def _dense_params(self, k: int) -> dict:
        params = {"metric_type": "IP"}
        if self.kind != "flat":
            params["params"] = {"ef": max(self.ef_search, k)}
        return params

    def _lexical_params(self) -> dict:
        return {"metric_type": "BM25" if self.mode == "function" else "IP"}

    def _lexical_query(self, tokens: list[str]):
        ids = [self.vocab[t] for t in dict.fromkeys(tokens) if t in self.vocab]
        if not ids:
            return None
        if self.mode == "function":
            return " ".join(f"t{i}" for i in ids)
        return {i: 1.0 for i in ids}  # binary query: the inner product is the document's BM25 score

    def _filter(self, allowed: Allowed | None) -> str:
        """The scope as a filter expression, with `Scope.admits`'s rules: the newspaper compared
        after its normalisation (so the raw names it admits are listed), an unknown date outside
        any date limit, ISO dates compared as strings."""
        if allowed is None:
            return ""
        scope = allowed.scope
        parts = []
        if scope.newspaper:
            only = Scope(newspaper=scope.newspaper)
            names = [n for n in self.newspapers if only.admits(PageMeta(newspaper=n))]
            parts.append(f"newspaper in {json.dumps(names, ensure_ascii=False)}" if names else "pos < 0")
        if scope.since or scope.until:
            parts.append('date != ""')
        if scope.since:
            parts.append(f"date >= {json.dumps(scope.since)}")
        if scope.until:
            parts.append(f"date <= {json.dumps(scope.until)}")
        return " and ".join(parts)


class _Dense:
    def __init__(self, store: MilvusStore) -> None:
        self.store = store
        self.kind = store.kind

    def search(self, vector: np.ndarray, k: int, allowed: Allowed | None = None) -> list[int]:
        return self.store.dense_search(vector, k, allowed)


class _Lexical:
    def __init__(self, store: MilvusStore) -> None:
        self.store = store

    def search(self, tokens: list[str], k: int, allowed: Allowed | None = None) -> list[int]:
        return self.store.lexical_search(tokens, k, allowed)


def _create(client, collection: str, dimensions: int, kind: str, mode: str, bm25, hnsw_m: int,
            ef_construction: int) -> None:
    from pymilvus import DataType, Function, FunctionType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("pos", DataType.INT64, is_primary=True)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimensions)
    schema.add_field("newspaper", DataType.VARCHAR, max_length=512)
    schema.add_field("date", DataType.VARCHAR, max_length=16)
    if mode == "function":
        schema.add_field("terms", DataType.VARCHAR, max_length=65_535, enable_analyzer=True,
                         analyzer_params={"tokenizer": "standard"})
    schema.add_field("lex", DataType.SPARSE_FLOAT_VECTOR)
    if mode == "function":
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                     input_field_names=["terms"], output_field_names=["lex"]))
    index = client.prepare_index_params()
    if kind == "flat":
        index.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
    else:
        index.add_index(field_name="dense", index_type="HNSW", metric_type="IP",
                        params={"M": hnsw_m, "efConstruction": ef_construction})
    if mode == "function":  # bm25s's parameters, so both stores rank alike
        index.add_index(field_name="lex", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                        params={"bm25_k1": float(bm25.k1), "bm25_b": float(bm25.b)})
    else:
        index.add_index(field_name="lex", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    client.create_collection(collection, schema=schema, index_params=index)


def _rows(vectors: np.ndarray, bm25, terms: list[list[str]], pages: list[PageMeta | None], mode: str):
    """Insert batches: (first position, rows)."""
    vocab = bm25.vocab_dict
    weights = _document_weights(bm25) if mode == "client" else None
    for start in range(0, len(vectors), BATCH):
        batch = []
        for i in range(start, min(start + BATCH, len(vectors))):
            page = pages[i] or PageMeta()
            row = {"pos": i, "dense": vectors[i].tolist(), "newspaper": page.newspaper[:170], "date": page.date[:16]}
            if weights is None:
                row["terms"] = _terms_text([vocab[t] for t in terms[i] if t in vocab])
            else:
                lo, hi = weights.indptr[i], weights.indptr[i + 1]
                row["lex"] = dict(zip(weights.indices[lo:hi].tolist(), weights.data[lo:hi].tolist()))
            batch.append(row)
        yield start, batch


def _document_weights(bm25):
    """bm25s keeps each term's postings (CSC: a column per vocabulary entry) with the BM25 weight
    already computed; a row per document is the sparse vector Milvus stores."""
    from scipy import sparse

    scores = bm25.scores
    matrix = sparse.csc_matrix((scores["data"], scores["indices"], scores["indptr"]),
                               shape=(int(scores["num_docs"]), len(scores["indptr"]) - 1))
    return matrix.tocsr()


def _terms_text(ids: list[int]) -> str:
    text = " ".join(f"t{i}" for i in ids)
    if len(text) > MAX_TERMS_BYTES:  # ~9 000 terms: only a pathological paragraph gets here
        text = text[:MAX_TERMS_BYTES].rsplit(" ", 1)[0]
    return text


def _count(client, collection: str) -> int:
    try:
        client.load_collection(collection)
        found = client.query(collection, filter="", output_fields=["count(*)"], consistency_level="Strong")
        return int(found[0]["count(*)"])
    except Exception:  # noqa: BLE001 - a collection that cannot be counted is rebuilt
        return -1


def newspapers(pages: Iterable[PageMeta | None]) -> set[str]:
    """Newspaper names as stored (cut to fit the field), for scope filters."""
    return {p.newspaper[:170] for p in pages if p is not None and p.newspaper}
