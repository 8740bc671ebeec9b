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
from .verify import FigureCheck, StreamGate

log = logging.getLogger("assistant.llm")
PROMPTS = ROOT / "prompts"
REFUSAL = "资料中没有找到"
REPLACED = "⚠️ 生成的回答未通过数字与出处核对，已改为原文摘录："
MOVED = "（注：模型标错或漏标了出处编号，已改为实际刊有该数字或引文的段落。）"
KEPT = "✅ 生成的回答中的数字已逐一与所引原文核对。"  # the mark of a kept draft, as REPLACED is of a replaced one
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

    def answer(self, question: Question, hits: list[Hit], *, asked: str, user_text: str = "") -> Answer:
        *_, final = self.stream(question, hits, asked=asked, user_text=user_text)  # the last piece is the Answer
        return final

    def stream(self, question: Question, hits: list[Hit], *, asked: str, user_text: str = "") -> Iterator[str | Answer]:
        """Yields the draft clause by clause as the model writes it, but a clause that states a
        figure only once that figure has passed the same check the whole draft gets: no unverified
        figure is ever shown, even briefly. Then the verified (or replaced) final Answer."""
        given = hits[: self.max_sources]
        check = FigureCheck(self, question, given, user_text)
        text = prompt("answer", sources=self.sources_block(given), question=question.text)
        written, gate = "", StreamGate(check)
        for delta in _deltas(self.llm, text):
            written += delta
            yield from gate.release(written)
        yield self.verify(question, Drafted(written.strip(), given), asked, check)

    def verify(self, question: Question, drafted: Drafted, asked: str, check: FigureCheck | None = None) -> Answer:
        """Show the draft only if every [n] is a given source, every figure it states is printed in a
        given source (the citation is moved to the source that prints it when the model numbered it
        wrong), and, for a figure question, a stated figure stands in a sentence that agrees with
        the question. Numbers the user stated (2018年, 1～6月) support nothing and count against nothing."""
        check = check or FigureCheck(self, question, drafted.hits, "")
        text = drafted.text
        stated = check.stated(text)
        # "资料中没有找到" after a figure is no refusal: the figure is a claim and is checked as one
        refused = REFUSAL in text and not stated
        problems, moved = [], False
        given = [int(n) for n in _CITE.findall(text)]
        if any(n < 1 or n > len(drafted.hits) for n in given):
            problems.append(f"cites a source that was not given: {sorted(set(given))}")
        unprinted = [f for f in stated if not check.printing(f)]
        if unprinted:
            problems.append("numbers in no given source: " + "、".join(f.text for f in unprinted))
        if not problems:
            text, moved = check.reattach(text)  # cite the sources that print the figures (or the quote)
        numbers = [int(n) for n in _CITE.findall(text)]
        if not refused and not numbers and not problems:
            problems.append("no citation")
        if not refused and not problems and question.wants_figure:
            problems += self._answers_the_question(question, drafted, check, stated)
        if problems:
            log.warning("rejected generated answer (%s): %s", "; ".join(problems), drafted.text)
            replaced = self.fallback.answer(question, drafted.hits, asked=asked)
            replaced.text = f"{REPLACED}\n{replaced.text}"
            replaced.replaced = True
            replaced.draft = drafted.text
            return replaced
        sources = _Sources()
        renumber = {n: sources.cite(drafted.hits[n - 1].paragraph) for n in dict.fromkeys(numbers)}
        body = _CITE.sub(lambda m: f"[{renumber[int(m.group(1))]}]", text)
        if moved:
            body += f"\n{MOVED}"
        if stated:
            body += f"\n{KEPT}"
        rendered = f"{body}\n\n{sources.render()}" if sources.citations else body
        return Answer(asked, question.text, rendered, refused, sources.citations, [], draft=drafted.text)

    def _answers_the_question(self, question: Question, drafted: Drafted, check: FigureCheck,
                              stated: list) -> list[str]:
        """A figure question needs a stated figure of the draft's own that answers it: for a sum or
        difference, the one the arithmetic gives; otherwise one whose printed sentence agrees with
        the question (subject, time, type, unit, and the question's words around it)."""
        from .arithmetic import compose

        if not stated:
            return ["states no figure of its own"]
        composite = compose(question, drafted.hits, self.extractor)
        if composite is not None:
            if any(abs(f.value - composite.value) <= 1e-9 * max(abs(composite.value), 1.0) for f in stated):
                return []
            return [f"asked for {composite.op} of two figures ({composite.text}); the draft states "
                    + "、".join(f.text for f in stated)]
        if any(check.fits(f) for f in stated):
            return []
        return ["no stated figure stands in a sentence that answers this question: " + "、".join(f.text for f in stated)]

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
