"""Pluggable stores: the embedded FAISS + bm25s default, the flat → HNSW switch by corpus size,
and Milvus (Lite, and a server reached by URI) answering the seed questions as FAISS does."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.config import ROOT
from assistant.index import index_status, open_index
from assistant.retrieve import HybridRetriever
from assistant.schema import PageMeta
from assistant.sources import Scope
from assistant.stores import Allowed, DenseStore, LexicalStore, dense_kind, parse_store

QUESTIONS = ROOT / "eval" / "questions.jsonl"


def _own_index(tmp_path: Path, seed_settings, **changes):
    """Settings for an index of the seed pages in tmp_path, reusing the session's cached vectors."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_settings.index_dir / "cache", index_dir / "cache")
    return seed_settings.with_(index_dir=index_dir, **changes)


def test_store_specs():
    assert parse_store("faiss").key == "faiss"
    lite = parse_store("milvus:/tmp/x/archive.db")
    assert (lite.engine, lite.lite, lite.uri) == ("milvus", True, "/tmp/x/archive.db")
    server = parse_store("http://milvus.internal:19530/")
    assert (server.engine, server.lite, server.uri) == ("milvus", False, "http://milvus.internal:19530")
    with pytest.raises(ValueError):
        parse_store("milvus:archive.sqlite")
    with pytest.raises(ValueError):
        parse_store("elastic")


def test_default_store_is_faiss_and_flat(seed_settings, seed_index):
    manifest = index_status(seed_settings)
    assert manifest["store"] == "faiss" and manifest["dense_index"] == "flat"
    assert isinstance(seed_index.dense, DenseStore) and isinstance(seed_index.lexical, LexicalStore)
    assert seed_index.fusing is None  # fused here, by RRF in retrieve.py


def test_dense_index_switches_to_hnsw_at_the_threshold(tmp_path, seed_settings, seed_index):
    assert dense_kind(199_999, 200_000, 32) == "flat" and dense_kind(200_000, 200_000, 32) == "hnsw32"
    settings = _own_index(tmp_path, seed_settings, ann_from=50)  # the 80 seed paragraphs are "large"
    index = open_index(settings)
    assert index.manifest["dense_index"] == "hnsw32" == index.dense.kind
    assert type(index.dense.vector_store.client).__name__ == "IndexHNSWFlat"
    # on 80 vectors HNSW finds what the flat index finds
    retriever, flat = HybridRetriever(index, settings), HybridRetriever(seed_index, seed_settings)
    for question in ("湖南援藏三年签约资金多少？", "给患脊柱侧弯的孩子做手术", "合作社分红"):
        vector = flat.embed(question)
        assert [h.paragraph.paragraph_id for h in retriever.search(question, vector=vector)] == \
               [h.paragraph.paragraph_id for h in flat.search(question, vector=vector)]
    store = (settings.index_dir / "CURRENT").read_text()
    open_index(settings.with_(ann_from=10_000))  # the threshold moved: rebuilt flat
    assert (settings.index_dir / "CURRENT").read_text() != store
    assert index_status(settings)["dense_index"] == "flat"


def _scoped_corpus(n: int = 400, dimensions: int = 16):
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(n, dimensions)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = [f"词{i}" for i in range(40)]
    terms = [list(rng.choice(words, size=int(rng.integers(1, 8)))) for _ in range(n)]
    papers = ["西藏日报", " 西藏日报", "人民日报", ""]  # the second is the first once normalised
    pages = [PageMeta(newspaper=papers[i % 4], date=f"2026-01-{1 + i % 28:02d}" if i % 5 else "") for i in range(n)]
    return vectors, terms, pages


@pytest.mark.parametrize(("mode", "kind"), [("client", "flat"), ("function", "hnsw16")])
def test_milvus_scope_filter_admits_what_the_scope_admits(tmp_path, mode, kind):
    import bm25s

    from assistant.stores.faiss_bm25 import Bm25Lexical
    from assistant.stores.milvus import MilvusStore

    vectors, terms, pages = _scoped_corpus()
    bm25 = bm25s.BM25()
    bm25.index(terms, show_progress=False)
    store = MilvusStore.build(parse_store(f"milvus:{tmp_path / 'scope.db'}"), "scoped", vectors=vectors, bm25=bm25,
                              terms=terms, pages=pages, kind=kind, mode=mode, hnsw_m=16, ef_construction=100,
                              ef_search=100)
    embedded = Bm25Lexical(bm25)
    query = vectors[7] + 0.1 * vectors[11]
    for scope in (Scope.of("西藏日报"), Scope.of(since="2026-01-10", until="2026-01-20"),
                  Scope.of("人民日报", since="2026-01-15"), Scope.of("光明日报")):
        mask = np.array([scope.admits(p) for p in pages])
        allowed = Allowed(scope, mask, int(mask.sum()))
        exact = [int(i) for i in np.argsort(-(vectors @ query)) if mask[i]][:10]
        assert store.dense.search(query, 10, allowed) == exact
        lexical = store.lexical.search(["词3", "词5"], 20, allowed)
        assert all(mask[i] for i in lexical)
        # the same paragraphs as bm25s, but for those tied with the last one taken (each engine
        # breaks ties its own way)
        scores = np.where(mask, bm25.get_scores(["词3", "词5"]), 0.0)
        theirs = embedded.search(["词3", "词5"], 20, allowed)
        if not theirs:  # a paper the archive does not hold
            assert lexical == []
            continue
        cut = min(scores[i] for i in theirs)
        assert {i for i in lexical if not np.isclose(scores[i], cut)} == \
            {int(i) for i in np.flatnonzero(scores > cut) if not np.isclose(scores[i], cut)}
        assert all(scores[i] >= cut or np.isclose(scores[i], cut) for i in lexical) and len(lexical) == len(theirs)


def test_bm25_hits_tied_at_the_cut_are_taken_in_index_order():
    import bm25s

    from assistant.stores.faiss_bm25 import Bm25Lexical

    # six paragraphs score alike for 词1; the three taken are the first three, whatever numpy does
    terms = [["词1", "词2"]] * 6 + [["词1", "词1", "词1"], ["词3"]]
    bm25 = bm25s.BM25()
    bm25.index(terms, show_progress=False)
    hits = Bm25Lexical(bm25).search(["词1"], 4)
    assert hits[0] == 6 and hits[1:] == [0, 1, 2]


def _run(settings, index):
    from assistant.evaluate import load_set
    from assistant.harness import run_set

    return run_set(settings, index, load_set(QUESTIONS), progress=False)


def _cited(report) -> dict[str, list[str]]:
    return {s.row["id"]: [c["paragraph_id"] for c in s.result["citations"]]
            for s in report.scored if not s.result.get("refused")}


@pytest.mark.slow
def test_milvus_lite_answers_the_seed_questions_as_faiss_does(tmp_path, seed_settings, seed_index):
    settings = _own_index(tmp_path, seed_settings, store=f"milvus:{tmp_path / 'milvus.db'}")
    index = open_index(settings)
    assert index.manifest["store"] == f"milvus:{tmp_path / 'milvus.db'}"
    assert index.manifest["bm25"] == "client" and index.manifest["collection"].startswith("paragraphs_")
    assert index.fusing is not None  # fused by Milvus's hybrid_search
    faiss_report, milvus_report = _run(seed_settings, seed_index), _run(settings, index)
    assert len(milvus_report.scored) == len(faiss_report.scored) > 100
    assert abs(milvus_report.metrics["accuracy"] - faiss_report.metrics["accuracy"]) <= 0.01
    assert _cited(milvus_report) == _cited(faiss_report)
    # each retriever alone ranks as the embedded one does (BM25 ties aside: compare as sets)
    faiss_retriever, milvus_retriever = HybridRetriever(seed_index, seed_settings), HybridRetriever(index, settings)
    for mode in ("dense", "lexical"):
        for question in ("湖南援藏三年签约资金多少？", "合作社 分红", "洛桑阿旺身高增长了多少？"):
            ours = milvus_retriever.search(question, mode=mode, top_k=10)
            theirs = faiss_retriever.search(question, mode=mode, top_k=10)
            assert {h.paragraph.paragraph_id for h in ours} == {h.paragraph.paragraph_id for h in theirs}
    # a collection dropped behind the index's back is built again, not a failure on every question
    from assistant.stores.milvus import MilvusStore

    MilvusStore.drop(parse_store(settings.store), index.manifest["collection"])
    again = open_index(settings)
    assert HybridRetriever(again, settings).search("合作社分红")[0].paragraph.paragraph_id == \
           faiss_retriever.search("合作社分红")[0].paragraph.paragraph_id


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_milvus_server_by_uri_uses_the_same_code_and_the_engines_bm25(tmp_path, seed_settings, seed_index):
    """`--store http://HOST:19530`: here a Milvus Lite gRPC server in another process stands in for
    Milvus Standalone (the same MilvusClient calls over the network); BM25 is the engine's function."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(tmp_path / "server"),
                               "--port", str(port), "--host", "127.0.0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        settings = _own_index(tmp_path, seed_settings, store=f"http://127.0.0.1:{port}")
        index = open_index(settings)
        assert index.manifest["bm25"] == "function"
        ours, theirs = HybridRetriever(index, settings), HybridRetriever(seed_index, seed_settings)
        for question in ("湖南援藏三年签约资金多少？", "雪社区服装三厂合作社分红多少钱？", "巴宜区2025年旅游收入多少？"):
            vector = theirs.embed(question)
            assert ours.search(question, vector=vector)[0].paragraph.paragraph_id == \
                   theirs.search(question, vector=vector)[0].paragraph.paragraph_id
        # a second replica (an index folder of its own, the same corpus) finds the collection built
        replica = open_index(_own_index(tmp_path / "replica", seed_settings, store=f"http://127.0.0.1:{port}"))
        assert replica.manifest["collection"] == index.manifest["collection"]
        assert HybridRetriever(replica, settings).search("合作社分红")[0].paragraph.text
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("admitted", [0.01, 0.6])
def test_hnsw_keeps_to_the_scope(tmp_path, monkeypatch, admitted):
    """Under HNSW a narrow scope is searched exactly over its rows, a wide one by a graph walk that
    returns admitted rows only; both find what exact search over the scope finds."""
    from assistant.stores import faiss_bm25
    from assistant.stores.faiss_bm25 import FaissDense

    monkeypatch.setattr(faiss_bm25, "EXACT_SCOPE", 500)
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(3000, 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    FaissDense.build(vectors, "hnsw16", tmp_path / "vectors", hnsw_m=16, ef_construction=100)
    dense = FaissDense.load(tmp_path / "vectors", "hnsw16", ef_search=200)
    mask = rng.random(3000) < admitted
    allowed = Allowed(Scope.of("人民日报"), mask, int(mask.sum()))
    for query in vectors[:20]:
        found = dense.search(query, 10, allowed)
        exact = [int(i) for i in np.argsort(-(vectors @ query)) if mask[i]][:10]
        assert all(mask[i] for i in found)
        assert len(set(found) & set(exact)) >= 9
