"""`assistant eval`: run the evaluation suites (`eval/suites.toml`) or one `--set` file through the
batch path, score them per split and measure outside retrieval. The report is `eval_report.py`;
the scoring and the thresholds CI enforces are `evaluate.py`."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from .config import ROOT, Settings
from .evaluate import (
    SPLITS,
    Evaluation,
    Report,
    SetRun,
    load_set,
    retrieval_by_mode,
    score_row,
    squash,
    summarise,
)
from .outside import DEBIAN_FAQ, write_faq_corpus
from .suites import OUT, Suite, known_splits


def run_eval(settings: Settings, set_path: Path, *, outside: bool = True, progress: bool = True,
             split: str = "all", known: dict | None = None) -> Report:
    """One question set over the corpus and index of `settings` (`assistant eval --set`). Rows
    without a split take it from `known` ((id, question) → split) when they were copied from a set
    that has one."""
    from .index import open_index

    rows = [dict(r, split=r.get("split") or (known or {}).get((r["id"], r["question"]))) for r in load_set(set_path)]
    report = run_set(settings, open_index(settings), _in_split(rows, split), progress)
    if outside and DEBIAN_FAQ.exists():
        report.outside["debian_faq"] = debian_faq_retrieval(settings, progress)
    return report


def run_single(settings: Settings, set_path: Path, suites: dict[str, Suite], *, split: str = "all",
               outside: bool = True) -> Evaluation:
    """`assistant eval --set FILE`: the file's rows over --corpus, as an evaluation of one set."""
    report = run_eval(settings, set_path, outside=outside, split=split, known=known_splits(suites))
    return Evaluation([SetRun(set_path.stem, set_path.stem, report)], _splits(split), report.outside, single=True)


def run_suites(settings: Settings, suites: list[Suite], *, split: str = "all", outside: bool = True,
               progress: bool = True, out: Path = OUT) -> Evaluation:
    """Every suite over its own index (built on first use under `out/<suite>/index`); the answer
    backend and embedding are those of `settings`."""
    from .index import open_index

    evaluation = Evaluation(splits=_splits(split))
    for suite in suites:
        missing = suite.missing()
        if missing:
            evaluation.skipped[suite.name] = "missing " + ", ".join(str(_rel(p)) for p in missing)
            print(f"跳过评测套件 {suite.name}：{evaluation.skipped[suite.name]}", file=sys.stderr)
            continue
        started = time.perf_counter()
        own = suite_settings(settings, suite, out)
        index = open_index(own, progress=_progress(f"{suite.name} 向量") if progress else None)
        for qset in suite.sets:
            report = run_set(own, index, _in_split(load_set(qset.path), split), progress, f"{suite.name}/{qset.name}")
            evaluation.runs.append(SetRun(suite.name, qset.name, report))
        evaluation.seconds[suite.name] = round(time.perf_counter() - started, 1)
    if outside and DEBIAN_FAQ.exists():
        evaluation.outside["debian_faq"] = debian_faq_retrieval(settings, progress)
    return evaluation


def run_set(settings: Settings, index, rows: list[dict], progress: bool, label: str = "评测问题") -> Report:
    """Ask every row through the batch path and score it; retrieval by mode on the answerable rows."""
    from tqdm import tqdm

    from .chat import Assistant, answer_record
    from .retrieve import HybridRetriever

    assistant = Assistant(settings, index)
    report = Report()
    gold_sets = []
    for row in tqdm(rows, desc=label, unit="题", disable=not progress, file=sys.stderr):
        result = answer_record(assistant, row)
        quote = squash(row.get("source_quote") or "")
        gold = {p.paragraph_id for p in index.paragraphs if quote and quote in squash(p.text)}
        report.scored.append(score_row(row, result, gold))
        if gold and row.get("kind") != "unanswerable":
            gold_sets.append((result.get("standalone_question") or row["question"], gold))
    report.metrics = summarise(report.scored)
    report.retrieval_modes = retrieval_by_mode(HybridRetriever(index, settings), gold_sets)
    return report


def suite_settings(settings: Settings, suite: Suite, out: Path = OUT) -> Settings:
    """The suite's corpus and index folder; its synthetic pages written and vectors reused first."""
    corpus = suite.corpus
    if suite.synthetic:
        corpus = (*corpus, synthetic_pages(suite.synthetic, suite.synthetic_dir(out), suite.corpus))
    reuse_vectors(suite.index_dir(out), suite.reuse_vectors)
    return settings.with_(corpus_dirs=corpus, index_dir=suite.index_dir(out))


def synthetic_pages(paragraphs: int, folder: Path, exclude: tuple[Path, ...] = ()) -> Path:
    """People's Daily 1998 pages from bench/bench_pipeline.py's `people_daily_pages`, written once,
    less every paragraph that shares a sentence with the `exclude` pages: the evaluation pages come
    from the same month, and their own sentences must not come back as shuffled distractors."""
    sentences = _sentences(exclude)
    digest = hashlib.sha1("\n".join(sorted(sentences)).encode()).hexdigest()[:8]
    folder = folder.with_name(f"{folder.name}-{digest}")
    if not folder.exists():
        spec = importlib.util.spec_from_file_location("bench_pipeline", ROOT / "bench" / "bench_pipeline.py")
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        bench.people_daily_pages(paragraphs, partial)
        for page in partial.glob("*.md"):
            heading, *body = page.read_text(encoding="utf-8").strip().split("\n\n")
            kept = [p for p in body if not sentences & _sentences_of(p)]
            if kept:
                page.write_text("\n\n".join([heading, *kept]) + "\n", encoding="utf-8")
            else:
                page.unlink()
        partial.replace(folder)
    return folder


def _sentences(folders: tuple[Path, ...]) -> set[str]:
    pages = [p for folder in folders for p in sorted(folder.rglob("*")) if p.suffix in (".md", ".txt")]
    return {s for page in pages for s in _sentences_of(page.read_text(encoding="utf-8", errors="replace"))}


def _sentences_of(text: str) -> set[str]:
    """Sentences compared without the corpus's bracket marks and paragraph ids, which the bench
    and the evaluation pages strip differently."""
    text = re.sub(r"\d{8}-\d{2}-\d{3}-\d{3}|[\[\s]", "", text)
    return {s for s in re.findall(r"[^。！？]*[。！？]", text) if len(s) >= 8}


def reuse_vectors(index_dir: Path, sources: tuple[Path, ...]) -> None:
    """Before a first build, copy in the text-keyed vectors other indexes already computed (their
    `cache/vectors-*.npz`), so a merged corpus embeds only what no other suite has."""
    merged: dict[str, dict] = {}
    for source in sources:
        for path in (source / "cache").glob("vectors-*.npz"):
            if (index_dir / "cache" / path.name).exists():
                continue
            try:
                with np.load(path) as data:
                    merged.setdefault(path.name, {}).update(zip(data["keys"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError):
                continue
    for name, cache in merged.items():
        target = index_dir / "cache" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(cache)), vectors=np.stack(list(cache.values())))
        tmp.replace(target)


def _splits(split: str) -> tuple[str, ...]:
    return (*SPLITS, "all") if split == "all" else (split,)


def _in_split(rows: list[dict], split: str) -> list[dict]:
    return [r for r in rows if split == "all" or r.get("split") == split]


def _rel(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def debian_faq_retrieval(settings: Settings, progress: bool) -> dict:
    """Index the FAQ's section bodies; ask each section heading; the section is the gold answer."""
    from .index import open_index
    from .retrieve import HybridRetriever

    folder = OUT / "debian-faq"
    queries = write_faq_corpus(folder / "pages")
    faq_settings = Settings(corpus_dirs=(folder / "pages",), index_dir=folder / "index",
                            embedding=settings.embedding, embedding_threads=settings.embedding_threads)
    started = time.perf_counter()
    index = open_index(faq_settings, progress=_progress("外部语料向量") if progress else None)
    by_file: dict[str, set[str]] = {}
    for p in index.paragraphs:
        by_file.setdefault(p.source_file, set()).add(p.paragraph_id)
    pairs = [(q, by_file[name]) for q, name in queries if name in by_file]
    modes = retrieval_by_mode(HybridRetriever(index, faq_settings), pairs)
    return {"sections": len(pairs), "paragraphs": len(index.paragraphs), "modes": modes,
            "seconds": round(time.perf_counter() - started, 1)}


def _progress(label: str):
    def show(done: int, total: int) -> None:
        print(f"\r{label} {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show
