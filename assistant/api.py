"""HTTP API (FastAPI): ask, read a paragraph, health, and an admin-only page upload.
Every error is a 4xx with a plain Chinese message, never a traceback."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .chat import QuestionError
from .guard import RequestGuard, admin_refusal
from .ingest import IngestError, parse_upload
from .openai_api import create_router, openai_error
from .service import NotReady, Service
from .sources import FIELDS, MetadataError, Scope, meta_from_fields


class AskRequest(BaseModel):
    question: str = Field(..., description="中文问题，最多 500 字")
    conversation_id: str | None = Field(None, max_length=64, description="上一轮返回的对话编号，用于追问")
    newspaper: str | None = Field(None, max_length=40, description="只依据这份报纸的版面回答，如 西藏日报")
    since: str | None = Field(None, max_length=20, description="只依据这一天及以后的版面，如 2026-01-01")
    until: str | None = Field(None, max_length=20, description="只依据这一天及以前的版面，如 2026-01-31")


class CitationOut(BaseModel):
    number: int
    paragraph_id: str
    source_file: str
    article: str
    section: str
    text: str
    highlight: str
    label: str = Field(..., description="给读者看的出处：《报名》日期 第N版 ·《文章标题》；版面信息不明时为文件名")
    newspaper: str
    date: str = Field(..., description="出版日期 YYYY-MM-DD；不明时为空")
    page: str = Field(..., description="版次，如 3 或 A3；不明时为空")
    page_title: str


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


class IngestAccepted(BaseModel):
    job_id: str
    status: str = Field(..., description="queued：已排队；结果见 status_url")
    file: str
    paragraphs: int
    status_url: str


def create_api(service: Service) -> FastAPI:
    app = FastAPI(title="报纸资料问答助手 API", version="1.1",
                  description="中文提问，精确数字，逐段引用。Answers cite the paragraphs they rest on.")
    app.add_middleware(RequestGuard)

    def error(request: Request, code: int, message: str, **extra) -> JSONResponse:
        """Our shape under /api, OpenAI's under /v1 (its clients parse that one)."""
        if request.url.path.startswith("/v1/"):
            kind = "server_error" if code >= 500 else "invalid_request_error"
            return openai_error(code, message, kind)
        return JSONResponse({"error": message, **extra}, status_code=code)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError):
        return error(request, err.status, err.message)

    @app.exception_handler(NotReady)
    async def not_ready(request: Request, err: NotReady):
        response = error(request, 503, str(err), status=service.state)
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, err: RequestValidationError):
        problems = []
        for e in err.errors():
            where = ".".join(str(x) for x in e.get("loc", []) if x != "body") or "请求体"
            problems.append(f"{where}: {e.get('msg', '格式不对')}")
        message = "请求格式不对：" + "；".join(problems) if problems else "请求格式不对，应为 JSON"
        return error(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException):
        message = "请求体无法解析（应为 UTF-8 编码的 JSON）" if err.status_code == 400 else str(err.detail)
        return error(request, err.status_code, message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception):  # never leak a traceback to the public
        return error(request, 500, "服务器内部错误，请稍后再试")

    app.include_router(create_router(service))

    @app.post("/api/ask", response_model=AskResponse, summary="提问（可带对话编号追问）")
    def ask(body: AskRequest) -> AskResponse:
        assistant = service.assistant  # 503 while the index is being built
        try:
            scope = Scope.of(body.newspaper, body.since, body.until)
        except MetadataError as err:
            raise ApiError(422, str(err)) from err
        conversation_id, conversation = service.conversations.get(body.conversation_id)
        try:
            answer = assistant.ask(body.question, conversation, scope=scope)
        except QuestionError as err:
            raise ApiError(400, str(err)) from err
        service.conversations.save(conversation_id, conversation)  # the next turn may reach another worker
        return AskResponse(
            answer=answer.text, refused=answer.refused, conversation_id=conversation_id,
            standalone_question=answer.standalone_question,
            citations=[CitationOut(number=c.number, **c.to_dict()) for c in answer.citations],
        )

    @app.get("/api/paragraphs/{paragraph_id}", response_model=ParagraphOut, summary="按编号读取段落原文")
    def paragraph(paragraph_id: str) -> ParagraphOut:
        p = service.assistant.index.paragraph(paragraph_id)
        if p is None:
            raise ApiError(404, f"没有编号为 {paragraph_id[:80]} 的段落")
        return ParagraphOut(paragraph_id=p.paragraph_id, source_file=p.source_file, article=p.article,
                            section=p.section, kind=p.kind, position=p.position, text=p.text)

    @app.get("/api/health", summary="语料规模、索引指纹与模型；建立索引期间为 503")
    def health() -> JSONResponse:
        info = service.describe()
        return JSONResponse(info, status_code=200 if info["status"] == "ready" else 503)

    @app.post("/api/ingest", status_code=202, response_model=IngestAccepted,
              summary="上传新版面（需管理员令牌）；在后台导入，返回任务编号")
    async def ingest(request: Request) -> IngestAccepted:
        # The guard already refused a missing or wrong token before the body was read.
        refusal = admin_refusal(request.headers.get("authorization"))
        if refusal:
            raise ApiError(*refusal)
        name, data, fields = multipart_form(request.headers.get("content-type", ""), await request.body())
        try:
            given = meta_from_fields(fields, "上传的字段")
        except MetadataError as err:
            raise ApiError(422, str(err)) from err
        try:
            page = await run_in_threadpool(parse_upload, name, data, given)  # parsing 5 MB must not block the loop
            job = service.submit(page)
        except IngestError as err:
            raise ApiError(err.status, f"{name[:60]}：{err}") from err
        return IngestAccepted(job_id=job.job_id, status=job.state, file=job.file, paragraphs=job.total,
                              status_url=f"/api/ingest/{job.job_id}")

    @app.get("/api/ingest/{job_id}", summary="导入任务的进度与结果（需管理员令牌）")
    def ingest_job(job_id: str, request: Request) -> dict:
        refusal = admin_refusal(request.headers.get("authorization"))
        if refusal:
            raise ApiError(*refusal)
        job = service.job(job_id)
        if job is None:
            raise ApiError(404, f"没有编号为 {job_id[:40]} 的导入任务")
        return job.to_dict()

    return app


def multipart_form(content_type: str, body: bytes) -> tuple[str, bytes, dict[str, str]]:
    """The `file` field of a multipart/form-data body and the page's metadata fields beside it
    (newspaper, date, page, page_title), parsed in memory: the guard has already bounded the body,
    and nothing is spooled to a temporary file that a killed upload would leave."""
    from email.parser import BytesParser
    from email.policy import HTTP

    if not content_type.lower().startswith("multipart/form-data"):
        raise ApiError(422, "请用 multipart/form-data 上传版面文件，字段名为 file")
    header = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    found: tuple[str, bytes] | None = None
    fields: dict[str, str] = {}
    if message.is_multipart():
        for part in message.iter_parts():
            field = part.get_param("name", header="content-disposition")
            if field == "file" and found is None:
                name = part.get_filename() or ""
                found = name.encode("utf-8", "replace").decode("utf-8"), part.get_payload(decode=True) or b""
            elif field in FIELDS:
                fields[field] = (part.get_payload(decode=True) or b"")[:200].decode("utf-8", "replace").strip()
    if found is None:
        raise ApiError(422, "请求里没有名为 file 的文件字段")
    return (*found, fields)
