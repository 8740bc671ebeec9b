"""The basis a figure is stated on: "按可比口径计算", "剔除政策性因素", "考虑经济衰退的影响". Print
gives one quantity twice, plainly and on another basis ("利润47.84亿元，剔除政策性因素，按同口径计算，
利润为63.59亿元"); a question that names the basis asks for the figure stated on it, which the
basis precedes in its sentence (or follows at once, in brackets)."""

from __future__ import annotations

import re

from .schema import Figure

# a basis: what is left out or taken into account, or the measure it is counted by
# (not "按市面价格的几成": at a price, no basis of counting)
_BASIS = re.compile(r"(?:剔除|扣除|不含|不计|考虑到?)了?([^，,。；;？?（）()]{2,12}?)(?:因素|影响|在内)"
                    r"|(?:按照?|依照?)([^，,。；;？?（）()]{2,12}?)(?:口径(?:计?算)?|计算)")


_BASIS_ALONE = re.compile(rf"(?:如果|若|要是)?((?:{_BASIS.pattern}))(?:的话|来看|来说)?")


def basis_alone(text: str) -> str:
    """"按可比口径算的话": the basis, when a follow-up says nothing else ("" when it does)."""
    m = _BASIS_ALONE.fullmatch(text)
    return m.group(1) if m else ""


def bases(text: str) -> list[str]:
    """What each basis the text names is about: "按可比口径计算" → 可比."""
    return [m.group(1) or m.group(2) for m in _BASIS.finditer(text)]


def another_basis(question_text: str, sentence: str, figure: Figure, lead: str = "") -> bool:
    """The question names a basis ("按可比口径计算，…两税实际完成多少") the figure is not stated on:
    no like basis stands before it in its paragraph (`lead`: what the paragraph prints before the
    sentence) or in the brackets right after it (4047亿元 of a sentence that names none, 47.84亿元
    printed before "剔除政策性因素" are another basis's)."""
    asked = bases(question_text)
    if not asked:
        return False
    # "增长8.8%（按可比价格计算）" notes the figure's basis; "56%（考虑…，则为46%）" gives another figure
    after = re.match(r"[^，,。；;（(]{0,4}[（(]([^）)\d]{0,30})[）)]", sentence[figure.end:])
    printed = bases(lead + sentence[: figure.start] + (after.group(1) if after else ""))
    return not any(_alike(a, p) for a in asked for p in printed)


def _alike(asked: str, printed: str) -> bool:
    """Half of the asked basis's characters pairs are printed (同口径 and 可比口径 differ: 同, 可比)."""
    pairs = {asked[i: i + 2] for i in range(len(asked) - 1)} or {asked}
    return sum(1 for p in pairs if p in printed) >= max(1, len(pairs) / 2)
