"""Number fidelity: every figure an answer states must be printed in a paragraph it cites."""

from __future__ import annotations

import re

from .figures import find_figures, same_value
from .schema import Figure

_CITATION_MARK = re.compile(r"\[\d+\]")


def stated_figures(answer_body: str) -> list[Figure]:
    """Figures an answer states; citation marks like [1] are references, not numbers."""
    return find_figures(_CITATION_MARK.sub(" ", answer_body))


def unsupported_figures(answer_body: str, cited_texts: list[str]) -> list[Figure]:
    """Figures in the answer whose value appears in none of the cited paragraphs."""
    printed = [f for text in cited_texts for f in find_figures(text)]
    bare = {float(n) for text in cited_texts for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))}
    missing = []
    for figure in stated_figures(answer_body):
        if figure.value in bare or any(same_value(figure, p) for p in printed):
            continue
        missing.append(figure)
    return missing
