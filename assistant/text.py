"""Chinese text helpers shared by every stage: punctuation normalisation, sentences, tokens."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

CJK = r"\u3400-\u9fff"
# "本报北京1月20日讯", "新华社太原1月21日电": where and when a report was filed, not what it reports
DATELINE = re.compile(r"(?:本报|新华社|据新华社|中新社)[^，。：:]{0,12}?(?:\d{1,2}|[一二三四五六七八九十]+)月(?:\d{1,2}|[一二三四五六七八九十]+)日(?:讯|电)")
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
# Half-width punctuation touching a Chinese character (or a closing quote) is layout noise;
# digits keep theirs ("1.54", "6.8级", "1,200").
_HALF_PUNCT = re.compile(rf"(?<=[{CJK}”’」』）%])[,:;!?](?!\d)|[,:;!?](?=[{CJK}“‘「『（])")
_HALF_PAREN = re.compile(rf"\((?=[{CJK}])|(?<=[{CJK}])\)")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
SENTENCE_END = "。！？!?；;…"
_SENTENCE = re.compile(rf"[^{SENTENCE_END}]*(?:[{SENTENCE_END}]+[”’」』）]?|$)")


def normalise(text: str) -> str:
    """Text for indexing and matching: full-width punctuation between Chinese, ASCII digits."""
    text = text.translate(_FULLWIDTH_DIGITS)
    text = _MIDDLE_DOT_DECIMAL.sub(".", text)  # 1998 print: "120·74亿美元" is 120.74
    text = _HALF_PUNCT.sub(lambda m: _HALF_TO_FULL[m.group(0)], text)
    text = _HALF_PAREN.sub(lambda m: _HALF_TO_FULL[m.group(0)], text)
    text = _SPACES.sub(" ", text)
    return re.sub(rf"(?<=[{CJK}]) (?=[{CJK}])", "", text).strip()


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_MIDDLE_DOT_DECIMAL = re.compile(r"(?<=\d)[·•・](?=\d)")


_NUMERALS = set("零〇一二两三四五六七八九十百千万亿")


@lru_cache(maxsize=16384)
def segmented(text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) of jieba's default cut: one segmentation of a text, however many readings
    (list heads, place names inside words, word stems) look at it."""
    import jieba

    return tuple(jieba.tokenize(text))


@lru_cache(maxsize=8192)
def share_heads(text: str) -> str:
    """Spell out a head the print shares between listed words: "轻、重工业" → "轻工业、重工业",
    "进、出口" → "进口、出口", "农、林、牧、渔业" → "农业、林业、牧业、渔业". Each single-character
    word before "、" takes the rest of the word that ends the list, so a question about 轻工业
    finds its own figure in "轻、重工业分别增长11.5%、10.4%"."""
    if "、" not in text:
        return text
    words = [w for w, _, _ in segmented(text)]
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        # a unit after a figure ("4700吨、农药") is no word of the list
        while j + 1 < len(words) and _single(words[j]) and words[j + 1] == "、" \
                and not (j > 0 and words[j - 1][-1:].isdigit()):
            j += 2
        last = words[j] if j < len(words) else ""
        if j > i and len(last) >= 2 and re.fullmatch(rf"[{CJK}]+", last) and last[0] not in _NUMERALS:
            out += ["、".join([w + last[1:] for w in words[i:j:2]] + [last])]
            i = j + 1
        else:
            out.append(words[i])
            i += 1
    return "".join(out)


def _single(word: str) -> bool:
    return len(word) == 1 and re.fullmatch(rf"[{CJK}]", word) is not None and word not in _NUMERALS


def sentences(text: str) -> list[str]:
    """Split on sentence-final punctuation, keeping the punctuation and closing quotes."""
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]


def clauses(sentence: str) -> list[tuple[int, int]]:
    """Spans of comma-separated clauses: figures in a list each sit in their own clause, and the
    header a colon opens ("各单项商品抽查合格率分别为：") is no part of the first item's."""
    spans, start = [], 0
    for m in re.finditer(r"[，,；;：]", sentence):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(sentence)))
    return [s for s in spans if s[1] > s[0]]


def has_chinese(text: str) -> bool:
    return re.search(rf"[{CJK}]", text) is not None


class Tokenizer:
    """jieba, with the corpus' own place and organisation names added to its dictionary."""

    _lock = threading.Lock()

    def __init__(self, extra_terms: Iterable[str] = (), cache_dir: Path | None = None) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._jieba.tmp_dir = str(cache_dir)
            # jieba.posseg (part-of-speech tags) runs on jieba's default tokenizer: its dictionary
            # cache belongs beside ours, not in the server's temporary folder
            if not jieba.dt.initialized:
                jieba.dt.tmp_dir = str(cache_dir)
        with self._lock:
            self._jieba.initialize()
            for term in sorted(set(_builtin_terms()) | set(extra_terms)):
                self._jieba.add_word(term, freq=2000)

    def words(self, text: str) -> list[str]:
        return [w for w in self._jieba.lcut(normalise(text)) if w.strip()]

    def frequency(self, word: str) -> int:
        """How often jieba's dictionary saw the word (0: a word jieba's HMM made up)."""
        return self._jieba.FREQ.get(word, 0)

    def terms(self, text: str) -> list[str]:
        """Index terms: words without punctuation and stop words; digits kept (figures matter)."""
        return [w for w in self.words(text) if _is_term(w)]


_STOPWORDS = set(
    "的 了 和 与 及 是 在 为 对 把 被 将 从 向 等 也 都 还 就 而 并 或 让 使 其 之 以 于 着 过 "
    "这 那 个 有 我 们 你 他 她 它 该 此 各 每 多少 几 什么 哪 哪些 哪个 哪里 谁 吗 呢 吧 啊 "
    "请问 请 一下 是否 如何 怎么 怎样 为什么 给 到 上 中 下 来 去 说 又 再 已 已经 共 达 达到 共计 累计 一共 "
    "总共 大约 目前 如今 现在 到底 究竟 具体 情况 数字 数据 数量 分别 各自 知道 告诉 能 可以 要 叫 叫做 称为 名称 名字 比 多 高 少 低 百分点 那个 这个 这次 那次 这些 那些 去年 今年 前年 "
    "本次 此次 至 自 截至".split()
)


def _is_term(word: str) -> bool:
    if word in _STOPWORDS:
        return False
    return re.search(rf"[{CJK}A-Za-z0-9]", word) is not None


def _builtin_terms() -> list[str]:
    """Corpus terms (data/terms.txt) and the words of the synonym groups (data/synonyms.txt)."""
    terms = []
    for name in ("terms.txt", "synonyms.txt"):
        path = Path(__file__).with_name("data") / name
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            if line.strip() and not line.startswith("#"):
                terms += [w for w in line.split() if len(w) > 1]
    return terms


def longest_common(a: str, b: str) -> str:
    """The longest run of characters of `a` that `b` prints too (the first on a tie)."""
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best
