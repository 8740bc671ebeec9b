"""Evaluation suites (`eval/suites.toml`): which pages each suite's index holds and which
question sets are asked against it."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .config import ROOT

SUITES_FILE = ROOT / "eval" / "suites.toml"
OUT = ROOT / "eval" / "out"


@dataclass(frozen=True)
class QuestionSet:
    name: str
    path: Path


@dataclass(frozen=True)
class Suite:
    name: str
    corpus: tuple[Path, ...]
    sets: tuple[QuestionSet, ...]
    synthetic: int = 0  # paragraphs of People's Daily 1998 added (bench/bench_pipeline.py)
    large: bool = False  # run only with --large (or by name)
    reuse_vectors: tuple[Path, ...] = ()  # index folders whose vector caches seed a first build

    def index_dir(self, out: Path = OUT) -> Path:
        return out / self.name / "index"

    def synthetic_dir(self, out: Path = OUT) -> Path:
        return out / self.name / f"synthetic-{self.synthetic}"

    def missing(self) -> list[Path]:
        """Pages or question files that do not exist (yet): the suite cannot run."""
        return [p for p in (*self.corpus, *(s.path for s in self.sets)) if not p.exists()]


def load_suites(path: Path = SUITES_FILE, root: Path = ROOT) -> dict[str, Suite]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sets = {name: QuestionSet(name, root / file) for name, file in data.get("sets", {}).items()}
    suites = {}
    for name, spec in data.get("suites", {}).items():
        unknown = [s for s in spec.get("sets", []) if s not in sets]
        if unknown or not spec.get("corpus") or not spec.get("sets"):
            raise ValueError(f"{path.name}: suite {name} needs corpus and known sets (unknown: {unknown})")
        suites[name] = Suite(name, tuple(root / p for p in spec["corpus"]), tuple(sets[s] for s in spec["sets"]),
                             int(spec.get("synthetic", 0)), bool(spec.get("large", False)),
                             tuple(root / p for p in spec.get("reuse_vectors", [])))
    return suites


def select(suites: dict[str, Suite], names: list[str] | None = None, large: bool = False) -> list[Suite]:
    """Suites by name, in the file's order; by default every suite not marked large (and those too
    with `large`)."""
    if names:
        unknown = sorted(set(names) - set(suites))
        if unknown:
            raise ValueError(f"unknown suite {', '.join(unknown)} (known: {', '.join(suites)})")
        return [s for name, s in suites.items() if name in names]
    return [s for s in suites.values() if large or not s.large]


def known_splits(suites: dict[str, Suite]) -> dict[tuple[str, str], str]:
    """(id, question) → split over every set the suites ask, for rows of a `--set` file that
    were copied from them without their split."""
    out = {}
    for path in {s.path for suite in suites.values() for s in suite.sets}:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line) if line.strip() else {}
                if row.get("split"):
                    out[(row.get("id"), row.get("question"))] = row["split"]
    return out
