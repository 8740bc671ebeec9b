"""Generative answers: whatever a model writes, no unverified figure or citation reaches the user."""

import importlib.util
import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback

from assistant.chat import Assistant, Conversation
from assistant.llm import REPLACED, make_llm
from assistant.verify import unsupported_figures


class ScriptedLLM(CustomLLM):
    """Answers from a script: the first rule whose key is in the prompt wins."""

    script: dict = {}
    prompts: list = []

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=4096, num_output=256, model_name="scripted")

    def _reply(self, prompt: str) -> str:
        """"{80.7亿元}" in a scripted reply becomes the number of the source that prints it."""
        self.prompts.append(prompt)
        text = next((text for key, text in self.script.items() if key in prompt), "资料中没有找到这个问题的答案。")

        def source_of(m: re.Match) -> str:
            found = re.search(r"\[(\d+)\]《[^\n]*" + re.escape(m.group(1)), prompt)
            return f"[{found.group(1) if found else 9}]"
        return re.sub(r"\{([^}]+)\}", source_of, text)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs) -> CompletionResponse:
        return CompletionResponse(text=self._reply(prompt))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs):
        text, sent = self._reply(prompt), ""
        for i in range(0, len(text), 3):
            sent += text[i: i + 3]
            yield CompletionResponse(text=sent, delta=text[i: i + 3])


@pytest.fixture
def generative(seed_settings, seed_index):
    def make(script: dict) -> Assistant:
        llm = ScriptedLLM(script=script, prompts=[])
        return Assistant(seed_settings.with_(llm="openai-like"), seed_index, llm=llm)
    return make


def test_a_verified_answer_is_shown_with_its_citations(generative):
    assistant = generative({"问题：湖南援藏3年签约资金多少": "湖南援藏3年签约资金达80.7亿元[1]。"})
    answer = assistant.ask("湖南援藏三年签约资金多少？")
    assert not answer.replaced and not answer.refused
    assert answer.text.startswith("湖南援藏3年签约资金达80.7亿元[1]。")
    assert "签约资金达80.7亿元" in answer.citations[0].text
    prompt = assistant.answerer.llm.prompts[-1]
    assert "[1]《" in prompt and "80.7亿元" in prompt and "资料中没有找到" in prompt  # template from prompts/


def test_a_wrong_figure_is_caught_and_replaced(generative, caplog):
    assistant = generative({"问题：湖南援藏3年签约资金多少": "湖南援藏3年签约资金约81亿元[1]。"})
    with caplog.at_level(logging.WARNING, logger="assistant.llm"):
        answer = assistant.ask("湖南援藏三年签约资金多少？")
    assert answer.replaced and answer.text.startswith(REPLACED)
    assert "答：80.7亿元" in answer.text and "81亿元" not in answer.text
    assert "81亿元" in caplog.text  # the rejected text is logged


def test_a_citation_to_a_source_not_given_is_caught(generative):
    answer = generative({"问题：湖南援藏3年签约资金多少": "签约资金达80.7亿元[9]。"}).ask("湖南援藏三年签约资金多少？")
    assert answer.replaced and "答：80.7亿元" in answer.text


def test_an_uncited_answer_is_not_shown_as_fine(generative):
    answer = generative({"问题：湖南援藏3年签约资金多少": "签约资金达80.7亿元。"}).ask("湖南援藏三年签约资金多少？")
    assert answer.replaced


def test_a_refusal_passes_through(generative):
    answer = generative({}).ask("安徽签约资金多少？")
    assert answer.refused and not answer.replaced
    assert answer.text.startswith("资料中没有找到")


def test_followups_are_rewritten_by_the_model(generative):
    assistant = generative({
        "独立的问题": "湖南援藏3年到位资金是多少？",
        "问题：湖南援藏3年到位资金是多少": "到位资金25.6亿元{25.6亿元}。",
        "问题：湖南援藏3年签约资金多少": "签约资金达80.7亿元[1]。",
    })
    conversation = Conversation()
    assistant.ask("湖南援藏三年签约资金多少？", conversation)
    answer = assistant.ask("它的到位资金又是多少？", conversation)
    assert answer.standalone_question == "湖南援藏3年到位资金是多少？"
    assert answer.text.startswith("到位资金25.6亿元[1]") and not answer.replaced
    assert "到位资金25.6亿元" in answer.citations[0].text


def test_tokens_stream_before_the_verified_answer(generative):
    assistant = generative({"问题：湖南援藏3年签约资金多少": "湖南援藏3年签约资金达80.7亿元[1]。"})
    pieces = list(assistant.ask_stream("湖南援藏三年签约资金多少？"))
    chunks, final = pieces[:-1], pieces[-1]
    assert len(chunks) > 3 and all(isinstance(c, str) for c in chunks)
    assert "".join(chunks) == "湖南援藏3年签约资金达80.7亿元[1]。"
    assert final.text.startswith("".join(chunks))


class FakeOpenAI(BaseHTTPRequestHandler):
    """The part of the OpenAI chat-completions protocol that OpenAILike uses, streamed as SSE."""

    reply = "湖南援藏3年签约资金达80.7亿元[1]。"
    seen: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.seen.append((self.path, self.headers.get("Authorization"), body))
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i in range(0, len(self.reply), 4):
                chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "delta": {"role": "assistant", "content": self.reply[i:i + 4]},
                                      "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            return
        payload = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": self.reply},
                                "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_openai_like_backend_over_loopback(seed_settings, seed_index, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("ASSISTANT_LLM_API_KEY", "secret-key")
        from assistant.config import Settings
        settings = seed_settings.with_(llm="openai-like", llm_base_url=f"http://127.0.0.1:{server.server_port}/v1",
                                       llm_model="qwen-test", **{"llm_api_key": Settings.llm_from_environment()["llm_api_key"]})
        llm = make_llm(settings)
        assert llm.metadata.is_chat_model and llm.metadata.context_window == settings.llm_context_window
        answer = Assistant(settings, seed_index).ask("湖南援藏三年签约资金多少？")
        assert answer.text.startswith("湖南援藏3年签约资金达80.7亿元[1]") and not answer.replaced
        path, auth, body = FakeOpenAI.seen[-1]
        assert path == "/v1/chat/completions" and auth == "Bearer secret-key" and body["model"] == "qwen-test"
        FakeOpenAI.reply = "签约资金达80亿元[1]。"
        assert Assistant(settings, seed_index).ask("湖南援藏三年签约资金多少？").replaced
    finally:
        server.shutdown()


def test_flags_win_over_environment(monkeypatch):
    from assistant.cli import build_parser, settings_from

    monkeypatch.setenv("ASSISTANT_LLM", "ollama")
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "from-env")
    args = build_parser().parse_args(["--llm", "openai-like", "--llm-model", "from-flag", "ask", "问"])
    settings = settings_from(args)
    assert (settings.llm, settings.llm_model) == ("openai-like", "from-flag")
    assert settings_from(build_parser().parse_args(["ask", "问"])).llm == "ollama"


def test_local_backend_explains_what_is_missing(tmp_path):
    from assistant.config import Settings

    with pytest.raises((FileNotFoundError, ImportError), match="模型文件|llama.cpp"):
        make_llm(Settings(llm="local", gguf=str(tmp_path / "missing.gguf")))


@pytest.mark.slow
def test_local_model_smoke(seed_settings, seed_index):
    """Runs only where `make local-llm` has put the model and its runtime on this machine."""
    from assistant.local_llm import MODEL_FILE

    if not MODEL_FILE.exists() or importlib.util.find_spec("ik_llama_cpp") is None:
        pytest.skip("local model not installed (make local-llm)")
    assistant = Assistant(seed_settings.with_(llm="local", llm_max_tokens=80), seed_index)
    answer = assistant.ask("湖南援藏三年签约资金多少？")
    assert "80.7亿元" in answer.text  # verified generation, or the extractive answer in its place
    assert unsupported_figures(answer.body(), [c.text for c in answer.citations]) == []


def test_a_cited_figure_that_answers_another_question_is_caught(generative):
    """安徽 prints 100万元 of 智力援藏资金; given as its 签约资金 it is in the cited paragraph but wrong."""
    assistant = generative({"问题：安徽援藏3年签约资金多少": "安徽援藏3年签约资金100万元{100万元}。"})
    answer = assistant.ask("安徽援藏三年签约资金多少？")
    assert answer.replaced and answer.refused
    assert "100万元。" not in answer.body().splitlines()[1]
