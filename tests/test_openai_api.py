"""The OpenAI-compatible endpoint, driven by the official `openai` client and llama-index's
`OpenAILike`, against a real server on loopback."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import openai
import pytest

from .servers import request, running_server
from .test_llm import LyingOpenAI

KEY = "client-key-1"


@pytest.fixture(scope="module")
def server(seed_settings, seed_index, tmp_path_factory):
    with running_server(seed_settings.index_dir, tmp_path_factory.mktemp("v1"),
                        env={"ASSISTANT_API_KEYS": f"other-key, {KEY}"}) as base:
        yield base


@pytest.fixture(scope="module")
def client(server) -> openai.OpenAI:
    return openai.OpenAI(base_url=server + "/v1", api_key=KEY, max_retries=0)


def test_models_are_listed(client):
    assert [m.id for m in client.models.list()] == ["newspaper-assistant"]


def test_a_cited_answer_comes_back(client):
    reply = client.chat.completions.create(model="newspaper-assistant",
                                           messages=[{"role": "user", "content": "湖南援藏三年签约资金多少？"}])
    text = reply.choices[0].message.content
    assert text.startswith("答：80.7亿元") and "来源：" in text
    citations = reply.model_extra["citations"]
    assert citations[0]["paragraph_id"].startswith("001_0d3c75e96ce2502d-p") and "80.7亿元" in citations[0]["text"]


def test_a_streamed_answer_is_the_same_and_carries_its_citations(client):
    stream = client.chat.completions.create(model="newspaper-assistant", stream=True,
                                            messages=[{"role": "user", "content": "湖南援藏三年签约资金多少？"}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text.startswith("答：80.7亿元")
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].model_extra["citations"]


def test_a_followup_in_the_message_list_resolves(client):
    messages = [{"role": "system", "content": "你是助手"},
                {"role": "user", "content": "巴宜区2025年旅游收入多少？"},
                {"role": "assistant", "content": "答：51.32亿余元。"},
                {"role": "user", "content": "同比增长了多少？"}]
    reply = client.chat.completions.create(model="newspaper-assistant", messages=messages)
    assert reply.choices[0].message.content.startswith("答：26.43%")
    assert reply.model_extra["standalone_question"].startswith("巴宜区2025年旅游收入")


def test_llama_index_openai_like_talks_to_it(server):
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(model="newspaper-assistant", api_base=server + "/v1", api_key=KEY, is_chat_model=True,
                     context_window=4096, max_retries=0)
    reply = llm.chat([ChatMessage(role="user", content="湖北每年提供多少个公务员岗位？")])
    assert reply.message.content.startswith("答：15个")
    streamed = "".join(c.delta or "" for c in llm.stream_chat([ChatMessage(role="user", content="湖北每年提供多少个公务员岗位？")]))
    assert streamed.startswith("答：15个")


def test_errors_are_openai_shaped(server, client):
    with pytest.raises(openai.AuthenticationError) as caught:
        openai.OpenAI(base_url=server + "/v1", api_key="wrong", max_retries=0).models.list()
    assert caught.value.status_code == 401 and caught.value.body["type"] == "authentication_error"
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(model="newspaper-assistant", messages=[{"role": "user", "content": "  "}])
    assert "空" in bad.value.body["message"]
    status, body = request(server, "POST", "/v1/chat/completions", {"messages": "nope"},
                           headers={"Authorization": f"Bearer {KEY}"})
    assert status == 422 and set(body["error"]) == {"message", "type", "code"}
    status, body = request(server, "POST", "/v1/chat/completions", raw=b"x" * 70_000,
                           headers={"Authorization": f"Bearer {KEY}"})
    assert status == 413 and "message" in body["error"]


def test_a_lying_model_behind_the_endpoint_never_shows_its_figure(seed_settings, seed_index, tmp_path):
    liar = ThreadingHTTPServer(("127.0.0.1", 0), LyingOpenAI)
    threading.Thread(target=liar.serve_forever, daemon=True).start()
    try:
        env = {"ASSISTANT_LLM": "openai-like", "ASSISTANT_LLM_BASE_URL": f"http://127.0.0.1:{liar.server_port}/v1",
               "ASSISTANT_LLM_MODEL": "liar", "ASSISTANT_API_KEYS": ""}
        with running_server(seed_settings.index_dir, tmp_path, env=env) as base:
            client = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)
            question = [{"role": "user", "content": "湖南援藏3年来签约资金是多少？"}]
            chunks = list(client.chat.completions.create(model="x", messages=question, stream=True))
            streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
            whole = client.chat.completions.create(model="x", messages=question).choices[0].message.content
    finally:
        liar.shutdown()
    for text in (streamed, whole):
        assert "90.7" not in text and "⚠️" in text and "答：80.7亿元" in text
