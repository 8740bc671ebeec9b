"""Real PDF, HTML and DOCX pages made from a seed page, the way a newsroom's systems would print them:
a two-column e-paper PDF with a running header (reportlab, with WenQuanYi Micro Hei embedded as
e-paper PDFs embed their fonts, or the built-in STSong-Light CID font where that font is not
installed), a web page with navigation, breadcrumbs, a sidebar, ads and a footer around the
article, and a Word file with heading styles."""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

from assistant.layout import read_blocks

HEADING_SIZES = {1: 21.0, 2: 16.0, 3: 13.5, 4: 11.5}
BODY_SIZE = 10.5
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def blocks(text: str) -> list[tuple[int, str]]:
    """(heading level, text) of a seed page. The Markdown marks a short item's title by a wide gap
    above a level-3 heading (`layout` starts an article there); a paper's own PDF, web page and
    Word file give such a title the title style instead, so it is level 2 here."""
    out, body_seen = [], False
    for block in read_blocks(text):
        level = block.level
        if level >= 3 and block.gap_before >= 2 and body_seen:
            level = 2
        body_seen = body_seen or not level
        out.append((level, block.text))
    return out


def pdf_font() -> str:
    """The font the PDF is set in; STSong-Light needs no file but loses U+00B7 (·) on the way
    back out of the PDF, so a test comparing texts must allow for that."""
    from reportlab.pdfbase import pdfmetrics

    if WQY.exists():
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("WQY", str(WQY), subfontIndex=0))
        return "WQY"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def seed_pdf(text: str, masthead: str = "", title: str = "") -> bytes:
    """Two columns per A4 page; paragraphs flow down the left column, then the right, then on to
    the next page, cut wherever a column ends; the first line of each paragraph is indented."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    font = pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=BODY_SIZE, leading=15, wordWrap="CJK",
                          firstLineIndent=2 * BODY_SIZE, spaceAfter=6)
    headings = {level: ParagraphStyle(f"h{level}", fontName=font, fontSize=size, leading=size * 1.3,
                                      wordWrap="CJK", spaceBefore=6, spaceAfter=6)
                for level, size in HEADING_SIZES.items()}
    story = [Paragraph(escape(t), headings[min(level, 4)] if level else body) for level, t in blocks(text)]
    width, height = A4
    margin, gutter = 50, 18
    column = (width - 2 * margin - gutter) / 2

    def furniture(canvas, doc) -> None:
        canvas.setFont(font, 9)
        if masthead:
            canvas.drawString(margin, height - 35, masthead)
        canvas.drawCentredString(width / 2, 25, str(doc.page))

    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, title=title, author="西藏日报社")
    frames = [Frame(margin, margin, column, height - 2 * margin - 10, id="left"),
              Frame(margin + column + gutter, margin, column, height - 2 * margin - 10, id="right")]
    doc.addPageTemplates([PageTemplate(frames=frames, onPage=furniture)])
    doc.build(story)
    return out.getvalue()


def seed_html(text: str, meta: dict[str, str] | None = None) -> bytes:
    """The article inside a news site's page furniture."""
    body = "".join(f"<h{level}>{escape(t)}</h{level}>" if level else f"<p>{escape(t)}</p>" for level, t in blocks(text))
    tags = "".join(f'<meta name="{escape(k)}" content="{escape(v)}">' for k, v in (meta or {}).items())
    menu = "".join(f'<li><a href="/{i}">{name}</a></li>' for i, name in enumerate(["首页", "要闻", "时政", "经济", "社会"]))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>报纸版面 - 西藏日报</title>{tags}</head>
<body>
<header><div class="logo">西藏日报 数字报</div><nav><ul>{menu}</ul></nav>
<div class="banner-ad"><a href="/ad">广告：高原特价机票 立即预订 享受八折优惠</a></div></header>
<main><div class="crumbs"><a href="/">首页</a> &gt; <a href="/yw">要闻</a> &gt; 正文</div>
<article>{body}</article>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div></main>
<aside><h3>热点新闻</h3><ul><li><a href="/n1">拉萨今冬首场降雪如期而至</a></li>
<li><a href="/n2">林芝桃花节筹备工作全面启动</a></li></ul>
<div class="ad">广告位招租 联系电话 0891-1234567</div></aside>
<footer><p>版权所有 西藏日报社 未经授权禁止转载</p><p><a href="/about">关于我们</a> | <a href="/contact">联系我们</a></p></footer>
</body></html>""".encode()


def seed_docx(text: str, title: str = "") -> bytes:
    """Headings as Word's Heading styles, paragraphs as Normal; `title` in the core properties."""
    import docx

    document = docx.Document()
    for level, t in blocks(text):
        if level:
            document.add_heading(t, level=level)
        else:
            document.add_paragraph(t)
    document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
