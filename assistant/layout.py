"""Read a newspaper page (Markdown-like text converted from print) into articles and paragraphs,
repairing the damage print-to-text conversion leaves behind.

Repairs, in order:
1. heading levels read by role: a ``###`` kicker right above a ``##`` title, a ``## ——`` subtitle,
   a ``#`` page banner above the real title, a section heading split over two levels (``——``);
2. sentences cut by blank lines are rejoined;
3. duplicated passages (whole, or repeated from mid-sentence) are kept once, under the article
   the layout repeated them for, together with the run of paragraphs printed with them;
4. a sentence cut across a misplaced heading is rejoined and given to the article it ends in;
5. captions (图①：…), photo credits, bylines and continuation notes are kept as their own kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .schema import BODY, BYLINE, CAPTION, CREDIT, HEADING, NOTE, Article, Paragraph
from .text import CJK, normalise

_CLOSERS = "”’」』）)》"
_ENDS_SENTENCE = set("。！？!?…；;：:")
_CAPTION = re.compile(r"^图(?:[①-⑳]|\d+|[一二三四五六七八九十]+)?(?:[：:]|为)")
_CREDIT = re.compile(r"^(?:本报)?(?:记者|通讯员|摄影|特约).{0,24}\s摄$|^.{0,30}\s摄$")
_BYLINE = re.compile(r"^(?:本报|新华社|特约)?(?:记者|通讯员)\s")
_NOTE = re.compile(r"^[（(](?:上接|下转|接第|转第|续).{0,12}[）)]$")


@dataclass
class _Block:
    text: str
    level: int  # 0 for text, 1-6 for Markdown headings
    gap_before: int  # blank lines above it: a wide gap on a page starts a new item


@dataclass
class _Piece:
    article: int  # index into articles
    section: str
    kind: str
    text: str
    position: int  # block order in the file
    after_heading: bool  # a heading sits between this piece and the one before it
    repairs: list[str] = field(default_factory=list)
    moved: bool = False


def read_blocks(text: str) -> list[_Block]:
    blocks, lines, gap = [], [], 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        heading = re.match(r"^(#{1,6})\s*(.*)$", line)
        if not line or heading:
            if lines:
                blocks.append(_Block("".join(lines), 0, gap))
                lines, gap = [], 0
            if heading and heading.group(2).strip("# "):
                blocks.append(_Block(heading.group(2).strip("# ").strip(), len(heading.group(1)), gap))
                gap = 0
            elif not line:
                gap += 1
            continue
        lines.append(line)
    if lines:
        blocks.append(_Block("".join(lines), 0, gap))
    return blocks


def classify(text: str) -> str:
    plain, raw = normalise(text), re.sub(r"\s+", " ", text.strip())
    if _CAPTION.match(plain):
        return CAPTION
    if len(raw) <= 40 and _CREDIT.match(raw):
        return CREDIT
    if len(raw) <= 40 and _BYLINE.match(raw) and not re.search(r"[。，,]", raw):
        return BYLINE
    if _NOTE.match(plain):
        return NOTE
    if looks_like_heading(plain):
        return HEADING
    return BODY


def looks_like_heading(text: str) -> bool:
    """A plain-text heading: short, no sentence punctuation, no comma."""
    return 0 < len(text) <= 30 and not re.search(r"[。！？!?；;，,]", text)


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    return not stripped or stripped[-1] in _ENDS_SENTENCE


def parse_page(text: str, source_file: str) -> tuple[list[Article], list[Paragraph]]:
    """Articles and repaired paragraphs of one page, paragraphs in reading order."""
    articles, pieces = _structure(read_blocks(text), source_file)
    pieces = _join_split_sentences(pieces)
    pieces = _merge_duplicates(pieces)
    pieces = _join_across_headings(pieces, text)
    return articles, _number(pieces, articles, source_file)


def _structure(blocks: list[_Block], source_file: str) -> tuple[list[Article], list[_Piece]]:
    articles: list[dict] = []
    pieces: list[_Piece] = []
    section, has_body, after_heading = "", False, False

    def start(title: str, **extra: str) -> None:
        nonlocal section, has_body
        articles.append({"title": title, "kicker": "", "subtitle": "", "byline": "", "banner": "", **extra})
        section, has_body = "", False

    i = 0
    while i < len(blocks):
        block, nxt = blocks[i], blocks[i + 1] if i + 1 < len(blocks) else None
        if block.level:
            after_heading = True
            if block.level == 1:
                start(block.text, level1="1")
            elif block.level >= 3 and nxt is not None and nxt.level == 2:
                start(nxt.text, kicker=block.text)  # kicker printed above its title
                i += 1
            elif block.text.endswith("——") and nxt is not None and nxt.level > block.level:
                section = block.text.rstrip("—").strip() + "——" + nxt.text
                i += 1
            elif block.level == 2 and block.text.startswith("——") and articles and not has_body:
                articles[-1]["subtitle"] = block.text
            elif block.level == 2 and articles and articles[-1].get("level1") and not has_body:
                articles[-1]["banner"], articles[-1]["title"] = articles[-1]["title"], block.text
                articles[-1].pop("level1")
            elif block.level == 2 or (block.gap_before >= 2 and has_body):
                start(block.text)
            else:
                section = block.text
            i += 1
            continue
        if not articles:
            start("")
        kind = classify(block.text)
        if (not has_body and articles[-1].get("level1") and nxt is not None and nxt.level == 2
                and block.text.rstrip().endswith(("：", ":"))):
            articles[-1]["kicker"] = block.text  # "湖北、湖南、安徽三省援藏干部人才：" above the title
            i += 1
            continue
        if kind == BYLINE and not has_body:
            articles[-1]["byline"] = block.text
        if re.search(rf"[{CJK}A-Za-z0-9]", block.text):
            if kind == HEADING:
                section = block.text
            pieces.append(_Piece(len(articles) - 1, section, kind, block.text, i, after_heading))
            has_body = has_body or kind == BODY
            after_heading = False
        i += 1
    result = [
        Article(source_file, a["title"], a["kicker"], a["subtitle"], a["byline"], a["banner"]) for a in articles
    ]
    return result, pieces


def _join_split_sentences(pieces: list[_Piece]) -> list[_Piece]:
    """`累计签约招商` + `引资项目41个…`: a body paragraph that stops mid-sentence continues
    in the next body paragraph unless a heading comes between them."""
    out: list[_Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == BODY and piece.kind == BODY and not piece.after_heading
                and not ends_sentence(prev.text)):
            prev.text += piece.text
            prev.repairs.append(f"rejoined sentence split at “{prev.text[-len(piece.text) - 4:][:8]}”")
            continue
        out.append(piece)
    return out


def _key(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))


def _merge_duplicates(pieces: list[_Piece], window: int = 40) -> list[_Piece]:
    """Keep one copy of a repeated passage: the fullest text, placed where the layout repeated it
    (the later copy sits under the heading it belongs to). The paragraphs printed in the same run
    as the misplaced copy go with it, back to the nearest plain-text heading."""
    out: list[_Piece] = []
    for piece in pieces:
        key, dup_of = _key(piece.text), None
        for j in range(len(out) - 1, max(-1, len(out) - 1 - window), -1):
            other = _key(out[j].text)
            if key == other or (min(len(key), len(other)) >= 15 and (key in other or other in key)):
                dup_of = j
                break
        if dup_of is None:
            out.append(piece)
            continue
        kept = out[dup_of]
        if len(piece.text) > len(kept.text):
            kept.text = piece.text
        kept.repairs.append(f"merged duplicate printed again at block {piece.position}")
        if kept.article != piece.article:
            _move_run(out, dup_of, piece.article, piece.section)
        elif piece.section and not kept.section:
            kept.section = piece.section
    return out


def _move_run(pieces: list[_Piece], index: int, article: int, section: str) -> None:
    """Give pieces[index] to `article`, with the unmoved body paragraphs printed just before it."""
    source = pieces[index].article
    run = [index]
    j = index - 1
    while j >= 0 and pieces[j].article == source and not pieces[j].moved and pieces[j].kind in (BODY, HEADING):
        run.insert(0, j)
        if pieces[j].kind == HEADING or pieces[j].after_heading:
            break
        j -= 1
    heading = next((pieces[k].text for k in run if pieces[k].kind == HEADING), "")
    for k in run:
        pieces[k].article, pieces[k].moved = article, True
        pieces[k].section = heading or section
        pieces[k].repairs.append("attributed to the article its duplicate is printed under")


def _join_across_headings(pieces: list[_Piece], page: str) -> list[_Piece]:
    """`…廉洁用` / heading / `权，当好…`: a paragraph left mid-sentence continues in the first
    paragraph under some later heading when that one starts mid-sentence and the two halves
    make a word seen elsewhere on the page."""
    flat = _key(page)
    dangling = [p for p in pieces if p.kind == BODY and not ends_sentence(p.text)]
    starts = [p for p in pieces if p.kind == BODY and p.after_heading and _starts_mid_sentence(p.text)]
    joined: set[int] = set()
    for tail in dangling:
        best, best_score = None, 0
        for head in starts:
            if id(head) in joined or head.position <= tail.position:
                continue
            a, b = _key(tail.text), _key(head.text)
            score = flat.count(a[-1:] + b[:1])  # headings sit between the halves, so not the seam itself
            if score > best_score:
                best, best_score = head, score
        if best is not None:
            joined.add(id(best))
            tail.text += best.text
            tail.article, tail.section, tail.moved = best.article, best.section, True
            tail.repairs.append("rejoined sentence split across a misplaced heading; attributed to that article")
    return [p for p in pieces if id(p) not in joined]


def _starts_mid_sentence(text: str) -> bool:
    plain = normalise(text)
    first = re.split(r"[，。；：！？、,;:]", plain, maxsplit=1)[0]
    if plain[:1] in _CLOSERS or re.match(rf"^[{CJK}]{{1,2}}[”’」』]", plain):
        return True
    return len(first) <= 1


def _number(pieces: list[_Piece], articles: list[Article], source_file: str) -> list[Paragraph]:
    stem = source_file.rsplit(".", 1)[0]
    out = []
    for n, piece in enumerate(sorted(pieces, key=lambda p: p.position), start=1):
        out.append(
            Paragraph(
                paragraph_id=f"{stem}-p{n:03d}",
                source_file=source_file,
                position=n,
                article=articles[piece.article].title,
                section=piece.section,
                kind=piece.kind,
                text=piece.text,
                search_text=normalise(piece.text),
                repairs=tuple(piece.repairs),
            )
        )
    return out
