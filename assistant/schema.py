"""Typed records passed between the stages: ingest → index → retrieve → answer → chat."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Paragraph kinds. Captions, credits and bylines are kept (users ask about them)
# but never mixed into a body paragraph.
BODY, CAPTION, CREDIT, BYLINE, HEADING, NOTE = "body", "caption", "credit", "byline", "heading", "note"


@dataclass(frozen=True)
class PageMeta:
    """Where a page was printed, as far as it is known: read from its masthead line, the file's own
    metadata (PDF info, HTML <meta>, DOCX properties), a sidecar file or the upload's fields."""

    newspaper: str = ""  # 西藏日报 (without 《》)
    date: str = ""  # the issue date, ISO: 2026-01-20
    page: str = ""  # the page number as printed: "3", "A3"
    page_title: str = ""  # the page's own name: 要闻, 援藏专版

    def reference(self) -> str:
        """《西藏日报》2026年1月20日 第3版, or as much of it as is known ("" when nothing is)."""
        parts = [f"《{self.newspaper}》" if self.newspaper else ""]
        if self.date:
            year, month, day = (int(x) for x in self.date.split("-"))
            parts.append(f"{year}年{month}月{day}日")
        if self.page:
            parts.append(f" 第{self.page}版" if self.page.isdigit() else f" {self.page}版")
        return "".join(parts).strip()


@dataclass(frozen=True)
class Paragraph:
    paragraph_id: str  # "<file stem>-p<running number>", stable across rebuilds
    source_file: str  # file name inside the corpus folder
    position: int  # running number within the file, in reading order
    article: str  # article title
    section: str  # section heading inside the article ("" when none)
    kind: str  # BODY, CAPTION, CREDIT, BYLINE, HEADING or NOTE
    text: str  # as printed (split sentences rejoined), shown to users
    search_text: str  # punctuation-normalised text used for indexing and matching
    repairs: tuple[str, ...] = ()  # what layout repair did to this paragraph, for traceability
    page: PageMeta | None = None  # where its page was printed; kept out of the embedded text

    def context(self) -> str:
        """Article and section in front of the text: gives short paragraphs their subject."""
        head = " ".join(p for p in (self.article, self.section) if p)
        return f"{head}\n{self.search_text}" if head else self.search_text

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Article:
    source_file: str
    title: str
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    banner: str = ""  # page banner above the article (level-1 heading on a special page)


@dataclass(frozen=True)
class Hit:
    paragraph: Paragraph
    score: float  # fused score (higher is better)
    rank: int  # 1-based rank after fusion
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass(frozen=True)
class Figure:
    """A number as printed, with what it means once normalised."""

    text: str  # exactly as printed, qualifiers included: "近600人", "1.6万余个"
    value: float  # normalised value: "1.54万人次" → 15400.0
    unit: str  # "人次", "元", "%", "年" …; "" for a bare number
    kind: str  # money | people | count | percent | date | measure | number
    qualifier: str = ""  # 近 / 超 / 余 / 以上 … kept because they change the meaning
    start: int = 0  # span inside the text it was read from
    end: int = 0


@dataclass(frozen=True)
class Citation:
    number: int  # the [n] used in the answer text
    paragraph_id: str
    source_file: str
    article: str
    section: str
    text: str  # the paragraph's full text
    highlight: str = ""  # the figure or phrase that answers the question
    # what a reader is shown: 《西藏日报》2026年1月20日 第3版 ·《文章标题》, or the file name when
    # the page's newspaper, date and page are unknown
    label: str = ""
    page: PageMeta | None = None

    def to_dict(self) -> dict:
        page = self.page or PageMeta()
        return {
            "paragraph_id": self.paragraph_id,
            "source_file": self.source_file,
            "article": self.article,
            "section": self.section,
            "text": self.text,
            "highlight": self.highlight,
            "label": self.label,
            "newspaper": page.newspaper,
            "date": page.date,
            "page": page.page,
            "page_title": page.page_title,
        }


@dataclass
class Answer:
    question: str  # as the user typed it
    standalone_question: str  # after follow-up resolution
    text: str  # what the user sees: direct answer, quoted support, numbered citations
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # the figures given as the answer
    hits: list[Hit] = field(default_factory=list)  # retrieval results, for evaluation
    timings_ms: dict[str, float] = field(default_factory=dict)
    replaced: bool = False  # a generated answer failed verification and was replaced
    draft: str = ""  # what a generative model wrote, before verification ("" for the extractive reader)

    def body(self) -> str:
        """The answer without its source list: the part whose numbers must be cited."""
        return self.text.split("\n来源：", 1)[0]

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.text,
            "refused": self.refused,
            "figures": list(self.figures),
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": dict(self.timings_ms),
            "replaced": self.replaced,
        }
