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
    """Figures in the answer whose value appears in none of the cited paragraphs. A result
    shown with its working ("计算：80.7亿元 − 25.6亿元 = 55.1亿元") is supported when both
    operands are cited and the arithmetic holds."""
    printed = [f for text in cited_texts for f in find_figures(text)]
    bare = {float(n) for text in cited_texts for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))}

    def cited(figure: Figure) -> bool:
        return figure.value in bare or any(same_value(figure, p) for p in printed)

    derived = [f for line in answer_body.splitlines() for f in _checked_results(line, cited)]
    missing = []
    for figure in stated_figures(answer_body):
        if cited(figure) or any(same_value(figure, d) for d in derived):
            continue
        missing.append(figure)
    return missing


_WORKING = re.compile(r"计算：(?P<a>[^+−=]+?)\s*(?P<op>[+−])\s*(?P<b>[^+−=]+?)\s*=\s*(?P<c>\S+)")


def _checked_results(line: str, cited) -> list[Figure]:
    m = _WORKING.search(line)
    if not m:
        return []
    a, b, c = (find_figures(m.group(k), bare_numerals=True) for k in "abc")
    if not (a and b and c) or not (cited(a[0]) and cited(b[0])):
        return []
    expected = a[0].value + b[0].value if m.group("op") == "+" else a[0].value - b[0].value
    if abs(abs(expected) - c[0].value) > 1e-6 * max(abs(expected), 1.0):
        return []
    return [c[0]]
