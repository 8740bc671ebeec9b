"""Memory of the reader's sentence and clause vectors at archive scale.

    python bench/bench_units_memory.py [--paragraphs 1000000] [--questions 300]

The reader reads the e5 vectors of every sentence and clause of the paragraphs a question retrieves
(`units.py`, memory-mapped `.npy` files). At the seeds' ratio (2.2 sentences and 6 clauses a
paragraph) 1M paragraphs hold ~8M such vectors: ~6 GB as float16. This writes random unit vectors of
that shape (the cost depends on the shape, not on the values; said in the output), loads them as
the index does, reads the rows of 6 random paragraphs per question as the reader does, and prints
the serving process's RSS growth (its own memory apart from mapped file pages) and the time per question spent reading them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.units import Units  # noqa: E402

SENTENCES, CLAUSES, DIM, HITS = 2.2, 6.0, 384, 6


def memory_mb() -> dict[str, float]:
    """RSS, and its parts: anonymous (the process's own) and file-backed (mapped pages the kernel
    can drop and read again under memory pressure)."""
    out = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon", "RssFile"):
                out[name] = int(value.split()[0]) / 1024
    return out


def write(folder: Path, paragraphs: int, seed: int = 0) -> None:
    """Sentence and clause counts per paragraph drawn around the seeds' averages; vectors in chunks,
    so writing never holds the whole array."""
    rng = np.random.default_rng(seed)
    per_sentence = rng.poisson(SENTENCES - 1, paragraphs) + 1
    sentence_start = np.concatenate([[0], np.cumsum(per_sentence)])
    clauses_per = rng.poisson(CLAUSES / SENTENCES - 1, int(sentence_start[-1])) + 1
    clause_start = np.concatenate([[0], np.cumsum(clauses_per)])
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "sentence_start.npy", sentence_start)
    np.save(folder / "clause_start.npy", clause_start)
    for name, rows in (("sentence_vectors", int(sentence_start[-1])), ("clause_vectors", int(clause_start[-1]))):
        out = np.lib.format.open_memmap(folder / f"{name}.npy", mode="w+", dtype=np.float16, shape=(rows, DIM))
        for start in range(0, rows, 500_000):
            block = rng.standard_normal((min(500_000, rows - start), DIM)).astype(np.float32)
            out[start: start + len(block)] = (block / np.linalg.norm(block, axis=1, keepdims=True)).astype(np.float16)
        out.flush()
        del out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "units-memory")
    args = parser.parse_args()
    folder = args.out / f"units-{args.paragraphs}"
    if not (folder / "clause_vectors.npy").exists():
        started = time.perf_counter()
        write(folder, args.paragraphs)
        print(f"wrote random unit vectors for {args.paragraphs} paragraphs in {time.perf_counter() - started:.0f} s")
    before = memory_mb()
    started = time.perf_counter()
    units = Units.load(folder)
    load_s = time.perf_counter() - started
    size_mb = (units.sentence_vectors.nbytes + units.clause_vectors.nbytes) / 2**20
    rng = np.random.default_rng(1)
    query = rng.standard_normal(DIM).astype(np.float32)
    timings = []
    for _ in range(args.questions):
        t0 = time.perf_counter()
        for p in rng.integers(0, args.paragraphs, HITS):
            rows = range(int(units.sentence_start[p]), int(units.sentence_start[p + 1]))
            for j in range(len(rows)):
                float(query @ units.sentence(int(p), j).astype(np.float32))
                k = 0
                while (clause := units.clause(int(p), j, k)) is not None:
                    float(query @ clause.astype(np.float32))
                    k += 1
        timings.append((time.perf_counter() - t0) * 1000)
    after = memory_mb()
    timings.sort()
    print(f"paragraphs {args.paragraphs}: {units.sentence_vectors.shape[0]} sentence and "
          f"{units.clause_vectors.shape[0]} clause vectors, {size_mb:.0f} MB on disk (float16; random values, real shape)")
    print(f"load {load_s * 1000:.1f} ms; after {args.questions} questions RSS +{after['VmRSS'] - before['VmRSS']:.0f} MB "
          f"(anonymous +{after['RssAnon'] - before['RssAnon']:.0f} MB, mapped file pages +{after['RssFile'] - before['RssFile']:.0f} MB "
          f"the kernel may drop), not +{size_mb:.0f} MB")
    print(f"reading the vectors of {HITS} paragraphs per question: p50 {statistics.median(timings):.2f} ms, "
          f"p95 {timings[int(0.95 * (len(timings) - 1))]:.2f} ms (cold pages included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
