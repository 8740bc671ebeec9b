"""Paragraphs → a persisted hybrid index: e5 vectors and BM25 over jieba tokens, in a store
(`stores/`): FAISS through llama-index plus bm25s by default (flat below `Settings.ann_from`
paragraphs, HNSW from there), or a Milvus collection (Milvus Lite or a server).

Layout under `index/`: `CURRENT` names the live `store-*` folder; a store is complete only once
its `manifest.json` is written, and `CURRENT` is swapped atomically after that, so a crash
mid-build leaves the previous index in service and the half-built folder is swept next time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import Settings
from .flanks import issue_year
from .ingest import Corpus, IngestError, Page, fingerprint, load_corpus, page_digests, write_atomic
from .schema import Article, PageMeta, Paragraph
from .stores import DenseStore, FusingStore, LexicalStore, StoreMissing, StoreSpec, dense_kind, parse_store
from .text import Tokenizer
from .units import Units, unit_texts

FORMAT = 6  # 3: sentence and clause vectors; 4: pluggable stores, no llama-index docstore;
# 5: sentence and clause vectors as memory-mapped .npy files (units/); 6: relative years indexed (index_terms)
log = logging.getLogger("assistant.index")


@dataclass
class HybridIndex:
    """Everything retrieval needs, loaded in memory."""

    paragraphs: list[Paragraph]
    articles: list[Article]
    dense: DenseStore  # nearest paragraphs by e5 vector (FAISS or Milvus)
    lexical: LexicalStore  # BM25 over jieba terms (bm25s or Milvus)
    bm25: object  # bm25s.BM25 over the same paragraphs, in the same order: term statistics for the reader
    tokenizer: Tokenizer
    embedding: object  # the llama-index BaseEmbedding used for both passages and queries
    manifest: dict
    units: Units | None = None  # sentence and clause vectors for the reader
    fusing: FusingStore | None = None  # a store that fuses both rankings itself (Milvus)

    def paragraph(self, paragraph_id: str) -> Paragraph | None:
        return self._by_id.get(paragraph_id)

    def __post_init__(self) -> None:
        self._by_id = {p.paragraph_id: p for p in self.paragraphs}
        self.position = {p.paragraph_id: i for i, p in enumerate(self.paragraphs)}
        self.pages: dict[str, PageMeta] = {p.source_file: p.page for p in self.paragraphs if p.page}


def open_index(settings: Settings, *, rebuild: bool = False, embedding=None, progress=None) -> HybridIndex:
    """Load the index for the current corpus and model, building it first if it is stale."""
    from .embed import make_embedding

    embedding = embedding or make_embedding(settings.embedding, threads=settings.embedding_threads)
    wanted = _wanted_manifest(settings, fingerprint(page_digests(settings)), embedding)
    with _lock(settings.index_dir):
        store = _current_store(settings.index_dir)
        if rebuild or store is None or not _matches(store, wanted, settings):
            corpus = load_corpus(settings)  # parse pages only when building
            wanted["corpus_fingerprint"] = corpus.fingerprint
            store = _build(settings, corpus, embedding, wanted, progress)
    try:
        return _load(store, settings, embedding)
    except StoreMissing as err:  # e.g. a Milvus collection dropped by hand: build it again, once
        if rebuild:
            raise
        log.warning("%s，重建索引", err)
        return open_index(settings, rebuild=True, embedding=embedding, progress=progress)


def embedding_check(settings: Settings, embedding, progress=None):
    """A pre-commit check for `ingest_files`: embed the page's paragraphs into the vector cache (the
    build that follows finds them there), so a page the index cannot be built from is refused
    before it is copied into the corpus."""

    def check(page: Page) -> None:
        with _lock(settings.index_dir):
            _, failed = _embed_with_cache(settings, embedding, [p.context() for p in page.paragraphs], progress)
        if failed:
            raise IngestError(f"有 {len(failed)} 个段落无法计算向量，版面未导入", 422)

    return check


def index_status(settings: Settings) -> dict | None:
    store = _current_store(settings.index_dir)
    return json.loads((store / "manifest.json").read_text()) if store else None


# news dates itself by its issue: "去年" in a paper of 1998-01-22 is 1997
_RELATIVE_YEARS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1}


def index_terms(tokenizer: Tokenizer, paragraph: Paragraph) -> list[str]:
    """The paragraph's BM25 terms, and the years its relative words name in its issue ("去年全球经济增长
    速度达4%" printed in 1998 is found by "1997年全球经济增长速度"; the words are stop words, the years
    are not). Only the lexical index reads them: the embedded text is the paragraph as printed."""
    text, year = paragraph.context(), issue_year(paragraph)
    terms = tokenizer.terms(text)
    if year is not None:
        terms += [str(year + shift) for word, shift in _RELATIVE_YEARS.items() if word in text]
    return terms


def _wanted_manifest(settings: Settings, corpus_fingerprint: str, embedding) -> dict:
    terms = "\n".join(sorted(settings.extra_terms))
    return {
        "format": FORMAT,
        "store": parse_store(settings.store).key,
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
    for name in ("layout.py", "formats.py", "sources.py", "text.py", "schema.py", "units.py", "data/terms.txt", "data/synonyms.txt", "data/places.toml"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]


def _matches(store: Path, wanted: dict, settings: Settings) -> bool:
    manifest = json.loads((store / "manifest.json").read_text())
    if not all(manifest.get(k) == v for k, v in wanted.items()):
        return False
    # a changed flat/ANN threshold (or HNSW width) rebuilds the dense index too
    return manifest.get("dense_index") == dense_kind(int(manifest.get("paragraphs", 0)), settings.ann_from,
                                                     settings.hnsw_m)


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

    started = time.perf_counter()
    _require_pages(corpus)
    spec = parse_store(settings.store)
    store = settings.index_dir / f"store-{wanted['corpus_fingerprint']}-{uuid.uuid4().hex[:8]}"
    store.mkdir(parents=True)
    vectors, failed = _embed_with_cache(settings, embedding, [p.context() for p in corpus.paragraphs], progress)
    if failed:  # leave out whole pages whose paragraphs the model cannot take; keep the rest
        bad = {corpus.paragraphs[i].source_file for i in failed}
        log.warning("无法计算向量，未收录版面：%s", "、".join(sorted(bad)))
        keep = [i for i, p in enumerate(corpus.paragraphs) if p.source_file not in bad]
        vectors = vectors[keep]
        corpus.drop(dict.fromkeys(bad, "段落无法计算向量"))
        _require_pages(corpus)
    paragraphs = corpus.paragraphs
    kind = dense_kind(len(paragraphs), settings.ann_from, settings.hnsw_m)
    stored: dict = {"dense_index": kind}
    if spec.engine == "faiss":
        from .stores.faiss_bm25 import FaissDense

        FaissDense.build(vectors, kind, store / "vectors", hnsw_m=settings.hnsw_m,
                         ef_construction=settings.hnsw_ef_construction)

    _unit_vectors(settings, embedding, paragraphs, progress).save(store / "units")

    # bm25s is built whatever the store: the reader weighs question words by its term statistics,
    # and a Milvus store takes its vocabulary (and, for "client" BM25, its weights) from it
    tokenizer = Tokenizer(settings.extra_terms, cache_dir=settings.index_dir / "cache")
    terms = [index_terms(tokenizer, p) or ["∅"] for p in paragraphs]
    bm25 = bm25s.BM25()
    bm25.index(terms, show_progress=False)
    bm25.save(str(store / "bm25"))

    if spec.engine == "milvus":
        stored.update(_build_milvus(settings, spec, wanted, kind, vectors, bm25, terms, paragraphs))

    with open(store / "paragraphs.jsonl", "w", encoding="utf-8") as handle:
        for p in paragraphs:
            handle.write(json.dumps({k: v for k, v in p.to_dict().items() if k != "page"}, ensure_ascii=False) + "\n")
    with open(store / "pages.jsonl", "w", encoding="utf-8") as handle:  # newspaper, date, page: once per page
        for name, page in {p.source_file: p.page for p in paragraphs if p.page}.items():
            handle.write(json.dumps({"source_file": name, **page.__dict__}, ensure_ascii=False) + "\n")
    with open(store / "articles.jsonl", "w", encoding="utf-8") as handle:
        for a in corpus.articles:
            handle.write(json.dumps(a.__dict__, ensure_ascii=False) + "\n")
    manifest = dict(wanted, **stored, dimensions=int(vectors.shape[1]), paragraphs=len(paragraphs),
                    files=sorted(set(corpus.files) - set(corpus.skipped)), skipped=corpus.skipped, built_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
                    build_seconds=round(time.perf_counter() - started, 2))
    write_atomic(store / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    write_atomic(settings.index_dir / "CURRENT", store.name.encode())
    for old in settings.index_dir.glob("store-*"):
        if old != store:
            _drop_collection(old, manifest)
            shutil.rmtree(old, ignore_errors=True)
    return store


def _build_milvus(settings: Settings, spec: StoreSpec, wanted: dict, kind: str, vectors: np.ndarray, bm25,
                  terms: list[list[str]], paragraphs: list[Paragraph]) -> dict:
    """Fill (or find already filled) the corpus' Milvus collection; what the manifest records."""
    from .stores.milvus import MilvusStore, bm25_mode, collection_name

    mode = bm25_mode(spec, settings.milvus_bm25)
    name = collection_name(wanted, kind, mode)
    MilvusStore.build(spec, name, vectors=vectors, bm25=bm25, terms=terms, pages=[p.page for p in paragraphs],
                      kind=kind, mode=mode, hnsw_m=settings.hnsw_m, ef_construction=settings.hnsw_ef_construction,
                      ef_search=settings.hnsw_ef_search)
    return {"milvus_uri": spec.uri, "collection": name, "bm25": mode}


def _drop_collection(old: Path, current: dict) -> None:
    """The Milvus collection of a swept store, unless the new build uses the same one."""
    try:
        manifest = json.loads((old / "manifest.json").read_text())
    except (OSError, ValueError):
        return
    name = manifest.get("collection")
    if name and name != current.get("collection"):
        from .stores.milvus import MilvusStore

        MilvusStore.drop(parse_store(manifest["store"]), name)


def _unit_vectors(settings: Settings, embedding, paragraphs: list[Paragraph], progress) -> Units:
    """Vectors of every sentence and clause (through the same text-keyed cache as paragraphs). A
    unit the model fails on gets a zero vector: it only loses its semantic evidence."""
    sentence_texts, clause_texts, sentence_start, clause_start = unit_texts(paragraphs)
    sentence_vectors, _ = _embed_with_cache(settings, embedding, sentence_texts, progress)
    clause_vectors, _ = _embed_with_cache(settings, embedding, clause_texts, progress)
    return Units(sentence_vectors.astype(np.float16), clause_vectors.astype(np.float16), sentence_start, clause_start)


def _require_pages(corpus: Corpus) -> None:
    if not corpus.paragraphs:
        why = "；".join(f"{name}：{reason}" for name, reason in corpus.skipped.items())
        raise IngestError("资料库里没有可用的版面" + (f"（{why}）" if why else "（版面文件夹里没有 .md 或 .txt 文件）"))


def _embed_with_cache(settings: Settings, embedding, texts: list[str], progress) -> tuple[np.ndarray, list[int]]:
    """Vectors keyed by text: adding one page re-embeds only its paragraphs. Returns the
    normalised vectors and the positions of texts the model failed on (their rows are zero)."""
    if not texts:
        return np.zeros((0, 1), np.float32), []
    cache_file = settings.index_dir / "cache" / f"vectors-{_slug(embedding.model_name)}.npz"
    cache: dict[str, np.ndarray] = {}
    if cache_file.exists():
        try:
            with np.load(cache_file) as data:
                cache = dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError):
            cache = {}
    keys = [hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in cache]
    failed: list[int] = []
    if missing:
        _set_threads(embedding, 2)
        batch = 32
        saved = time.monotonic()
        try:
            for start in range(0, len(missing), batch):
                chunk = missing[start: start + batch]
                for i, vector in zip(chunk, _embed_batch(embedding, [texts[i] for i in chunk])):
                    if vector is None:
                        failed.append(i)
                    else:
                        cache[keys[i]] = vector
                if progress:
                    progress(min(start + batch, len(missing)), len(missing))
                if time.monotonic() - saved > CACHE_SAVE_S:
                    # a large build runs for most of an hour: a killed one resumes from here
                    _save_cache(cache_file, cache)
                    saved = time.monotonic()
        finally:
            # what was embedded is kept, however the build ended (Ctrl-C included)
            _set_threads(embedding, settings.embedding_threads)
            _save_cache(cache_file, cache)
    dimensions = len(next(iter(cache.values()))) if cache else 1
    vectors = np.stack([cache.get(k, np.zeros(dimensions, np.float32)) for k in keys]).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12), failed


CACHE_SAVE_S = 120.0  # how often a long build writes its vectors down


def _save_cache(cache_file: Path, cache: dict[str, np.ndarray]) -> None:
    if not cache:
        return
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache_file.with_suffix(".tmp.npz")
    np.savez(tmp, keys=np.array(list(cache)), vectors=np.stack(list(cache.values())))
    tmp.replace(cache_file)


def _embed_batch(embedding, texts: list[str]) -> list[np.ndarray | None]:
    """One batch; when it fails, one text at a time, so only the texts at fault are lost."""
    try:
        return [np.asarray(v, dtype=np.float32) for v in embedding.get_text_embedding_batch(texts)]
    except Exception:  # noqa: BLE001 - any model failure on a text leaves that text out, never the corpus
        out: list[np.ndarray | None] = []
        for text in texts:
            try:
                out.append(np.asarray(embedding.get_text_embedding(text), dtype=np.float32))
            except Exception as err:  # noqa: BLE001
                log.warning("段落无法计算向量（%s）：%s", type(err).__name__, text[:40])
                out.append(None)
        return out


def _set_threads(embedding, threads: int) -> None:
    """More threads for a bulk build; 1 while serving. Only the engines that expose it."""
    setter = getattr(embedding, "set_threads", None)
    if setter is not None:
        setter(threads)


def _slug(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:10]


def _load(store: Path, settings: Settings, embedding) -> HybridIndex:
    import bm25s

    bm25 = bm25s.BM25.load(str(store / "bm25"))
    pages: dict[str, PageMeta] = {}
    if (store / "pages.jsonl").exists():
        with open(store / "pages.jsonl", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                name = record.pop("source_file")
                pages[name] = PageMeta(**record)
    with open(store / "paragraphs.jsonl", encoding="utf-8") as handle:
        paragraphs = [_paragraph(json.loads(line), pages) for line in handle]
    with open(store / "articles.jsonl", encoding="utf-8") as handle:
        articles = [Article(**json.loads(line)) for line in handle]
    manifest = json.loads((store / "manifest.json").read_text())
    dense, lexical, fusing = _open_stores(store, manifest, settings, bm25, pages)
    tokenizer = Tokenizer(settings.extra_terms, cache_dir=settings.index_dir / "cache")
    return HybridIndex(paragraphs, articles, dense, lexical, bm25, tokenizer, embedding, manifest,
                       Units.load(store / "units"), fusing)


def _open_stores(store: Path, manifest: dict, settings: Settings, bm25, pages: dict[str, PageMeta]):
    spec = parse_store(manifest.get("store", "faiss"))
    kind = manifest.get("dense_index", "flat")
    if spec.engine == "faiss":
        from .stores.faiss_bm25 import Bm25Lexical, FaissDense

        return FaissDense.load(store / "vectors", kind, ef_search=settings.hnsw_ef_search), Bm25Lexical(bm25), None
    from .stores.milvus import MilvusStore, newspapers

    milvus = MilvusStore.open(spec, manifest["collection"], kind=kind, mode=manifest["bm25"], bm25=bm25,
                              newspapers=newspapers(pages.values()), ef_search=settings.hnsw_ef_search)
    return milvus.dense, milvus.lexical, milvus


def _paragraph(record: dict, pages: dict[str, PageMeta]) -> Paragraph:
    record["repairs"] = tuple(record.get("repairs", ()))
    return Paragraph(**record, page=pages.get(record["source_file"]))
