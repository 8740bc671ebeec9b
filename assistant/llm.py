"""Generative answers through llama-index LLMs, with every figure verified before it is shown.

Backends (`Settings.llm`): `openai-like` (any OpenAI-compatible server), `ollama`, `local` (a GGUF
file in-process through llama.cpp bindings). The extractive answerer stays the default and is the
fallback: an answer that cites a source it was not given, or states a number that no cited
paragraph prints, is replaced by the extractive answer and the rejected text is logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .answer import ExtractiveAnswerer, _Sources
from .config import ROOT, Settings
from .question import Question
from .schema import Answer, Hit
from .verify import stated_figures, unsupported_figures

log = logging.getLogger("assistant.llm")
PROMPTS = ROOT / "prompts"
REFUSAL = "资料中没有找到"
REPLACED = "⚠️ 生成的回答未通过数字与出处核对，已改为原文摘录："
_CITE = re.compile(r"\[(\d+)\]")


def make_llm(settings: Settings):
    """The llama-index LLM named by the settings (flags win over ASSISTANT_* variables at the edge)."""
    if settings.llm == "openai-like":
        from llama_index.llms.openai_like import OpenAILike

        if not settings.llm_base_url or not settings.llm_model:
            raise ValueError("openai-like 需要 --llm-base-url 和 --llm-model（或 ASSISTANT_LLM_BASE_URL/ASSISTANT_LLM_MODEL）")
        # is_chat_model and context_window are set explicitly: the defaults are wrong for chat servers
        return OpenAILike(model=settings.llm_model, api_base=settings.llm_base_url,
                          api_key=settings.llm_api_key or "not-needed", is_chat_model=True,
                          context_window=settings.llm_context_window, max_tokens=settings.llm_max_tokens,
                          temperature=0.0, timeout=settings.llm_timeout_s, max_retries=1)
    if settings.llm == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(model=settings.llm_model or "qwen2.5:1.5b", base_url=settings.llm_base_url or
                      "http://127.0.0.1:11434", request_timeout=settings.llm_timeout_s, temperature=0.0,
                      context_window=settings.llm_context_window)
    if settings.llm == "local":
        from .local_llm import LocalGGUF

        path = Path(settings.gguf) if settings.gguf else None
        return LocalGGUF.from_path(path, max_tokens=settings.llm_max_tokens, context_window=settings.llm_context_window)
    raise ValueError(f"未知的生成模型后端：{settings.llm}（可选 extractive、openai-like、ollama、local）")


def prompt(name: str, **values: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8").format(**values)


@dataclass
class Drafted:
    """What the model wrote, and the numbered sources it was given."""

    text: str
    hits: list[Hit]


class GenerativeAnswerer:
    """Same interface as ExtractiveAnswerer; `stream` yields text as the model writes it."""

    name = "llm"

    def __init__(self, llm, fallback: ExtractiveAnswerer, max_sources: int = 4, max_chars: int = 360) -> None:
        self.llm = llm
        self.fallback = fallback
        self.max_sources, self.max_chars = max_sources, max_chars
        self.extractor = fallback.extractor

    def sources_block(self, hits: list[Hit]) -> str:
        """The top paragraphs, numbered, trimmed: a 2-core CPU reads ~50 prompt tokens/s."""
        lines = []
        for n, hit in enumerate(hits[: self.max_sources], start=1):
            p = hit.paragraph
            lines.append(f"[{n}]《{p.article}》{p.text[: self.max_chars]}")
        return "\n".join(lines)

    def answer(self, question: Question, hits: list[Hit], *, asked: str) -> Answer:
        *_, final = self.stream(question, hits, asked=asked)  # the last piece is the Answer
        return final

    def stream(self, question: Question, hits: list[Hit], *, asked: str) -> Iterator[str | Answer]:
        """Yields text chunks as generated, then the verified (or replaced) final Answer."""
        given = hits[: self.max_sources]
        text = prompt("answer", sources=self.sources_block(given), question=question.text)
        written = ""
        for delta in _deltas(self.llm, text):
            written += delta
            yield delta
        yield self.verify(question, Drafted(written.strip(), given), asked)

    def verify(self, question: Question, drafted: Drafted, asked: str) -> Answer:
        """Accept the draft only if every [n] is a given source and every number is in a cited one."""
        text = drafted.text
        numbers = [int(n) for n in _CITE.findall(text)]
        refused = text.startswith(REFUSAL) or (REFUSAL in text and not numbers)
        problems = []
        if any(n < 1 or n > len(drafted.hits) for n in numbers):
            problems.append(f"cites a source that was not given: {sorted(set(numbers))}")
        cited = [drafted.hits[n - 1].paragraph for n in dict.fromkeys(numbers) if 1 <= n <= len(drafted.hits)]
        missing = unsupported_figures(text, [p.text for p in cited])
        if missing:
            problems.append("numbers not in a cited paragraph: " + "、".join(f.text for f in missing))
        if not refused and not numbers:
            problems.append("no citation")
        if not refused and not problems and question.wants_figure:
            problems += self._second_opinion(question, drafted)
        if problems:
            log.warning("rejected generated answer (%s): %s", "; ".join(problems), text)
            replaced = self.fallback.answer(question, drafted.hits, asked=asked)
            replaced.text = f"{REPLACED}\n{replaced.text}"
            replaced.replaced = True
            return replaced
        sources = _Sources()
        renumber = {}
        for n in dict.fromkeys(numbers):
            renumber[n] = sources.cite(drafted.hits[n - 1].paragraph)
        body = _CITE.sub(lambda m: f"[{renumber[int(m.group(1))]}]", text)
        rendered = f"{body}\n\n{sources.render()}" if sources.citations else body
        return Answer(asked, question.text, rendered, refused, sources.citations, [])

    def _second_opinion(self, question: Question, drafted: Drafted) -> list[str]:
        """A figure printed in a cited paragraph can still answer another question (安徽's
        100万元 智力援藏资金 given as its 签约资金). The stated figures must include one that the
        extractive scorer also accepts for this question, or a sum/difference it can work out."""
        from .answer import ACCEPT
        from .arithmetic import compose

        stated = stated_figures(drafted.text)
        if not stated:
            return []
        accepted = [c.figure for c in self.extractor.candidates(question, drafted.hits)
                    if c.figure is not None and c.coverage >= ACCEPT and c.score >= ACCEPT - 0.1]
        composite = compose(question, drafted.hits, self.extractor)
        values = [f.value for f in accepted] + ([composite.value] if composite else [])
        if any(abs(f.value - v) <= 1e-9 * max(abs(v), 1.0) for f in stated for v in values):
            return []
        return ["no stated figure answers this question by the extractive check: "
                + "、".join(f.text for f in stated)]

    def rewrite(self, history: list[str], question: str) -> str:
        """A follow-up rewritten by the model into a standalone question (second template)."""
        text = prompt("rewrite", history="\n".join(f"问：{h}" for h in history), question=question)
        rewritten = "".join(_deltas(self.llm, text)).strip().splitlines()
        return rewritten[0].strip() if rewritten and rewritten[0].strip() else question


def _deltas(llm, text: str) -> Iterator[str]:
    """Token deltas from a llama-index LLM, through chat for chat models."""
    from llama_index.core.llms import ChatMessage

    if getattr(llm.metadata, "is_chat_model", False):
        for chunk in llm.stream_chat([ChatMessage(role="user", content=text)]):
            yield chunk.delta or ""
    else:
        for chunk in llm.stream_complete(text):
            yield chunk.delta or ""
