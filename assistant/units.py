"""Sentences and clauses of every paragraph, with their e5 vectors computed at index time, so that
the reader's semantic evidence costs a question dot products, not model calls.

One segmentation for index and reader: sentence j of a paragraph is `split(paragraph)[j]`, and
clause k of that sentence is `clauses(sentence)[k]`. Vectors are kept as float16 (half the memory;
cosines change in the fourth decimal), one `.npy` file each, memory-mapped when loaded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .schema import Paragraph
from .text import clauses, normalise, sentences


def split(paragraph: Paragraph) -> list[str]:
    """The paragraph's sentences, normalised for matching."""
    return [normalise(s) for s in sentences(paragraph.text)]


def unit_texts(paragraphs: list[Paragraph]) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Sentence texts, clause texts, and the offsets that index them: the sentences of paragraph i
    are rows sentence_start[i]:sentence_start[i+1]; the clauses of sentence row r are rows
    clause_start[r]:clause_start[r+1]."""
    sentence_texts: list[str] = []
    clause_texts: list[str] = []
    sentence_start = [0]
    clause_start = [0]
    for paragraph in paragraphs:
        for sentence in split(paragraph):
            sentence_texts.append(sentence)
            clause_texts += [sentence[a:b] for a, b in clauses(sentence)]
            clause_start.append(len(clause_texts))
        sentence_start.append(len(sentence_texts))
    return sentence_texts, clause_texts, np.asarray(sentence_start), np.asarray(clause_start)


@dataclass
class Units:
    sentence_vectors: np.ndarray  # float16 [sentences, dim], normalised
    clause_vectors: np.ndarray  # float16 [clauses, dim]
    sentence_start: np.ndarray  # per paragraph (+1)
    clause_start: np.ndarray  # per sentence row (+1)

    def sentence(self, paragraph_index: int, j: int) -> np.ndarray | None:
        row = int(self.sentence_start[paragraph_index]) + j
        if row >= int(self.sentence_start[paragraph_index + 1]):
            return None
        return self.sentence_vectors[row]

    def clause(self, paragraph_index: int, j: int, k: int) -> np.ndarray | None:
        row = int(self.sentence_start[paragraph_index]) + j
        if row >= int(self.sentence_start[paragraph_index + 1]):
            return None
        clause_row = int(self.clause_start[row]) + k
        if clause_row >= int(self.clause_start[row + 1]):
            return None
        return self.clause_vectors[clause_row]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, folder: Path) -> Units | None:
        """Memory-mapped: an archive's millions of clause vectors stay on disk, and only the rows a
        question reads come into memory (and are shared by every worker process)."""
        if not all((folder / f"{name}.npy").exists() for name in _ARRAYS):
            return None
        return cls(*(np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS))


_ARRAYS = ("sentence_vectors", "clause_vectors", "sentence_start", "clause_start")
