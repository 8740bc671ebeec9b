"""The public chat page (Gradio, mounted on the FastAPI app): streamed answers, numbered
citations, the cited paragraphs in full beside the chat with the answering figure highlighted.
Every browser session has its own conversation; all user and corpus text is escaped.

The conversation itself lives in the service's store; the page holds only its id, in a hidden
field that the browser sends with every question (not in gr.State, which Gradio keeps in the
serving process's memory), so a follow-up still resolves after a restart. With `serve --workers N`
the page's events are unqueued: Gradio's queue posts a question on one connection and streams the
answer on another, and the two may reach different processes (README, "Several workers and
replicas")."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator

from fastapi import FastAPI

from .chat import QuestionError
from .service import NotReady, Service

EXAMPLES = [
    "湖南援藏三年签约资金多少？",
    "那安徽呢？",
    "湖北每年提供多少个公务员岗位？",
    "巴宜区2025年旅游收入多少？",
    "西藏籍群众在区外就业多少人？",
    "岳阳援藏工作组组长是谁？",
]
_CSS = """
.sources { font-size: 0.92em; line-height: 1.6; }
.sources .source { border-left: 3px solid #3b7dd8; padding: 4px 10px; margin: 0 0 12px 0; }
.sources .where { color: #333; font-size: 0.92em; font-weight: 600; }
.sources .pid { color: #888; font-size: 0.75em; }
.sources mark { background: #ffe27a; padding: 0 2px; }
.sources .refused { color: #a33; }
"""
_SYSTEM_FONTS = ["system-ui", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"]


def sources_html(answer) -> str:
    """The cited paragraphs, escaped, with the answering figure marked."""
    if answer is None:
        return "<div class='sources'><p>提问后，这里显示答案所引用的原文段落。</p></div>"
    parts = ["<div class='sources'>"]
    if answer.refused:
        parts.append("<p class='refused'>资料中没有找到答案；以下仅为相关内容，未用作答案。</p>")
    if not answer.citations:
        parts.append("<p>没有可引用的段落。</p>")
    for c in answer.citations:
        text = html.escape(c.text)
        if c.highlight:
            mark = html.escape(c.highlight)
            text = text.replace(mark, f"<mark>{mark}</mark>", 1)
        label = c.label or f"《{c.article}》"
        where = html.escape(label + (f" · {c.section}" if c.section else ""))
        # the file and paragraph id stay at hand (tooltip, small print) for whoever checks the source
        detail = html.escape(f"{c.source_file} ｜ {c.paragraph_id}" + (f" ｜ 版名：{c.page.page_title}"
                                                                     if c.page and c.page.page_title else ""))
        parts.append(f"<div class='source' id='source-{c.number}'><b>[{c.number}]</b> "
                     f"<span class='where' title='{detail}'>{where}</span> <span class='pid'>{html.escape(c.paragraph_id)}</span>"
                     f"<br>{text}</div>")
    parts.append("</div>")
    return "".join(parts)


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-!|~"})


def _escape(text: str) -> str:
    """Inert text for the chat: HTML escaped, Markdown syntax (links, images) escaped too."""
    return html.escape(text.translate(_MARKDOWN), quote=False).replace("\n", "<br>")


def page_title(service: Service) -> str:
    info = service.describe()
    if info["status"] != "ready":
        return "# 报纸资料问答助手\n正在建立索引，稍后即可提问。" if info["status"] == "building" else \
            "# 报纸资料问答助手\n索引建立失败，请联系管理员。"
    dates = "、".join(info["dates"]) or "见各篇"
    return (f"# 报纸资料问答助手\n"
            f"就本资料库中的报纸版面提问：{len(info['files'])} 个版面，{info['articles']} 篇文章，"
            f"{info['paragraphs']} 个段落（报道日期：{dates}）。回答只依据原文，数字逐字引用并注明出处；"
            f"原文没有的，会直说“资料中没有找到”。")


def build_page(service: Service):
    import gradio as gr

    theme = gr.themes.Default(font=_SYSTEM_FONTS, font_mono=["ui-monospace", "monospace"])
    queued = service.settings.workers <= 1  # see the module docstring

    def respond(message: str, history: list, conversation: str | None) -> Iterator:
        message = (message or "").encode("utf-8", "replace").decode("utf-8")  # lone surrogates break JSON
        history = list(history or [])
        history.append({"role": "user", "content": _escape(message or "")})
        history.append({"role": "assistant", "content": ""})
        streamed, answer = "", None
        try:
            assistant = service.assistant
            conversation, turns = service.conversations.get(conversation)
            for piece in assistant.ask_stream(message or "", turns):
                if isinstance(piece, str):
                    streamed += piece
                    if assistant.answerer is not assistant.extractive:
                        history[-1]["content"] = _escape(streamed)  # model tokens as they arrive
                        yield history, conversation, sources_html(None), ""
                else:
                    answer = piece
        except (QuestionError, NotReady) as err:
            history[-1]["content"] = _escape(f"⚠️ {err}")
            yield history, conversation, sources_html(None), message
            return
        service.conversations.save(conversation, turns)
        shown = ""
        if answer.standalone_question != answer.question:
            shown = f"（理解为：{answer.standalone_question}）\n"
        body = answer.text
        already_shown = assistant.answerer is not assistant.extractive and not answer.replaced
        step = len(body) if already_shown or not queued else 6
        for end in range(step, len(body) + step, step):  # write the answer out as it streams
            history[-1]["content"] = _escape(shown + body[:end])
            yield history, conversation, sources_html(answer if end >= len(body) else None), ""
            time.sleep(0.01)

    def respond_whole(message: str, history: list, conversation: str | None) -> tuple:
        *_, last = respond(message, history, conversation)
        return last

    def restart():
        return [], "", sources_html(None), ""

    with gr.Blocks(title="报纸资料问答助手", analytics_enabled=False) as page:
        heading = gr.Markdown(page_title(service), sanitize_html=True)
        conversation = gr.Textbox(visible="hidden", elem_id="conversation-id")  # its id only
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="对话", height=520, elem_id="chat", sanitize_html=True, allow_tags=False)
                question = gr.Textbox(label="问题", placeholder="例如：湖南援藏三年签约资金多少？", max_lines=4,
                                      elem_id="question", autofocus=True)
                with gr.Row():
                    send = gr.Button("提问", variant="primary", elem_id="send")
                    new = gr.Button("新对话", elem_id="new")
                gr.Examples(examples=[[e] for e in EXAMPLES], inputs=[question], label="示例问题")
            with gr.Column(scale=2):
                gr.Markdown("### 引用来源")
                sources = gr.HTML(sources_html(None), elem_id="sources")
        outputs = [chat, conversation, sources, question]
        handler = respond if queued else respond_whole
        sending = send.click(handler, [question, chat, conversation], outputs, queue=queued)
        submitting = question.submit(handler, [question, chat, conversation], outputs, queue=queued)
        if queued:  # stop a stream still writing first, then clear: a late chunk must not refill the chat
            new.click(None, None, None, cancels=[sending, submitting]).then(restart, None, outputs)
        else:  # nothing streams, so nothing to cancel (Gradio cancels queued events only)
            new.click(restart, None, outputs, queue=False)
        # the corpus may have grown since start
        page.load(lambda: page_title(service), None, heading, queue=queued)
    page.queue(default_concurrency_limit=8, api_open=False)  # answers only through the queue
    return page, theme


def create_app(service: Service):
    """FastAPI app with the API under /api and the chat page at /."""
    import gradio as gr

    from .api import create_api

    app = create_api(service)
    page, theme = build_page(service)
    app = gr.mount_gradio_app(app, page, path="/", theme=theme, css=_CSS, footer_links=[])
    app.add_middleware(UnknownFunction)
    return app


class UnknownFunction:
    """Gradio answers requests that are the client's mistake with a 500: a function the page does
    not have (`fn_index: 99`, an unknown api_name) raises a KeyError, and bad input to one of its own
    unqueued helpers (the examples loader; our answer function is queued, so direct calls to it are
    refused with a 404) comes back as a 500 error payload. Those become a 404 and a 422; every other
    error passes as it was."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith("/gradio_api/"):
            await self.app(scope, receive, send)
            return
        from .guard import reply

        held: list[dict] = []

        async def holding_send(message) -> None:
            if held or (message["type"] == "http.response.start" and message["status"] == 500):
                held.append(message)  # wait to learn what the 500 is about
            else:
                await send(message)

        try:
            await self.app(scope, receive, holding_send)
        except Exception as err:
            if not _unknown_function(err):
                for message in held:
                    await send(message)
                raise
            await reply(send, 404, "页面上没有这个功能（fn_index 或 api_name 不存在）")
            return
        if held and scope["path"].startswith("/gradio_api/run/"):
            await reply(send, 422, "页面功能的输入格式不对")
            return
        for message in held:
            await send(message)


def _unknown_function(err: Exception) -> bool:
    """A KeyError counts only when raised by Gradio's function lookup itself, not by our code."""
    from gradio.route_utils import FnIndexInferError

    if isinstance(err, FnIndexInferError):
        return True
    frame = err.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return isinstance(err, KeyError) and frame is not None and frame.tb_frame.f_code.co_name == "get_fn"


def worker_app() -> FastAPI:
    """The app of one `serve --workers N` process (uvicorn calls this factory in each): its
    Settings come from the parent, which has already built the index; loading it here, before the
    process accepts connections, means no worker answers 503 while the others are ready."""
    from .service import Service, settings_from_env

    service = Service(settings_from_env())
    service.start(wait=True)
    return create_app(service)
