"""Pages on disk → a corpus of repaired paragraphs; `assistant ingest` adds pages safely."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .layout import parse_page
from .schema import Article, Paragraph
from .text import has_chinese

PAGE_SUFFIXES = (".md", ".txt")
MAX_PAGE_BYTES = 5_000_000


class IngestError(ValueError):
    """A page that cannot be read; the message says why, in Chinese, for the user."""


@dataclass
class Corpus:
    paragraphs: list[Paragraph] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file name → sha256 of its bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.files)

    def by_id(self) -> dict[str, Paragraph]:
        return {p.paragraph_id: p for p in self.paragraphs}


def decode_page(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), then GB18030 (a superset of GBK); binaries are refused."""
    if not data.strip():
        raise IngestError(f"{name}：文件是空的")
    if len(data) > MAX_PAGE_BYTES:
        raise IngestError(f"{name}：文件太大（{len(data)} 字节，上限 {MAX_PAGE_BYTES}）")
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}：这是二进制文件，不是文本版面")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = len(re.findall(r"[\x00-\x08\x0e-\x1f\x7f]", text))
        if controls > max(3, len(text) // 100):
            raise IngestError(f"{name}：含有大量控制字符，看起来是二进制文件")
        if not has_chinese(text):
            raise IngestError(f"{name}：没有中文内容（按 {encoding} 解码）")
        return text
    raise IngestError(f"{name}：既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取")


def read_page(path: Path) -> tuple[str, list[Article], list[Paragraph]]:
    """Decoded text, articles and paragraphs of one page file."""
    if path.suffix.lower() not in PAGE_SUFFIXES:
        raise IngestError(f"{path.name}：只接受 .md 或 .txt 文件")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"{path.name}：无法读取（{err.strerror or err}）") from err
    text = decode_page(data, path.name)
    articles, paragraphs = parse_page(text, path.name)
    if not paragraphs:
        raise IngestError(f"{path.name}：没有找到任何段落")
    return text, articles, paragraphs


def page_files(settings: Settings) -> list[Path]:
    files: dict[str, Path] = {}
    for folder in settings.all_corpus_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in PAGE_SUFFIXES and path.is_file():
                files.setdefault(path.name, path)  # a seed page wins over a same-named copy
    return [files[name] for name in sorted(files)]


def fingerprint(files: dict[str, str]) -> str:
    """One id for a set of page files and their contents."""
    digest = hashlib.sha256()
    for name, sha in sorted(files.items()):
        digest.update(f"{name}\0{sha}\n".encode())
    return digest.hexdigest()[:16]


def page_digests(settings: Settings) -> dict[str, str]:
    """File name → sha256 of its bytes: enough to tell whether the index is stale, without
    parsing 400 pages at every start."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in page_files(settings)}


def load_corpus(settings: Settings) -> Corpus:
    corpus = Corpus()
    for path in page_files(settings):
        _, articles, paragraphs = read_page(path)
        corpus.articles.extend(articles)
        corpus.paragraphs.extend(paragraphs)
        corpus.files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return corpus


@dataclass
class IngestResult:
    path: str
    status: str  # added | unchanged | error
    message: str
    paragraphs: int = 0


def ingest_files(paths: list[Path], settings: Settings) -> list[IngestResult]:
    """Validate every page first, then copy the good ones (as UTF-8) into the corpus.

    A bad page is reported and leaves the corpus untouched; the same page twice changes nothing.
    """
    known = {p.name: p for p in page_files(settings)}
    known_text = {_text_digest(p): p.name for p in known.values()}
    results = []
    for path in paths:
        try:
            text, _, paragraphs = read_page(Path(path))
        except IngestError as err:
            results.append(IngestResult(str(path), "error", str(err)))
            continue
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        name = Path(path).with_suffix(Path(path).suffix.lower()).name
        if digest in known_text:
            results.append(IngestResult(str(path), "unchanged", f"已在资料库中（{known_text[digest]}），无需重复导入",
                                        len(paragraphs)))
            continue
        if name in known:
            results.append(IngestResult(str(path), "error", f"{name}：资料库中已有同名但内容不同的文件，请改名后再导入"))
            continue
        write_atomic(settings.pages_dir / name, text.encode("utf-8"))
        known[name] = settings.pages_dir / name
        known_text[digest] = name
        results.append(IngestResult(str(path), "added", f"已导入 {len(paragraphs)} 个段落", len(paragraphs)))
    return results


def _text_digest(path: Path) -> str:
    try:
        return hashlib.sha256(decode_page(path.read_bytes(), path.name).encode("utf-8")).hexdigest()
    except IngestError:
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
