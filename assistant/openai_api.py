"""An OpenAI-compatible endpoint, so chat clients people already use (Open WebUI, LobeChat, the
`openai` SDK, llama-index's `OpenAILike`) can talk to the assistant.

`POST /v1/chat/completions`: the last user message is the question; the earlier user messages are
the conversation (replayed, so follow-ups resolve as on the page). The reply is the same verified,
cited answer text, and the citations come back as data in an extra `citations` field (on the final
chunk when streaming). Errors are OpenAI-shaped: `{"error": {"message", "type", "code"}}`."""

from __future__ import annotations

import hmac
import json
import os
import secrets
import time
from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from .chat import Conversation, QuestionError
from .schema import Answer
from .service import NotReady, Service

MODEL_ID = "newspaper-assistant"
MAX_MESSAGES = 40


class Message(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list | None = None


class ChatRequest(BaseModel):
    model: str = MODEL_ID
    messages: list[Message] = Field(..., min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False


def openai_error(status: int, message: str, kind: str = "invalid_request_error", code: str | None = None):
    return JSONResponse({"error": {"message": message, "type": kind, "code": code}}, status_code=status)


def key_refusal(authorization: str | None) -> JSONResponse | None:
    """With ASSISTANT_API_KEYS set (comma-separated), a Bearer key from it is required."""
    keys = [k.strip() for k in os.environ.get("ASSISTANT_API_KEYS", "").split(",") if k.strip()]
    if not keys:
        return None
    given = (authorization or "").removeprefix("Bearer ").strip().encode()
    if any(hmac.compare_digest(given, k.encode()) for k in keys):
        return None
    return openai_error(401, "需要有效的 API 密钥：Authorization: Bearer <key>", "authentication_error", "invalid_api_key")


def _text(content) -> str:
    """Message content as text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text")
    return ""


def citations_data(answer: Answer) -> list[dict]:
    return [{"number": c.number, **c.to_dict()} for c in answer.citations]


def create_router(service: Service) -> APIRouter:
    router = APIRouter()

    @router.get("/v1/models", summary="OpenAI 兼容：可用模型")
    def models(request: Request):
        refusal = key_refusal(request.headers.get("authorization"))
        if refusal:
            return refusal
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0,
                                            "owned_by": "newspaper-assistant"}]}

    @router.post("/v1/chat/completions", summary="OpenAI 兼容：对话补全（可流式）")
    async def chat_completions(body: ChatRequest, request: Request):
        refusal = key_refusal(request.headers.get("authorization"))
        if refusal:
            return refusal
        users = [_text(m.content) for m in body.messages if m.role == "user"]
        if not users or not users[-1].strip():
            return openai_error(400, "最后一条用户消息是空的：请给出问题", code="empty_question")
        try:
            assistant = service.assistant
        except NotReady as err:
            return openai_error(503, str(err), "server_error", "index_building")
        conversation = Conversation()
        try:  # earlier user messages are the conversation: replayed so that follow-ups resolve
            for earlier in users[:-1][-Conversation.MAX_TURNS:]:
                await run_in_threadpool(assistant.ask, earlier, conversation)
        except QuestionError:
            conversation = Conversation()  # a bad earlier turn only loses the context
        completion_id = "chatcmpl-" + secrets.token_hex(12)
        if body.stream:
            try:
                pieces = assistant.ask_stream(users[-1], conversation)
                first = await run_in_threadpool(next, pieces)
            except QuestionError as err:
                return openai_error(400, str(err), code="bad_question")
            stream = _sse(completion_id, body.model, first, pieces)
            return StreamingResponse(iterate_in_threadpool(stream), media_type="text/event-stream")
        try:
            answer = await run_in_threadpool(assistant.ask, users[-1], conversation)
        except QuestionError as err:
            return openai_error(400, str(err), code="bad_question")
        return {
            "id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": body.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": citations_data(answer), "refused": answer.refused,
            "standalone_question": answer.standalone_question,
        }

    return router


def _sse(completion_id: str, model: str, first, pieces: Iterator) -> Iterator[str]:
    """Chunks as the answer is written (for a generative backend, only clauses whose figures have
    been checked); the verified final text completes it, and the last chunk carries the citations."""
    created = int(time.time())

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    streamed = ""
    piece = first
    while True:
        if isinstance(piece, str):
            streamed += piece
            yield chunk({"content": piece})
        else:
            rest = piece.text[len(streamed):] if piece.text.startswith(streamed) else "\n\n" + piece.text
            if rest:
                yield chunk({"content": rest})
            yield chunk({}, "stop", citations=citations_data(piece), refused=piece.refused)
            break
        piece = next(pieces)
    yield "data: [DONE]\n\n"
