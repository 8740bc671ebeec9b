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
from assistant.llm import KEPT, REPLACED, make_llm
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
    assert KEPT in answer.text and REPLACED not in answer.text  # marked as checked, not as replaced
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
    """No [n]: the figure is cited to the given source that prints it, and the user is told so."""
    answer = generative({"问题：湖南援藏3年签约资金多少": "签约资金达80.7亿元。"}).ask("湖南援藏三年签约资金多少？")
    assert not answer.replaced and answer.text.startswith("签约资金达80.7亿元[1]。")
    assert "漏标了出处编号" in answer.text and "80.7亿元" in answer.citations[0].text
    quoted = generative({"岳阳援藏工作组组长": "组长是彭典。资料中提到“岳阳援藏工作组组长彭典的话语掷地有声”。"})
    named = quoted.ask("岳阳援藏工作组组长是谁？")
    assert not named.replaced and "[1]" in named.text and "彭典" in named.citations[0].text
    nothing = generative({"问题：湖南援藏3年签约资金多少": "签约资金很多。"}).ask("湖南援藏三年签约资金多少？")
    assert nothing.replaced  # no figure, no quote: nothing to cite


def test_a_refusal_that_states_a_figure_is_checked_as_an_answer(generative):
    """“1000罐羊奶粉。资料中没有找到…” asked what the operation cost: the figure is a claim."""
    assistant = generative({"手术一共花了多少钱": "洛桑阿旺的手术一共花了1000罐爱心羊奶粉[1]。资料中没有找到这个问题的答案。"})
    answer = assistant.ask("洛桑阿旺的手术一共花了多少钱？")
    assert answer.replaced and "1000罐" not in answer.body().split("\n", 1)[1]


def test_a_sum_question_needs_the_sum(generative):
    assistant = generative({"一共多少个": "湖北每年提供的公务员和事业单位岗位一共60个[1]。"})
    answer = assistant.ask("湖北每年提供的公务员和事业单位岗位一共多少个？")
    assert answer.replaced and "75个" in answer.text


def test_a_refusal_passes_through(generative):
    answer = generative({}).ask("安徽签约资金多少？")
    assert answer.refused and not answer.replaced and KEPT not in answer.text  # no figure, nothing checked
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


def test_clauses_stream_before_the_verified_answer(generative):
    reply = "根据资料，湖南援藏3年来成效明显，签约资金达80.7亿元[1]。"
    assistant = generative({"问题：湖南援藏3年签约资金多少": reply})
    pieces = list(assistant.ask_stream("湖南援藏三年签约资金多少？"))
    chunks, final = pieces[:-1], pieces[-1]
    assert len(chunks) == 3 and all(isinstance(c, str) for c in chunks)
    assert "".join(chunks) == reply and final.text.startswith(reply)


def test_numbers_the_user_stated_support_nothing_and_count_against_nothing(generative):
    """Asked about “1至3年” (the cited paragraph prints neither 1 nor 3年), a draft that repeats them
    is not rejected for it; a draft that only repeats them has not answered."""
    question = "湖南援藏1至3年签约资金多少？"
    assistant = generative({"问题：湖南援藏1至3年签约资金": "湖南援藏1至3年签约资金达80.7亿元[1]。"})
    answer = assistant.ask(question)
    assert not answer.replaced and "80.7亿元[1]" in answer.text
    only_user = generative({"问题：湖南援藏1至3年签约资金": "湖南援藏签约资金统计了1至3年[1]。"})
    assert only_user.ask(question).replaced  # the user's numbers are not an answer
    earlier = generative({"问题：湖南援藏3年签约资金": "第1年起，湖南援藏3年签约资金达80.7亿元[1]。"})
    conversation = Conversation()
    earlier.ask("从第1年算起。", conversation)
    assert not earlier.ask("湖南援藏三年签约资金多少？", conversation).replaced  # said in an earlier turn


def test_a_right_figure_cited_to_the_wrong_source_is_moved_to_the_source_that_prints_it(generative):
    assistant = generative({"问题：湖南援藏3年签约资金多少": "湖南援藏3年签约资金达80.7亿元[2]。"})
    answer = assistant.ask("湖南援藏三年签约资金多少？")
    assert not answer.replaced and "80.7亿元[1]" in answer.text and "已改为实际刊有该数字" in answer.text
    assert "签约资金达80.7亿元" in answer.citations[0].text and len(answer.citations) == 1


def test_a_right_figure_the_rule_scorer_would_not_pick_is_kept(generative):
    """The draft is judged on the sentence that prints its figure, not on whether the extractive
    reader chose the same one: 25.6亿元 is 湖南's 到位资金, asked as such."""
    assistant = generative({"问题：湖南援藏3年资金到位了多少": "湖南援藏3年到位资金25.6亿元{25.6亿元}。"})
    answer = assistant.ask("湖南援藏三年资金到位了多少？")
    assert not answer.replaced and "25.6亿元" in answer.text


def test_another_places_figure_is_caught(generative):
    """湖南's 签约资金 asked; 安徽's 100万元 is printed in a given source, but about 安徽."""
    assistant = generative({"问题：湖南援藏3年签约资金多少": "湖南援藏3年签约资金100万元{100万元}。"})
    answer = assistant.ask("湖南援藏三年签约资金多少？")
    assert answer.replaced and "答：80.7亿元" in answer.text


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


class LyingOpenAI(FakeOpenAI):
    reply = "根据资料，湖南援藏3年来，签约资金达90.7亿元[1]。"


@pytest.fixture
def lying_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), LyingOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def test_a_lying_server_never_shows_its_figure_in_the_stream(seed_settings, seed_index, lying_server):
    settings = seed_settings.with_(llm="openai-like", llm_base_url=lying_server, llm_model="liar")
    pieces = list(Assistant(settings, seed_index).ask_stream("湖南援藏3年来签约资金是多少？"))
    shown = "".join(p for p in pieces if isinstance(p, str))
    assert "90.7" not in shown and shown == "根据资料，湖南援藏3年来，"
    final = pieces[-1]
    assert final.replaced and "90.7" not in final.text and "答：80.7亿元" in final.text and KEPT not in final.text


def test_the_cli_never_prints_the_lie(seed_settings, seed_index, lying_server, tmp_path):
    import shutil
    import subprocess
    import sys

    from assistant.config import ROOT

    index = tmp_path / "index"
    shutil.copytree(seed_settings.index_dir, index)
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "--corpus", str(ROOT / "seeds"), "--index-dir",
                           str(index), "--llm", "openai-like", "--llm-base-url", lying_server, "--llm-model", "liar",
                           "ask", "湖南援藏3年来签约资金是多少？"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-800:]
    assert "90.7" not in done.stdout and "⚠️" in done.stdout and "答：80.7亿元" in done.stdout


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


@pytest.mark.slow
def test_a_local_model_serves_concurrent_requests_in_turn():
    """Two server threads asking at once each get the answer they would get alone: one llama.cpp
    context cannot decode two prompts interleaved."""
    from assistant.local_llm import MODEL_FILE, LocalGGUF

    if not MODEL_FILE.exists() or importlib.util.find_spec("ik_llama_cpp") is None:
        pytest.skip("local model not installed (make local-llm)")
    model = LocalGGUF.from_path(None, max_tokens=12, context_window=512)
    prompts = ["用一句话说明湖南援藏的签约资金。", "把“一九九七年”写成阿拉伯数字。"]
    alone = [model.complete(p).text for p in prompts]
    together: dict[int, str] = {}
    threads = [threading.Thread(target=lambda i=i: together.__setitem__(i, model.complete(prompts[i]).text))
               for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [together.get(i) for i in range(2)] == alone
