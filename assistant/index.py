"""Paragraphs → a persisted hybrid index: FAISS (inner product on normalised e5 vectors, through
llama-index) and BM25 over jieba tokens (bm25s).

Layout under `index/`: `CURRENT` names the live `store-*` folder; a store is complete only once
its `manifest.json` is written, and `CURRENT` is swapped atomically after that, so a crash
mid-build leaves the previous index in service and the half-built folder is swept next time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import Settings
from .ingest import Corpus, fingerprint, load_corpus, page_digests, write_atomic
from .schema import Article, Paragraph
from .text import Tokenizer

FORMAT = 2


@dataclass
class HybridIndex:
    """Everything retrieval needs, loaded in memory."""

    paragraphs: list[Paragraph]
    articles: list[Article]
    vector_index: object  # llama_index VectorStoreIndex over a FaissVectorStore
    bm25: object  # bm25s.BM25 over the same paragraphs, in the same order
    tokenizer: Tokenizer
    embedding: object  # the llama-index BaseEmbedding used for both passages and queries
    manifest: dict

    def paragraph(self, paragraph_id: str) -> Paragraph | None:
        return self._by_id.get(paragraph_id)

    def __post_init__(self) -> None:
        self._by_id = {p.paragraph_id: p for p in self.paragraphs}
        self.position = {p.paragraph_id: i for i, p in enumerate(self.paragraphs)}


def open_index(settings: Settings, *, rebuild: bool = False, embedding=None, progress=None) -> HybridIndex:
    """Load the index for the current corpus and model, building it first if it is stale."""
    from .embed import make_embedding

    embedding = embedding or make_embedding(settings.embedding, threads=settings.embedding_threads)
    wanted = _wanted_manifest(settings, fingerprint(page_digests(settings)), embedding)
    with _lock(settings.index_dir):
        store = _current_store(settings.index_dir)
        if rebuild or store is None or not _matches(store, wanted):
            corpus = load_corpus(settings)  # parse pages only when building
            wanted["corpus_fingerprint"] = corpus.fingerprint
            store = _build(settings, corpus, embedding, wanted, progress)
    return _load(store, settings, embedding)


def index_status(settings: Settings) -> dict | None:
    store = _current_store(settings.index_dir)
    return json.loads((store / "manifest.json").read_text()) if store else None


def _wanted_manifest(settings: Settings, corpus_fingerprint: str, embedding) -> dict:
    terms = "\n".join(sorted(settings.extra_terms))
    return {
        "format": FORMAT,
        "corpus_fingerprint": corpus_fingerprint,
        "embedding": settings.embedding,
        "model_name": embedding.model_name,
        "terms": hashlib.sha256(terms.encode()).hexdigest()[:12],
        "layout": _code_digest(),
    }


def _code_digest() -> str:
    """Layout repair and tokenisation change what is indexed: rebuild when their code changes."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("layout.py", "text.py", "schema.py", "data/terms.txt", "data/synonyms.txt", "data/places.toml"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]


def _matches(store: Path, wanted: dict) -> bool:
    manifest = json.loads((store / "manifest.json").read_text())
    return all(manifest.get(k) == v for k, v in wanted.items())


def _current_store(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        return None
    store = index_dir / pointer.read_text().strip()
    return store if (store / "manifest.json").exists() else None


@contextmanager
def _lock(index_dir: Path):
    """One builder at a time; others wait, then find the fresh index."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(settings: Settings, corpus: Corpus, embedding, wanted: dict, progress) -> Path:
    import bm25s
    import faiss
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.faiss import FaissVectorStore

    started = time.perf_counter()
    store = settings.index_dir / f"store-{wanted['corpus_fingerprint']}-{uuid.uuid4().hex[:8]}"
    store.mkdir(parents=True)
    paragraphs = corpus.paragraphs
    vectors = _embed_with_cache(settings, embedding, [p.context() for p in paragraphs], progress)
    nodes = []
    for p, vector in zip(paragraphs, vectors):
        node = TextNode(id_=p.paragraph_id, text=p.context(), embedding=vector.tolist(),
                        metadata={"source_file": p.source_file, "article": p.article, "kind": p.kind})
        node.excluded_embed_metadata_keys = list(node.metadata)
        nodes.append(node)
    faiss_index = faiss.IndexFlatIP(vectors.shape[1])  # inner product = cosine on normalised vectors
    storage = StorageContext.from_defaults(vector_store=FaissVectorStore(faiss_index=faiss_index))
    VectorStoreIndex(nodes, storage_context=storage, embed_model=embedding, show_progress=False)
    storage.persist(persist_dir=str(store / "vectors"))

    tokenizer = Tokenizer(settings.extra_terms, cache_dir=settings.index_dir / "cache")
    bm25 = bm25s.BM25()
    bm25.index([tokenizer.terms(p.context()) or ["∅"] for p in paragraphs], show_progress=False)
    bm25.save(str(store / "bm25"))

    with open(store / "paragraphs.jsonl", "w", encoding="utf-8") as handle:
        for p in paragraphs:
            handle.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    with open(store / "articles.jsonl", "w", encoding="utf-8") as handle:
        for a in corpus.articles:
            handle.write(json.dumps(a.__dict__, ensure_ascii=False) + "\n")
    manifest = dict(wanted, dimensions=int(vectors.shape[1]), paragraphs=len(paragraphs),
                    files=sorted(corpus.files), built_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
                    build_seconds=round(time.perf_counter() - started, 2))
    write_atomic(store / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    write_atomic(settings.index_dir / "CURRENT", store.name.encode())
    for old in settings.index_dir.glob("store-*"):
        if old != store:
            shutil.rmtree(old, ignore_errors=True)
    return store


def _embed_with_cache(settings: Settings, embedding, texts: list[str], progress) -> np.ndarray:
    """Vectors keyed by text: adding one page re-embeds only its paragraphs."""
    cache_file = settings.index_dir / "cache" / f"vectors-{_slug(embedding.model_name)}.npz"
    cache: dict[str, np.ndarray] = {}
    if cache_file.exists():
        try:
            with np.load(cache_file) as data:
                cache = dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError):
            cache = {}
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in cache]
    if missing:
        if hasattr(embedding, "set_threads"):
            embedding.set_threads(2)
        batch = 32
        for start in range(0, len(missing), batch):
            chunk = missing[start: start + batch]
            vectors = embedding.get_text_embedding_batch([texts[i] for i in chunk])
            for i, v in zip(chunk, vectors):
                cache[keys[i]] = np.asarray(v, dtype=np.float32)
            if progress:
                progress(min(start + batch, len(missing)), len(missing))
        if hasattr(embedding, "set_threads"):
            embedding.set_threads(settings.embedding_threads)
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(cache)), vectors=np.stack(list(cache.values())))
        tmp.replace(cache_file)
    vectors = np.stack([cache[k] for k in keys]).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _slug(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:10]


def _load(store: Path, settings: Settings, embedding) -> HybridIndex:
    import bm25s
    from llama_index.core import StorageContext, load_index_from_storage
    from llama_index.vector_stores.faiss import FaissVectorStore

    vector_dir = str(store / "vectors")
    vector_store = FaissVectorStore.from_persist_dir(vector_dir)
    storage = StorageContext.from_defaults(vector_store=vector_store, persist_dir=vector_dir)
    vector_index = load_index_from_storage(storage, embed_model=embedding)
    bm25 = bm25s.BM25.load(str(store / "bm25"))
    with open(store / "paragraphs.jsonl", encoding="utf-8") as handle:
        paragraphs = [_paragraph(json.loads(line)) for line in handle]
    with open(store / "articles.jsonl", encoding="utf-8") as handle:
        articles = [Article(**json.loads(line)) for line in handle]
    manifest = json.loads((store / "manifest.json").read_text())
    tokenizer = Tokenizer(settings.extra_terms, cache_dir=settings.index_dir / "cache")
    return HybridIndex(paragraphs, articles, vector_index, bm25, tokenizer, embedding, manifest)


def _paragraph(record: dict) -> Paragraph:
    record["repairs"] = tuple(record.get("repairs", ()))
    return Paragraph(**record)
