"""Limits every request must pass before any handler (FastAPI's or Gradio's) reads its body.

A pure ASGI middleware, because a size limit that trusts Content-Length is bypassed by chunked
transfer: here the body is counted as it streams in, and reading stops at the limit. Uploads to the
admin routes are refused on their headers alone, before a byte of the body is read."""

from __future__ import annotations

import hmac
import json
import os

from .ingest import MAX_PAGE_BYTES

MAX_BODY_BYTES = 64 * 1024  # a question is at most 500 characters
MAX_PAGE_REQUEST_BYTES = 256 * 1024  # the chat page's own requests (Gradio queue, predictions)
MAX_UPLOAD_BYTES = MAX_PAGE_BYTES + 64 * 1024  # one page plus the multipart framing
ADMIN_PREFIX = "/api/ingest"


class BodyTooLarge(Exception):
    pass


def body_limit(path: str) -> int:
    if path.startswith(ADMIN_PREFIX):
        return MAX_UPLOAD_BYTES
    return MAX_BODY_BYTES if path.startswith(("/api/", "/v1/")) else MAX_PAGE_REQUEST_BYTES


def admin_refusal(authorization: str | None) -> tuple[int, str] | None:
    """(status, message) when the admin routes must refuse this Authorization header, else None."""
    token = os.environ.get("ASSISTANT_ADMIN_TOKEN", "")
    if not token:
        return 403, "导入功能未启用（服务器未设置 ASSISTANT_ADMIN_TOKEN）"
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not authorization or not hmac.compare_digest(given.encode(), token.encode()):
        return 401, "需要管理员令牌：Authorization: Bearer <令牌>"
    return None


class RequestGuard:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if path.startswith(ADMIN_PREFIX):
            refusal = admin_refusal(headers.get("authorization"))
            if refusal:
                await reply(send, *refusal)
                return
        openai = path.startswith("/v1/")
        limit = body_limit(path)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await reply(send, 413, f"请求太大（上限 {limit} 字节）", openai)
            return
        received, over, started = 0, False, False

        async def counted_receive():
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message) -> None:
            nonlocal started
            if over:  # whatever the handler made of the cut-off body, the answer is 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:  # noqa: BLE001 - a handler may wrap our BodyTooLarge in its own error
            if not over:
                raise
        if over and not started:
            await reply(send, 413, f"请求太大（上限 {limit} 字节）", openai)


async def reply(send, status: int, message: str, openai: bool = False) -> None:
    """A JSON error; OpenAI's shape for the /v1 routes, whose clients parse that one."""
    error = {"message": message, "type": "invalid_request_error", "code": None} if openai else message
    body = json.dumps({"error": error}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
