"""Pages on disk → a corpus of repaired paragraphs; `assistant ingest` adds pages safely."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Settings
from .formats import PAGE_SUFFIXES, Converted, FormatError, convert_document, finish_text, is_document
from .layout import parse_page
from .schema import Article, PageMeta, Paragraph
from .sources import MetadataError, merge, read_sidecar, sidecar_bytes, to_record
from .text import CJK, has_chinese

MAX_PAGE_BYTES = 5_000_000
# A printed page holds a few hundred paragraphs; tens of thousands means a broken or hostile file,
# and would cost hours of embedding.
MAX_PAGE_PARAGRAPHS = 3000
log = logging.getLogger("assistant.ingest")


class IngestError(ValueError):
    """A page that cannot be taken; the message says why, in Chinese, without the file name (the
    caller shows the name once). `status` is the HTTP status an upload of it gets."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class Page:
    """A validated page, ready to be committed to the corpus."""

    name: str
    text: str  # the page text layout reads (a PDF, HTML or DOCX page converted, masthead taken off)
    articles: list[Article]
    paragraphs: list[Paragraph]
    meta: PageMeta = field(default_factory=PageMeta)
    # What goes into the corpus: a text page as UTF-8, a PDF, HTML or DOCX page as the very file it
    # came as, so its paragraph ids (<file stem>-pNNN) lead back to the file the newsroom holds.
    stored: bytes = b""

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Corpus:
    paragraphs: list[Paragraph] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file name → sha256 of its bytes
    skipped: dict[str, str] = field(default_factory=dict)  # file name → why it was left out

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.files)

    def by_id(self) -> dict[str, Paragraph]:
        return {p.paragraph_id: p for p in self.paragraphs}

    def drop(self, files: dict[str, str]) -> None:
        """Leave these pages out (file name → reason): one bad page must not stop the rest."""
        self.paragraphs = [p for p in self.paragraphs if p.source_file not in files]
        self.articles = [a for a in self.articles if a.source_file not in files]
        self.skipped.update(files)


def decode_page(data: bytes) -> str:
    """UTF-8 (with or without BOM), then GB18030 (a superset of GBK); binaries and text that is not
    plausibly language are refused."""
    if not data.strip():
        raise IngestError("文件是空的")
    if len(data) > MAX_PAGE_BYTES:
        raise IngestError(f"文件太大（{len(data)} 字节，上限 {MAX_PAGE_BYTES}）", 413)
    if b"\x00" in data[:8192]:
        raise IngestError("这是二进制文件，不是文本版面")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = len(re.findall(r"[\x00-\x08\x0e-\x1f\x7f]", text))
        if controls > max(3, len(text) // 100):
            raise IngestError("含有大量控制字符，看起来是二进制文件")
        if not has_chinese(text):
            raise IngestError(f"没有中文内容（按 {encoding} 解码）")
        _check_plausible(text)
        return text
    raise IngestError("既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取")


def _check_plausible(text: str) -> None:
    """Any byte string decodes as GB18030; a page of language has varied, common characters.
    20 KB of one byte decodes to 貂貂貂…: one character, and it compresses to nothing."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) >= 50:
        top, count = Counter(chars).most_common(1)[0]
        if count / len(chars) > 0.3:
            raise IngestError(f"看起来不是正常的文字（“{top}”一个字符就占了 {count * 100 // len(chars)}%）", 422)
    data = text.encode("utf-8")
    if len(data) >= 2000 and len(zlib.compress(data)) < len(data) // 20:
        raise IngestError("看起来不是正常的文字（内容几乎全是重复）", 422)
    cjk = re.findall(rf"[{CJK}]", text)
    if len(cjk) >= 50:
        common = sum(1 for c in cjk if _is_common_hanzi(c))
        if common / len(cjk) < 0.5:
            raise IngestError("看起来不是正常的中文（大部分是罕用字，可能是用错了编码的二进制数据）", 422)


def _is_common_hanzi(ch: str) -> bool:
    """In GB2312 (simplified) or Big5 (traditional): the characters newspapers print."""
    for encoding in ("gb2312", "big5"):
        try:
            ch.encode(encoding)
            return True
        except UnicodeEncodeError:
            continue
    return False


def page_name(name: str) -> str:
    """A safe file name for a page: no folders, no leading dots, a page suffix."""
    base = Path(name.replace("\\", "/")).name
    safe = re.sub(r"[^\w.\-]", "_", base).lstrip(".")[:100]
    stem, suffix = Path(safe).stem, Path(safe).suffix.lower()
    if not stem or suffix not in PAGE_SUFFIXES:
        accepted = "、".join(PAGE_SUFFIXES)
        raise IngestError(f"只接受 {accepted} 文件（收到的文件名：{base[:60] or '空'}）", 422)
    return stem + suffix


def convert_page(name: str, data: bytes) -> Converted:
    """Page text and the metadata the file carries: Markdown and text decoded, PDF, HTML and DOCX
    converted (formats.py); either way the text must be plausibly language."""
    if not is_document(name):
        return finish_text(decode_page(data))
    if not data.strip():
        raise IngestError("文件是空的")
    if len(data) > MAX_PAGE_BYTES:
        raise IngestError(f"文件太大（{len(data)} 字节，上限 {MAX_PAGE_BYTES}）", 413)
    try:
        converted = convert_document(name, data)
    except FormatError as err:
        raise IngestError(str(err), err.status) from err
    if not has_chinese(converted.text):
        raise IngestError("没有中文内容")
    _check_plausible(converted.text)
    return converted


def parse_upload(name: str, data: bytes, given: PageMeta | None = None) -> Page:
    """Validate one page given as bytes (an upload, or a file's content). `given` is metadata from
    outside the file (a sidecar, the upload's fields): it wins over what the file says."""
    safe = page_name(name)
    converted = convert_page(safe, data)
    articles, paragraphs = parse_page(converted.text, safe)
    if not paragraphs:
        raise IngestError("没有找到任何段落")
    if len(paragraphs) > MAX_PAGE_PARAGRAPHS:
        raise IngestError(f"段落太多（{len(paragraphs)} 个，一个版面上限 {MAX_PAGE_PARAGRAPHS} 个）", 422)
    meta = merge(converted.meta, given or PageMeta())
    if meta != PageMeta():
        paragraphs = [replace(p, page=meta) for p in paragraphs]
    stored = data if is_document(safe) else decode_page(data).encode("utf-8")
    return Page(safe, converted.text, articles, paragraphs, meta, stored)


def read_page(path: Path) -> Page:
    """Decoded text, articles and paragraphs of one page file, with its sidecar's metadata."""
    page_name(path.name)  # refuse a JPEG before reading 5 MB of it
    try:
        data = path.read_bytes()
        given = read_sidecar(path)
    except OSError as err:
        raise IngestError(f"无法读取（{err.strerror or err}）") from err
    except MetadataError as err:
        raise IngestError(str(err), 422) from err
    return parse_upload(path.name, data, given)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the pages inside folders (recursively, in name order)."""
    found = []
    for path in paths:
        if Path(path).is_dir():
            found += sorted(p for p in Path(path).rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
        else:
            found.append(Path(path))
    return found


def page_files(settings: Settings) -> list[Path]:
    files: dict[str, Path] = {}
    for folder in settings.all_corpus_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in PAGE_SUFFIXES and path.is_file():
                # one page per file stem: paragraph ids are <stem>-pNNN, so a.md and a.pdf would
                # share them; a seed page wins over a same-named copy
                files.setdefault(path.stem, path)
    return sorted(files.values(), key=lambda p: p.name)


def file_digest(path: Path) -> str:
    """sha256 of a page file and its sidecar: editing either makes the index stale."""
    return hashlib.sha256(path.read_bytes() + sidecar_bytes(path)).hexdigest()


def fingerprint(files: dict[str, str]) -> str:
    """One id for a set of page files and their contents."""
    digest = hashlib.sha256()
    for name, sha in sorted(files.items()):
        digest.update(f"{name}\0{sha}\n".encode())
    return digest.hexdigest()[:16]


def page_digests(settings: Settings) -> dict[str, str]:
    """File name → sha256 of its bytes: enough to tell whether the index is stale, without
    parsing 400 pages at every start."""
    return {path.name: file_digest(path) for path in page_files(settings)}


def load_corpus(settings: Settings) -> Corpus:
    """Every readable page; a page that cannot be read is left out and logged, never fatal: one
    bad file must not keep the service from starting."""
    corpus = Corpus()
    for path in page_files(settings):
        try:
            page = read_page(path)
        except IngestError as err:
            log.warning("版面 %s 未收录：%s", path.name, err)
            corpus.skipped[path.name] = str(err)
            continue
        corpus.articles.extend(page.articles)
        corpus.paragraphs.extend(page.paragraphs)
        corpus.files[path.name] = file_digest(path)
    return corpus


@dataclass
class IngestResult:
    path: str
    status: str  # added | unchanged | error
    message: str
    paragraphs: int = 0
    http_status: int = 200


# Run on a validated page before it is committed; raises IngestError if the index could not be
# built from it (the index supplies one that embeds its paragraphs).
PageCheck = Callable[[Page], None]


def ingest_files(paths: list[Path], settings: Settings, check: PageCheck | None = None) -> list[IngestResult]:
    """Validate every page first, then copy the good ones (text pages as UTF-8) into the corpus.
    Folders give the pages inside them. A bad page is reported and leaves the corpus untouched; the
    same page twice changes nothing."""
    read = read_pages(paths)
    results = ingest_pages([page for _, page in read], settings, check)
    for result, (path, _) in zip(results, read):
        result.path = str(path)
    return results


def read_pages(paths: list[Path], progress: Callable[[int, int], None] | None = None,
               ) -> list[tuple[Path, Page | IngestResult]]:
    """Every page file under `paths`, read and validated (or the reason it is not);
    `progress(done, total)` hears of each one."""
    files = expand_paths(paths)
    out: list[tuple[Path, Page | IngestResult]] = []
    for done, path in enumerate(files, start=1):
        try:
            out.append((path, read_page(path)))
        except IngestError as err:
            out.append((path, IngestResult(str(path), "error", str(err), http_status=err.status)))
        if progress:
            progress(done, len(files))
    return out


def ingest_pages(pages: list[Page | IngestResult], settings: Settings,
                 check: PageCheck | None = None) -> list[IngestResult]:
    """Commit validated pages (results already failed pass through)."""
    known = {p.name: p for p in page_files(settings)}
    stems = {p.stem: p.name for p in known.values()}
    known_text = {_text_digest(p): p.name for p in known.values()}
    results = []
    for page in pages:
        if isinstance(page, IngestResult):
            results.append(page)
            continue
        if page.digest in known_text:
            results.append(IngestResult(page.name, "unchanged", f"已在资料库中（{known_text[page.digest]}），无需重复导入",
                                        len(page.paragraphs)))
            continue
        if page.name in known or Path(page.name).stem in stems:
            results.append(IngestResult(page.name, "error", "资料库中已有同名但内容不同的文件"
                                        f"（{stems.get(Path(page.name).stem, page.name)}），请改名后再导入",
                                        http_status=409))
            continue
        try:
            if check is not None:
                check(page)
        except IngestError as err:
            results.append(IngestResult(page.name, "error", str(err), http_status=err.status))
            continue
        if page.meta != PageMeta():  # first: a page never lands without its metadata
            sidecar = json.dumps(to_record(page.meta), ensure_ascii=False, indent=1).encode("utf-8")
            write_atomic(settings.pages_dir / (Path(page.name).stem + ".json"), sidecar)
        write_atomic(settings.pages_dir / page.name, page.stored or page.text.encode("utf-8"))
        known[page.name] = settings.pages_dir / page.name
        stems[Path(page.name).stem] = page.name
        known_text[page.digest] = page.name
        results.append(IngestResult(page.name, "added", f"已导入 {len(page.paragraphs)} 个段落", len(page.paragraphs)))
    return results


def _text_digest(path: Path) -> str:
    try:
        return hashlib.sha256(convert_page(path.name, path.read_bytes()).text.encode("utf-8")).hexdigest()
    except (IngestError, OSError):
        return ""


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers see all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
