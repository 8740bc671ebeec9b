"""HTTP API (FastAPI): ask, read a paragraph, health, and an admin-only page upload.
Every error is a 4xx with a plain Chinese message, never a traceback."""

from __future__ import annotations

import hmac
import os

from fastapi import FastAPI, File, Header, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .chat import QuestionError
from .service import Service

MAX_BODY_BYTES = 64 * 1024  # a question is at most 500 characters
MAX_UPLOAD_BYTES = 5_000_000


class AskRequest(BaseModel):
    question: str = Field(..., description="中文问题，最多 500 字")
    conversation_id: str | None = Field(None, max_length=64, description="上一轮返回的对话编号，用于追问")


class CitationOut(BaseModel):
    number: int
    paragraph_id: str
    source_file: str
    article: str
    section: str
    text: str
    highlight: str


class AskResponse(BaseModel):
    answer: str
    refused: bool
    citations: list[CitationOut]
    conversation_id: str
    standalone_question: str


class ParagraphOut(BaseModel):
    paragraph_id: str
    source_file: str
    article: str
    section: str
    kind: str
    position: int
    text: str


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def create_api(service: Service) -> FastAPI:
    app = FastAPI(title="报纸资料问答助手 API", version="1.0",
                  description="中文提问，精确数字，逐段引用。Answers cite the paragraphs they rest on.")

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        limit = MAX_UPLOAD_BYTES + 4096 if request.url.path == "/api/ingest" else MAX_BODY_BYTES
        length = request.headers.get("content-length")
        if request.url.path.startswith("/api/") and length and length.isdigit() and int(length) > limit:
            return JSONResponse({"error": f"请求太大（上限 {limit} 字节）"}, status_code=413)
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, err: ApiError):
        return JSONResponse({"error": err.message}, status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, err: RequestValidationError):
        problems = []
        for e in err.errors():
            where = ".".join(str(x) for x in e.get("loc", []) if x != "body") or "请求体"
            problems.append(f"{where}: {e.get('msg', '格式不对')}")
        message = "请求格式不对：" + "；".join(problems) if problems else "请求格式不对，应为 JSON"
        return JSONResponse({"error": message}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException):
        return JSONResponse({"error": str(err.detail)}, status_code=err.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, err: Exception):  # never leak a traceback to the public
        return JSONResponse({"error": "服务器内部错误，请稍后再试"}, status_code=500)

    @app.post("/api/ask", response_model=AskResponse, summary="提问（可带对话编号追问）")
    def ask(body: AskRequest) -> AskResponse:
        conversation_id, conversation = service.conversations.get(body.conversation_id)
        try:
            answer = service.ask(body.question, conversation)
        except QuestionError as err:
            raise ApiError(400, str(err)) from err
        return AskResponse(
            answer=answer.text, refused=answer.refused, conversation_id=conversation_id,
            standalone_question=answer.standalone_question,
            citations=[CitationOut(number=c.number, paragraph_id=c.paragraph_id, source_file=c.source_file,
                                   article=c.article, section=c.section, text=c.text, highlight=c.highlight)
                       for c in answer.citations],
        )

    @app.get("/api/paragraphs/{paragraph_id}", response_model=ParagraphOut, summary="按编号读取段落原文")
    def paragraph(paragraph_id: str) -> ParagraphOut:
        p = service.assistant.index.paragraph(paragraph_id)
        if p is None:
            raise ApiError(404, f"没有编号为 {paragraph_id[:80]} 的段落")
        return ParagraphOut(paragraph_id=p.paragraph_id, source_file=p.source_file, article=p.article,
                            section=p.section, kind=p.kind, position=p.position, text=p.text)

    @app.get("/api/health", summary="语料规模、索引指纹与模型")
    def health() -> dict:
        return {"status": "ok", **service.describe()}

    @app.post("/api/ingest", summary="上传新版面（需管理员令牌）")
    async def ingest(file: UploadFile = File(...), authorization: str | None = Header(None)) -> dict:
        token = os.environ.get("ASSISTANT_ADMIN_TOKEN", "")
        if not token:
            raise ApiError(403, "导入功能未启用（服务器未设置 ASSISTANT_ADMIN_TOKEN）")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not authorization or not hmac.compare_digest(given.encode(), token.encode()):
            raise ApiError(401, "需要管理员令牌：Authorization: Bearer <令牌>")
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise ApiError(413, f"文件太大（上限 {MAX_UPLOAD_BYTES} 字节）")
        result = service.ingest(file.filename or "page.md", data)
        if result.status == "error":
            raise ApiError(400, result.message)
        return {"status": result.status, "message": result.message, "file": result.path,
                "paragraphs": result.paragraphs, "corpus": service.describe()["paragraphs"]}

    return app
