"""Where a page was printed — newspaper, issue date, page number, page name — and what follows from
it: the reference a reader is shown for a citation (《西藏日报》2026年1月20日 第3版 ·《标题》) and the
`Scope` a question can be limited to (one newspaper, a date range).

Page metadata comes from, weakest first: the masthead line printed on the page
(`西藏日报 2026年1月20日 星期二 第3版：要闻`), the file's own metadata (PDF info, HTML <meta>, DOCX
properties; read in `formats.py`), a sidecar `PAGE.toml` or `PAGE.json` next to the page file, and
the fields of an admin upload. A stronger source wins field by field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .schema import PageMeta, Paragraph

FIELDS = ("newspaper", "date", "page", "page_title")
SIDECAR_SUFFIXES = (".toml", ".json")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_PAGE = re.compile(r"第\s*([A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})\s*版|\b([A-Za-z]\d{1,2}|\d{1,2})\s*版")
_PAGE_TITLE = re.compile(r"版\s*[：:·]?\s*([\u4e00-\u9fff]{2,8})\s*$")  # the page's name after its number
# A paper's name as a masthead prints it: 《西藏日报》, or 西藏日报 / 山南报 / 中国青年报 at the line's start
# (two characters at least before 报, so 本报 is not one).
_NEWSPAPER = re.compile(r"《([^《》]{2,20})》|^([\u4e00-\u9fff]{2,10}报)(?![\u4e00-\u9fff])")
_WEEKDAY = re.compile(r"星期[一二三四五六日天]|周[一二三四五六日]")


class MetadataError(ValueError):
    """Metadata given beside a page (sidecar, upload fields) that cannot be used; says why in Chinese."""


def meta_from_fields(values: dict, where: str) -> PageMeta:
    """Validated metadata from a sidecar's or an upload's fields; `where` names them in errors."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise MetadataError(f"{where}有不认识的字段 {'、'.join(map(str, unknown))}（可用：{'、'.join(FIELDS)}）")
    out: dict[str, str] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        if name == "date":
            out[name] = _iso_date(value, where)
        elif name == "page":
            out[name] = _page_number(value, where)
        elif isinstance(value, str) and len(value.strip()) <= 40:
            out[name] = _clean(value).strip("《》")
        else:
            raise MetadataError(f"{where}的 {name} 应为不超过 40 字的文字")
    return PageMeta(**out)


def read_sidecar(page: Path) -> PageMeta:
    """`PAGE.toml` or `PAGE.json` beside a page file (same name, other suffix); empty when none."""
    path = sidecar_path(page)
    if path is None:
        return PageMeta()
    try:
        raw = path.read_text(encoding="utf-8")
        values = tomllib.loads(raw) if path.suffix == ".toml" else json.loads(raw)
    except (OSError, UnicodeDecodeError, ValueError) as err:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise MetadataError(f"旁注文件 {path.name} 无法读取：{err}") from err
    if not isinstance(values, dict):
        raise MetadataError(f"旁注文件 {path.name} 应是一组字段（{'、'.join(FIELDS)}）")
    return meta_from_fields(values, f"旁注文件 {path.name} ")


def sidecar_path(page: Path) -> Path | None:
    for suffix in SIDECAR_SUFFIXES:
        candidate = page.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def sidecar_bytes(page: Path) -> bytes:
    """The sidecar's bytes (empty when none): part of a page's fingerprint, so editing it rebuilds."""
    path = sidecar_path(page)
    try:
        return path.read_bytes() if path else b""
    except OSError:
        return b""


def merge(*metas: PageMeta) -> PageMeta:
    """Field by field, a later (stronger) source wins where it says anything."""
    out = PageMeta()
    for meta in metas:
        out = replace(out, **{f.name: v for f in fields(meta) if (v := getattr(meta, f.name))})
    return out


def to_record(meta: PageMeta) -> dict:
    return {name: getattr(meta, name) for name in FIELDS if getattr(meta, name)}


def parse_masthead(line: str) -> PageMeta | None:
    """The metadata a masthead or page-header line prints (`西藏日报 2026年1月20日 星期二 第3版：要闻`),
    or None when the line is not one: at least two of newspaper, date and page number, on a short
    line that is not a sentence."""
    text = _clean(line)
    if not text or len(text) > 60 or re.search(r"[。！？!?]", text):
        return None
    newspaper = _NEWSPAPER.search(text)
    date = _DATE.search(text)
    page = _PAGE.search(text)
    if sum(x is not None for x in (newspaper, date, page)) < 2:
        return None
    meta = PageMeta(
        newspaper=(newspaper.group(1) or newspaper.group(2)) if newspaper else "",
        date=_iso_date(date.group(0), "") if date else "",
        page=_page_number(page.group(1) or page.group(2), "") if page else "",
    )
    title = _PAGE_TITLE.match(text[page.end() - 1:]) if page else None  # 第3版：要闻
    if title and not _WEEKDAY.fullmatch(title.group(1)):
        meta = replace(meta, page_title=title.group(1))
    return meta


def take_masthead(text: str, lines: int = 3) -> tuple[str, PageMeta]:
    """Drop a masthead line from the first few lines of a page and return what it says: it is page
    furniture, not an article, and would otherwise become a heading paragraph."""
    rows = text.split("\n")
    seen = 0
    for i, row in enumerate(rows):
        if not row.strip():
            continue
        meta = parse_masthead(row.lstrip("#").strip())
        if meta is not None:
            return "\n".join(rows[:i] + rows[i + 1:]), meta
        seen += 1
        if seen >= lines:
            break
    return text, PageMeta()


def citation_label(paragraph: Paragraph) -> str:
    """《西藏日报》2026年1月20日 第3版 ·《文章标题》; the file name stands in for an unknown page."""
    where = paragraph.page.reference() if paragraph.page else ""
    title = f"《{paragraph.article}》" if paragraph.article else ""
    where = where or paragraph.source_file
    return f"{where} ·{title}" if title else where


@dataclass(frozen=True)
class Scope:
    """What a question may be answered from: one newspaper and/or issues in a date range (ISO,
    inclusive). A page whose newspaper or date is unknown is outside any scope that names one."""

    newspaper: str = ""
    since: str = ""
    until: str = ""

    @classmethod
    def of(cls, newspaper: str | None = None, since: str | None = None, until: str | None = None) -> Scope | None:
        """A validated scope, or None when nothing limits the question."""
        scope = cls(_clean(newspaper or "").strip("《》"), _iso_date(since, "起始日期 ") if since else "",
                    _iso_date(until, "截止日期 ") if until else "")
        if scope.since and scope.until and scope.since > scope.until:
            raise MetadataError(f"起始日期 {scope.since} 晚于截止日期 {scope.until}")
        return scope if (scope.newspaper or scope.since or scope.until) else None

    def admits(self, page: PageMeta | None) -> bool:
        page = page or PageMeta()
        if self.newspaper and _clean(page.newspaper) != self.newspaper:
            return False
        if (self.since or self.until) and not page.date:
            return False
        if self.since and page.date < self.since:
            return False
        return not (self.until and page.date > self.until)

    def describe(self) -> str:
        parts = [f"《{self.newspaper}》" if self.newspaper else ""]
        if self.since or self.until:
            parts.append(f"{self.since or '…'} 至 {self.until or '…'}")
        return " ".join(p for p in parts if p)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _iso_date(value: object, where: str) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    match = _DATE.search(_clean(str(value))) if isinstance(value, str) else None
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            pass
    raise MetadataError(f"{where}的日期 {str(value)[:40]} 看不懂，应写成 2026-01-20")


def _page_number(value: object, where: str) -> str:
    text = _clean(str(value)) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    text = re.sub(r"^第\s*|\s*版$", "", text)
    if text and all(c in _CN_DIGITS for c in text):
        return str(_chinese_number(text))
    if re.fullmatch(r"[A-Za-z]?\d{1,3}", text):
        return text[0].upper() + str(int(text[1:])) if text[0].isalpha() else str(int(text))
    raise MetadataError(f"{where}的版次 {str(value)[:20]} 看不懂，应写成 3 或 A3")


def _chinese_number(text: str) -> int:
    """一 … 九十九, as page numbers are printed (第十二版)."""
    if "十" not in text:
        return _CN_DIGITS[text[-1]]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
