"""Page files in the formats a newsroom holds → page text in the Markdown form `layout.parse_page`
reads (headings as `#`…`####`, paragraphs separated by blank lines), plus the metadata the file
itself carries.

- PDF (e-paper pages with a text layer): pdfminer.six. Chosen over pypdf because its layout
  analysis groups characters into lines and text boxes and orders the boxes across columns
  (pypdf returns the content stream's drawing order), it decodes the predefined CJK CMaps that
  non-embedded Chinese fonts rely on (UniGB-UCS2-H …), and it reports each character's size, which
  tells headlines from body text. PyMuPDF reads columns as well and is faster, but it is AGPL and a
  large native wheel; pdfminer.six is MIT and pure Python. Lines inside a box are joined; a
  paragraph that the layout cut (at a column or page end) is rejoined by the same repair that
  rejoins split sentences in Markdown pages (`layout._join_split_sentences`), so it is left
  alone here. A PDF without a text layer (a scan) is refused: no OCR is offered.
- HTML: trafilatura, which finds the article body and drops navigation, link lists, ads and
  footers, keeps headings and paragraphs in order, and reads the title, site name and date. It is
  asked to favour precision: otherwise a page whose article is short comes back whole, menus and
  ads run into the article's one paragraph.
- DOCX: python-docx; Heading/标题 styles give heading levels, tables their rows.
- Markdown and plain text are decoded by `ingest.decode_page`, as before.

Masthead lines (`西藏日报 2026年1月20日 星期二 第3版`) are taken out of the text and read as
metadata (`sources.parse_masthead`); so are the PDF info dictionary, HTML <meta> tags and DOCX
core properties.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from dataclasses import dataclass

from .schema import PageMeta
from .sources import MetadataError, merge, meta_from_fields, parse_masthead, take_masthead

TEXT_SUFFIXES = (".md", ".txt")
DOCUMENT_SUFFIXES = (".pdf", ".html", ".htm", ".docx")
PAGE_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES
MAX_PDF_PAGES = 200  # a whole issue is a few dozen pages; more is not a newspaper page
# Headline sizes relative to body text → Markdown heading levels (a page banner, a title, a
# section heading, a sub-heading); anything within 5 % of body size is body text.
_HEADING_RATIOS = ((1.85, 1), (1.4, 2), (1.2, 3), (1.05, 4))
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:版|页)?[-—–\s]*$")


class FormatError(ValueError):
    """A file that cannot be turned into page text; the message says why, in Chinese."""

    def __init__(self, reason: str, status: int = 422) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Converted:
    text: str  # Markdown-like page text, masthead removed
    meta: PageMeta  # what the file itself says about where it was printed


def is_document(name: str) -> bool:
    return name.lower().endswith(DOCUMENT_SUFFIXES)


def convert_document(name: str, data: bytes) -> Converted:
    """A PDF, HTML or DOCX file as page text and metadata."""
    suffix = name.lower().rsplit(".", 1)[-1]
    converter = {"pdf": _pdf, "html": _html, "htm": _html, "docx": _docx}[suffix]
    try:
        return converter(data)
    except FormatError:
        raise
    except RecursionError as err:
        raise FormatError(f"{suffix.upper()} 文件嵌套过深，无法读取") from err
    except Exception as err:  # noqa: BLE001 - the parsers fail on broken files in many ways; all are the sender's 4xx
        raise FormatError(f"{suffix.upper()} 文件已损坏或格式不受支持（{type(err).__name__}）") from err


def finish_text(text: str, meta: PageMeta | None = None) -> Converted:
    """Take a masthead line off the top of page text and read it; where the masthead and the
    file's own metadata (`meta`) disagree, the masthead as printed wins."""
    text, printed = take_masthead(text)
    return Converted(text, merge(meta or PageMeta(), printed))


# --- PDF ----------------------------------------------------------------------------------------
@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float  # PDF coordinates: y grows upwards
    bottom: float
    size: float  # median character size: tells a headline from body text
    column: tuple[float, float] = (0.0, 0.0)  # left and right edge of the column it was read in


def _pdf(data: bytes) -> Converted:
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    if not data.lstrip().startswith(b"%PDF"):
        raise FormatError("不是 PDF 文件（文件头不对）")
    # pdfminer logs a warning for every flaw of a broken file; the user gets one message instead
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    # char_margin 1.0: a newspaper's column gutter is about one character wide, and two columns
    # must never be read as one line; boxes_flow None: reading order is decided below, by columns.
    params = LAParams(char_margin=1.0, line_margin=0.3, boxes_flow=None)
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        info = _pdf_info(document)
        pages: list[list[_Line]] = []
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            if number > MAX_PDF_PAGES:
                raise FormatError(f"PDF 页数太多（超过 {MAX_PDF_PAGES} 页），请按版面拆分后再导入")
            pages.append(_page_lines(_layout_page(page, params)))
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise FormatError("PDF 已加密，无法读取文字；请提供未加密的版面") from err
    lines = [line for page in pages for line in page]
    if sum(len(line.text) for line in lines) < 20:
        raise FormatError("这个 PDF 没有文字层（可能是扫描件或图片），无法读取文字；本系统不做 OCR，"
                          "请提供带文字层的电子版 PDF，或导入 HTML、DOCX、文本版面")
    body = _body_size(lines)
    blocks: list[str] = []
    printed = PageMeta()
    for page in pages:
        for index, (level, block) in enumerate(_blocks(_reading_order(page), body)):
            text = _join(block)
            meta = parse_masthead(text)
            if meta is not None and index < 2 and not printed.newspaper:
                printed = meta  # the page header: furniture, read once as metadata
            if meta is not None or _PAGE_NUMBER.match(text):
                continue  # running headers and folios are not part of any article
            blocks.append("#" * level + " " + text if level else text)
    return Converted("\n\n".join(blocks) + "\n", merge(info, printed))


def _layout_page(page, params):
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=params)
    PDFPageInterpreter(manager, device).process_page(page)
    return device.get_result()


def _page_lines(layout) -> list[_Line]:
    from pdfminer.layout import LTChar, LTTextBox, LTTextLine

    out = []
    for box in layout:
        if not isinstance(box, LTTextBox):
            continue
        for line in box:
            text = line.get_text().strip() if isinstance(line, LTTextLine) else ""
            if not text:
                continue
            sizes = [c.size for c in line if isinstance(c, LTChar) and c.get_text().strip()]
            out.append(_Line(text, line.x0, line.x1, line.y1, line.y0, statistics.median(sizes) if sizes else 0.0))
    return out


def _reading_order(lines: list[_Line], column: tuple[float, float] | None = None) -> list[_Line]:
    """Recursive XY-cut: split at a column gutter when there is one (read the left column, then
    the right), otherwise at a horizontal gap — beside a headline spanning the columns when
    there is one, so a headline band is never read into the columns around it. Each line learns
    the edges of the column it was read in (set by the last gutter cut), for the paragraph rules."""
    if not lines:
        return []
    left, right = min(x.x0 for x in lines), max(x.x1 for x in lines)
    column = column or (left, right)
    size = statistics.median(x.size for x in lines) or 10.0
    gutter = _widest_gap([(x.x0, x.x1) for x in lines])
    if gutter is not None and gutter[1] - gutter[0] >= 0.4 * size:
        cut = (gutter[0] + gutter[1]) / 2
        sides = [x for x in lines if x.x1 <= cut], [x for x in lines if x.x0 >= cut]
        return [line for side in sides
                for line in _reading_order(side, (min(x.x0 for x in side), max(x.x1 for x in side)))]
    gaps = _gaps([(-x.top, -x.bottom) for x in lines])  # top to bottom as increasing numbers
    if not gaps:
        for x in lines:
            x.column = column
        return sorted(lines, key=lambda x: (-x.top, x.x0))
    wide = [x for x in lines if x.x1 - x.x0 > 0.6 * (right - left)]
    edges = {round(-x.top, 1) for x in wide} | {round(-x.bottom, 1) for x in wide}
    beside = [g for g in gaps if round(g[0], 1) in edges or round(g[1], 1) in edges]
    low, high = max(beside or gaps, key=lambda g: g[1] - g[0])
    cut = -(low + high) / 2
    return (_reading_order([x for x in lines if x.bottom >= cut], column)
            + _reading_order([x for x in lines if x.bottom < cut], column))


def _gaps(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Intervals between `spans` (start, end) that no span covers, in order."""
    out, reach = [], None
    for start, end in sorted(spans):
        if reach is not None and start > reach:
            out.append((reach, start))
        reach = end if reach is None else max(reach, end)
    return out


def _widest_gap(spans: list[tuple[float, float]]) -> tuple[float, float] | None:
    gaps = _gaps(spans)
    return max(gaps, key=lambda g: g[1] - g[0]) if gaps else None


def _blocks(lines: list[_Line], body: float) -> list[tuple[int, list[_Line]]]:
    """Lines in reading order → (heading level, lines) blocks. A new block starts where the
    heading level changes, the column changes, a wider gap than between lines opens, a line is
    indented (a Chinese paragraph's first line is, by two characters), or the line before ended
    a sentence short of the column's edge. A paragraph cut at a column or page end becomes two
    blocks here and is rejoined by the layout repair."""
    out: list[tuple[int, list[_Line]]] = []
    prev: _Line | None = None
    for line in lines:
        level = _level(line.size, body)
        size = line.size or body
        new = (prev is None or level != out[-1][0] or line.column != prev.column or line.top > prev.bottom + size
               or prev.bottom - line.top > 0.7 * size)
        if not new and not level:
            indented = line.x0 - line.column[0] > 1.2 * size
            ended = re.search(r"[。！？!?”」）)]$", prev.text) and prev.x1 < prev.column[1] - 2.5 * size
            new = bool(indented or ended)
        if new:
            out.append((level, [line]))
        else:
            out[-1][1].append(line)
        prev = line
    return out


def _pdf_info(document) -> PageMeta:
    """Title, Subject and Keywords of the PDF info dictionary, read as a masthead would be."""
    from pdfminer.utils import decode_text

    found = PageMeta()
    for info in document.info:
        for key in ("Title", "Subject", "Keywords"):
            value = info.get(key)
            if isinstance(value, bytes):
                value = decode_text(value)
            if isinstance(value, str) and (meta := parse_masthead(value)) is not None:
                found = merge(meta, found)
    return found


def _body_size(lines: list[_Line]) -> float:
    """The size most characters are printed in."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[round(line.size, 1)] = weights.get(round(line.size, 1), 0) + len(line.text)
    return max(weights, key=weights.get) if weights else 0.0


def _level(size: float, body: float) -> int:
    for ratio, level in _HEADING_RATIOS:
        if body and size >= body * ratio:
            return level
    return 0


def _join(lines: list[_Line]) -> str:
    """Lines of one paragraph, rejoined: Chinese needs no space at a line break, Latin words do."""
    text = ""
    for line in lines:
        if text and re.search(r"[A-Za-z]$", text) and re.match(r"[A-Za-z]", line.text):
            text += " "
        text += line.text
    return text


# --- HTML ---------------------------------------------------------------------------------------
_META_FIELDS = {  # <meta name|property> → page field; the names papers' sites and CMSs use
    "newspaper": "newspaper", "og:site_name": "newspaper", "application-name": "newspaper",
    "publishdate": "date", "pubdate": "date", "date": "date", "article:published_time": "date",
    "dc.date": "date", "page": "page", "pagenum": "page", "edition": "page",
    "pagetitle": "page_title", "article:section": "page_title", "section": "page_title",
}


def _html(data: bytes) -> Converted:
    import trafilatura

    tree = trafilatura.bare_extraction(data, output_format="python", with_metadata=True, favor_precision=True,
                                       include_comments=False, include_tables=True, include_formatting=True,
                                       deduplicate=False, as_dict=False)
    if tree is None or tree.body is None:
        raise FormatError("HTML 里没有找到正文")
    blocks: list[str] = []
    for element in tree.body.iter("head", "p", "list", "row"):
        text = re.sub(r"\s+", " ", "".join(element.itertext())).strip()
        if element.tag == "p" and element.getparent() is not None and element.getparent().tag in ("cell", "item"):
            continue  # read with its row or list item
        if not text:
            continue
        if element.tag == "head":
            level = int(m.group(1)) if (m := re.match(r"h(\d)", element.get("rend", ""))) else 3
            blocks.append("#" * min(level, 4) + " " + text)
        elif element.tag == "row":
            blocks.append("｜".join(re.sub(r"\s+", " ", "".join(c.itertext())).strip() for c in element))
        elif element.tag == "list":
            blocks.extend(re.sub(r"\s+", " ", "".join(i.itertext())).strip() for i in element if i.tag == "item")
        else:
            blocks.append(text)
    if not blocks:
        raise FormatError("HTML 里没有找到正文（只有导航、链接或空白）")
    title = (tree.title or "").strip()
    if title and not blocks[0].startswith("#"):
        blocks.insert(0, f"## {title}")  # trafilatura keeps the article title apart from the body
    found = _html_meta(data)
    if tree.date and not found.date:
        found = merge(found, _safe_fields({"date": tree.date}))
    if tree.sitename and not found.newspaper:
        found = merge(found, _safe_fields({"newspaper": tree.sitename}))
    return finish_text("\n\n".join(blocks) + "\n", found)


def _html_meta(data: bytes) -> PageMeta:
    """`<meta name="…" content="…">` for the fields a newspaper site states."""
    import lxml.html

    try:
        root = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.LxmlError):
        return PageMeta()
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        field = _META_FIELDS.get(key)
        content = (meta.get("content") or "").strip()
        if field and content and field not in values:
            values[field] = content
    return _safe_fields(values)


def _safe_fields(values: dict[str, str]) -> PageMeta:
    """Metadata a file carries is a hint: a field that cannot be read is left out, not fatal."""
    out = PageMeta()
    for name, value in values.items():
        try:
            out = merge(out, meta_from_fields({name: value}, ""))
        except MetadataError:
            continue
    return out


# --- DOCX ---------------------------------------------------------------------------------------
def _docx(data: bytes) -> Converted:
    import zipfile

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise FormatError("不是有效的 DOCX 文件（可能是旧版 .doc 或已损坏；请另存为 .docx）") from err
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            text = re.sub(r"[ \t]+", " ", item.text).strip()
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            heading = re.match(r"(?i)(?:heading|标题)\s*(\d)", style)
            level = int(heading.group(1)) if heading else (1 if style.lower() == "title" else 0)
            blocks.append("#" * min(level, 4) + " " + text if level else text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells = [c.text.strip() for c in row.cells]
                if any(cells):
                    blocks.append("｜".join(dict.fromkeys(cells)))  # merged cells repeat their text
    props = document.core_properties
    found = PageMeta()
    for value in (props.title, props.subject, props.keywords, props.category):
        if value and (meta := parse_masthead(value)) is not None:
            found = merge(meta, found)
    return finish_text("\n\n".join(blocks) + "\n", found)
