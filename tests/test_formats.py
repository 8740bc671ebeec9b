"""Pages as newsrooms hold them — e-paper PDF, web page, Word file — read into the same paragraphs as
the Markdown seeds, answering the same questions with the same figures from the same paragraphs;
where each page was printed read from the page itself, a sidecar, or the upload."""

import json
import shutil

import pytest

from assistant.formats import convert_document
from assistant.ingest import IngestError, ingest_files, parse_upload, read_page
from assistant.layout import parse_page
from assistant.schema import PageMeta
from assistant.sources import MetadataError, Scope, parse_masthead

from .conftest import SEEDS, write
from .documents import seed_docx, seed_html, seed_pdf

MASTHEAD = "西藏日报　2026年1月20日　星期二　第3版"
PRINTED = PageMeta(newspaper="西藏日报", date="2026-01-20", page="3")
SEED_FILES = sorted(SEEDS.glob("*.txt"))

# Figure questions from eval/questions.jsonl that the assistant answers right on the Markdown
# seeds, across both pages and their layout repairs: sentences split by blank lines (q004) or at a
# column end (q125, q130), duplicated passages (q080, q082), a short item after a wide gap (q071).
QUESTIONS = ["q001", "q004", "q007", "q012", "q025", "q031", "q039", "q047", "q058", "q071", "q080", "q082",
             "q098", "q104", "q113", "q116", "q120", "q125", "q130", "q133"]


def make(kind: str, text: str) -> bytes:
    if kind == "pdf":
        return seed_pdf(text, masthead=MASTHEAD, title="西藏日报 2026年1月20日 第3版")
    if kind == "html":
        return seed_html(text, {"newspaper": "西藏日报", "publishdate": "2026-01-20", "page": "3"})
    return seed_docx(text, title="西藏日报 2026年1月20日 第3版")


def paragraphs(text: str, name: str = "page.txt") -> list[tuple[str, str, str, str]]:
    return [(p.kind, p.article, p.section, p.text) for p in parse_page(text, name)[1]]


@pytest.mark.parametrize("kind", ["pdf", "html", "docx"])
@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_a_converted_page_reads_into_the_markdown_paragraphs(kind, seed):
    text = seed.read_text(encoding="utf-8")
    converted = convert_document(f"page.{kind}", make(kind, text))
    assert converted.meta == PRINTED  # PDF header line and info, HTML <meta>, DOCX core properties
    expected, got = paragraphs(text), paragraphs(converted.text)
    if kind == "pdf":
        # A line break eats the space it falls on ("实习生 牛文娟" wrapped after 实习生): Chinese
        # text gives no sign that one was there. STSong-Light (where WenQuanYi is not installed)
        # also loses the middle dot (·).
        expected, got = ([(k, a, s, t.replace(" ", "").replace("·", "")) for k, a, s, t in rows]
                         for rows in (expected, got))
    assert got == expected


def test_pdf_columns_are_read_in_order_and_broken_lines_rejoined():
    text = next(p for p in SEED_FILES if p.name.startswith("001_")).read_text(encoding="utf-8")
    converted = convert_document("page.pdf", make("pdf", text)).text
    assert MASTHEAD.split("　")[0] not in converted  # the running header is furniture, not text
    # cut at a column end in the PDF, rejoined by the layout repair
    joined = [p for p in paragraphs(converted) if "累计签约招商引资项目41个" in p[3]]
    assert len(joined) == 1 and "签约资金达80.7亿元" in joined[0][3]
    order = [converted.index(s) for s in ("湖北出台并实施", "湖南充分发挥人才优势", "安徽不断提升智力援藏能级",
                                          "深耕产业援藏", "做实民生援藏")]
    assert order == sorted(order)


def test_html_navigation_and_ads_are_dropped():
    converted = convert_document("page.html", make("html", SEED_FILES[1].read_text(encoding="utf-8"))).text
    for furniture in ("首页", "广告", "热点新闻", "版权所有", "分享到", "关于我们"):
        assert furniture not in converted
    assert converted.startswith("# 接力援藏 共谱新篇")


def test_a_scanned_pdf_gets_a_clear_message():
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.rect(50, 50, 400, 600, fill=1)  # a page that is all picture, as a scan is
    page.save()
    with pytest.raises(IngestError, match="没有文字层.*OCR"):
        parse_upload("scan.pdf", out.getvalue())


@pytest.mark.parametrize(("name", "data", "words"), [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj <<", "PDF"),
    ("fake.pdf", "## 标题\n\n正文内容。".encode(), "不是 PDF"),
    ("old.docx", b"PK\x03\x04not really a zip", "DOCX"),
    ("empty.html", "<html><body><nav><a href='/'>首页</a> <a href='/b'>要闻</a></nav></body></html>".encode(), "正文"),
])
def test_broken_documents_are_refused_with_a_reason(name, data, words):
    with pytest.raises(IngestError, match=words):
        parse_upload(name, data)


@pytest.mark.parametrize(("line", "meta"), [
    ("西藏日报 2026年1月20日 星期二 第3版：要闻", PageMeta("西藏日报", "2026-01-20", "3", "要闻")),
    ("《拉萨晚报》2025-12-31 A3版", PageMeta("拉萨晚报", "2025-12-31", "A3")),
    ("2026年1月20日 第十二版", PageMeta("", "2026-01-20", "12")),
    ("本报拉萨1月19日讯(记者 丹增朗赛)近日,记者从西藏青年企业家商会获悉。", None),
    ("# 发展手牵手 援藏心连心", None),
])
def test_masthead_lines(line, meta):
    assert parse_masthead(line) == meta


def test_a_masthead_line_on_a_text_page_becomes_metadata_not_a_paragraph():
    page = parse_upload("p.md", "西藏日报 2026年1月20日 星期二 第5版\n\n## 某县新闻\n\n某县今年新建幼儿园7所。\n".encode())
    assert page.meta == PageMeta("西藏日报", "2026-01-20", "5")
    assert [p.text for p in page.paragraphs] == ["某县今年新建幼儿园7所。"]
    assert page.stored.decode().startswith("西藏日报")  # the page is kept as it came


def test_sidecars_win_over_what_the_file_says_and_bad_ones_are_named(tmp_path):
    page = write(tmp_path / "a.html", make("html", SEED_FILES[1].read_text(encoding="utf-8")))
    write(tmp_path / "a.toml", 'newspaper = "山南报"\npage = "第4版"\npage_title = "援藏专版"\n')
    assert read_page(page).meta == PageMeta("山南报", "2026-01-20", "4", "援藏专版")
    (tmp_path / "a.toml").unlink()
    write(tmp_path / "a.json", json.dumps({"date": "2026年2月1日"}))
    assert read_page(page).meta.date == "2026-02-01"
    write(tmp_path / "a.json", json.dumps({"edition": "晚刊"}))
    with pytest.raises(IngestError, match="a.json.*edition"):
        read_page(page)
    write(tmp_path / "a.json", json.dumps({"date": "明天"}))
    with pytest.raises(IngestError, match="日期"):
        read_page(page)


def test_a_page_stem_names_one_page_only(tmp_path, private_settings):
    text = SEED_FILES[1].read_text(encoding="utf-8").replace("80.7亿元", "90.7亿元")
    (clash,) = ingest_files([write(tmp_path / "001_0d3c75e96ce2502d.docx", make("docx", text))], private_settings)
    assert clash.status == "error" and "同名" in clash.message  # its paragraph ids would be the seed's


def test_scopes():
    page = PageMeta("西藏日报", "2026-01-20")
    assert Scope.of() is None
    assert Scope.of(newspaper="《西藏日报》").admits(page)
    assert not Scope.of(newspaper="人民日报").admits(page)
    assert Scope.of(since="2026-01-01", until="2026年1月31日").admits(page)
    assert not Scope.of(since="2026-01-21").admits(page)
    assert not Scope.of(until="2026-01-19").admits(page)
    assert not Scope.of(since="2026-01-01").admits(PageMeta("西藏日报"))  # undated: not provably inside
    with pytest.raises(MetadataError, match="晚于"):
        Scope.of(since="2026-02-01", until="2026-01-01")


@pytest.fixture(scope="module", params=["pdf", "html", "docx"])
def converted_assistant(request, seed_settings, seed_index, tmp_path_factory):
    """The seed pages as PDF, HTML or DOCX files (same file stems, no sidecars), indexed with the seed
    vectors reused: paragraphs that read the same need no new embedding."""
    from assistant.chat import Assistant
    from assistant.config import Settings
    from assistant.index import open_index

    root = tmp_path_factory.mktemp(request.param)
    for seed in SEED_FILES:
        write(root / "corpus" / f"{seed.stem}.{request.param}", make(request.param, seed.read_text(encoding="utf-8")))
    shutil.copytree(seed_settings.index_dir / "cache", root / "index" / "cache")
    settings = Settings(corpus_dirs=(root / "corpus",), index_dir=root / "index")
    return Assistant(settings, open_index(settings))


@pytest.fixture(scope="module")
def questions():
    from assistant.config import ROOT

    rows = {r["id"]: r for r in map(json.loads, (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines())}
    return [rows[q] for q in QUESTIONS]


def test_pdf_html_and_docx_answer_the_same_questions_with_the_same_figures(converted_assistant, assistant, questions):
    """Done when: the seeds ingested as PDF, HTML and DOCX answer the same 20 questions with the
    same figures — cited from the same paragraphs, now under the reference the file prints."""
    assert len(questions) == 20 and all(q["kind"] == "figure" for q in questions)
    answered = 0
    for q in questions:
        markdown = assistant.ask(q["question"])
        converted = converted_assistant.ask(q["question"])
        assert converted.figures == markdown.figures and converted.refused == markdown.refused, q["question"]
        if markdown.refused:  # the judge's call on the text, the same whatever the file it came in
            continue
        answered += 1
        assert markdown.figures, q
        assert converted.citations[0].paragraph_id == markdown.citations[0].paragraph_id, q["question"]
        assert converted.citations[0].label.startswith("《西藏日报》2026年1月20日 第3版 ·《")
    # the judge refuses an answerable question now and then (eval/report.md); the formats are what is tested
    assert answered >= 18
