"""Outside text for retrieval evaluation: the Debian FAQ in Simplified Chinese (Debian package
`debian-faq-zh-cn`). Section bodies become the corpus; each section's question heading is the
query whose answer is that section."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

DEBIAN_FAQ = Path("/usr/share/doc/debian/FAQ/debian-faq.zh-cn.txt.gz")
_SECTION = re.compile(r"^(\d+)\.(\d+)\.\s+(\S.*)$")
_CHAPTER = re.compile(r"^(\d+)\.\s+(\S.*)$")


def debian_faq_sections(path: Path = DEBIAN_FAQ) -> list[tuple[str, str, list[str]]]:
    """(section number, question heading, body paragraphs) for every numbered section."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8").replace("\xa0", " ")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if _SECTION.match(line))  # body starts after the contents
    sections: list[tuple[str, str, list[str]]] = []
    number, heading, block, body = None, [], [], []
    in_heading = False

    def flush_block() -> None:
        if block:
            body.append(_join(block))
            block.clear()

    for line in lines[start:]:
        m = _SECTION.match(line)
        if m or _CHAPTER.match(line):
            flush_block()
            if number is not None:
                sections.append((number, _join(heading), list(body)))
            number, heading, body = (f"{m.group(1)}.{m.group(2)}", [m.group(3)], []) if m else (None, [], [])
            in_heading = m is not None
            continue
        if not line.strip():
            in_heading = False
            flush_block()
            continue
        if in_heading:
            heading.append(line.strip())
        elif number is not None:
            block.append(line.strip())
    flush_block()
    if number is not None:
        sections.append((number, _join(heading), list(body)))
    return [(n, h, [p for p in b if len(p) >= 8]) for n, h, b in sections if b]


def _join(parts: list[str]) -> str:
    """Join wrapped lines: no space between Chinese characters, one between Latin words."""
    out = ""
    for part in parts:
        if out and re.search(r"[A-Za-z0-9,.;:)]$", out) and re.match(r"[A-Za-z0-9(]", part):
            out += " "
        out += part
    return out


def write_faq_corpus(folder: Path, path: Path = DEBIAN_FAQ) -> list[tuple[str, str]]:
    """One page per section (body only, no heading): returns (query, page file name) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    queries = []
    for number, heading, body in debian_faq_sections(path):
        name = f"faq_{number.replace('.', '_')}.md"
        page = folder / name
        content = "\n\n".join(body) + "\n"
        if not page.exists() or page.read_text(encoding="utf-8") != content:
            page.write_text(content, encoding="utf-8")
        queries.append((heading, name))
    return queries
