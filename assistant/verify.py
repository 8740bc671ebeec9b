"""Number fidelity: every figure an answer states must be printed in a paragraph it cites."""

from __future__ import annotations

import re

from .extract import PARAPHRASE_WORDS
from .figures import find_figures, same_value
from .schema import Figure
from .text import normalise

_CITATION_MARK = re.compile(r"\[\d+\]")


def stated_figures(answer_body: str) -> list[Figure]:
    """Figures an answer states; citation marks like [1] are references, not numbers."""
    return find_figures(normalise(_CITATION_MARK.sub(" ", answer_body)))


def prints(text: str, figure: Figure) -> bool:
    """The text prints this figure's value (as a figure, or as the bare number). Full-width digits
    (１９９７, ８．５％) read as the figures they are: answers quote normalised text."""
    text = normalise(text)
    bare = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))}
    return figure.value in bare or any(same_value(figure, p) for p in find_figures(text))


def unsupported_figures(answer_body: str, cited_texts: list[str]) -> list[Figure]:
    """Figures in the answer whose value appears in none of the cited paragraphs. A result
    shown with its working ("计算：80.7亿元 − 25.6亿元 = 55.1亿元") is supported when both
    operands are cited and the arithmetic holds."""

    def cited(figure: Figure) -> bool:
        return any(prints(text, figure) for text in cited_texts)

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


# A stated figure answers the question only where the question's words stand around it: this share
# of them (IDF-weighted) in its sentence, the extractive answerer's own bar, and enough in its own
# clause that 安徽's 100万元 of 智力援藏资金 is not taken for its 签约资金.
FIT_WORDS = 0.55
FIT_CLAUSE = 0.4
# Or, for a paraphrase: the question's rarest word printed with the figure, this much of its words,
# and this cosine between the question and the figure's sentence. The word share is the extractive
# answerer's own paraphrase bar (a draft is never held to more than the answerer it backs); the
# cosine is looser than the answerer's, because a model has already read the sources and proposed
# this figure (chosen on the dev drafts).
DRAFT_PARAPHRASE_WORDS = PARAPHRASE_WORDS
DRAFT_PARAPHRASE_MEANING = 0.88
_SENTENCE = re.compile(r"[^。！？!?\n]*[。！？!?\n]?")


class FigureCheck:
    """Checks the figures of a generated draft against the sources it was given, on their own
    evidence: whether each is printed in a given source, and whether the sentence that prints it
    agrees with the question's subject (place), time, answer type and unit (the reader's evidence)."""

    def __init__(self, answerer, question, given: list, user_text: str = "") -> None:
        self.extractor = answerer.extractor
        self.question, self.given = question, given
        self.user = find_figures(f"{question.text} {user_text}", bare_numerals=True)
        self._fits: dict[float, bool] = {}

    def stated(self, text: str) -> list[Figure]:
        """Figures the draft states, less those the user stated: support by the user's own words."""
        return [f for f in stated_figures(text) if not any(same_value(f, u) for u in self.user)]

    def printing(self, figure: Figure) -> list[int]:
        """Numbers ([n], 1-based) of the given sources that print the figure."""
        return [n for n, hit in enumerate(self.given, start=1) if prints(hit.paragraph.text, figure)]

    def fits(self, figure: Figure) -> bool:
        if figure.value not in self._fits:
            self._fits[figure.value] = self._agrees(figure)
        return self._fits[figure.value]

    def _agrees(self, figure: Figure) -> bool:
        from .reader.candidates import candidates
        from .reader.evidence import FIGURE_FEATURES, Evidence

        question = self.question
        found = [c for c in candidates(question, self.given, self.extractor) if same_value(c.figure, figure)]
        if not found:  # about another place or year, or not the kind of figure asked for (Extractor.ruled_out)
            return False
        rows = Evidence(self.extractor).figure_features(question, found, question.vector)
        at = {name: i for i, name in enumerate(FIGURE_FEATURES)}
        # a date stands alone in its clause ("1月18日，…举行分红大会"): its sentence says what happened
        near = "words_sentence" if figure.kind == "date" else "words_clause"
        key = self.extractor.key_term(question)
        for c, row in zip(found, rows):
            if row[at["unit_mismatch"]] or row[at["time_conflicts"]] or row[at["year_missing"]]:
                continue
            if row[at["words_credited"]] >= FIT_WORDS and row[at[near]] >= FIT_CLAUSE:
                return True
            # A paraphrase ("走了多远" for "跨越3500公里") shares few words with the page; it still
            # fits when the question's most specific word is printed there and the sentence means
            # what was asked. 安徽's 100万元 of 智力援藏资金 lacks 签约, so it does not.
            if (key and self.extractor.mentions(c.plain + c.context, key) and row[at["words_credited"]] >= DRAFT_PARAPHRASE_WORDS
                    and row[at["sem_sentence"]] >= DRAFT_PARAPHRASE_MEANING):
                return True
        return False

    def cited_right(self, sentence: str) -> bool:
        """Every figure of the sentence is printed by a source it cites (or it cites none)."""
        marks = {int(n) for n in _CITATION_NUMBER.findall(sentence)}
        return all(not marks or marks & set(self.printing(f)) for f in self.stated(sentence))

    def reattach(self, text: str) -> tuple[str, bool]:
        """Point each sentence's citation at the given source that prints its figures, where the
        model numbered it wrong or left it out; a sentence without figures that quotes a source
        (“…”) cites the source it quotes. Returns the text and whether anything moved."""
        moved = False
        out = []
        for sentence in _SENTENCE.findall(text):
            if not sentence:
                continue
            marks = _CITATION_MARK.findall(sentence)
            right = self._sources_for(sentence)
            if right and (not marks or not self.cited_right(sentence)):
                cite = "".join(f"[{n}]" for n in right)
                bare = _CITATION_MARK.sub("", sentence)
                end = len(bare.rstrip("。！？!?\n "))
                sentence = bare[:end] + cite + bare[end:]
                moved = True
            out.append(sentence)
        return "".join(out), moved

    def _sources_for(self, sentence: str) -> list[int]:
        figures = self.stated(sentence)
        if figures:
            return sorted({n for f in figures for n in self.printing(f)})
        quotes = [q for q in re.findall(r"“([^”]{6,})”", sentence)]
        return [n for n, hit in enumerate(self.given, start=1)
                if any(_loose(q) in _loose(hit.paragraph.text) for q in quotes)]


def _loose(text: str) -> str:
    """For finding a quote in its source: no spaces, punctuation in one width."""
    from .text import normalise

    return re.sub(r"[\s‘’'\"]", "", normalise(text))


_CITATION_NUMBER = re.compile(r"\[(\d+)\]")
_CLAUSE_END = re.compile(r"[，。；！？\n,;!?]")


class StreamGate:
    """Releases a streamed draft clause by clause. Text without figures flows at once; a clause that
    states a figure waits until the figure is printed in a source the clause cites and stands in a
    sentence that answers the question. The first clause that fails holds back everything after it:
    the final, verified answer shows it (or replaces it). Citation numbers are renumbered in order of
    first use, as in the final answer, so what was shown stays a prefix of it."""

    def __init__(self, check: FigureCheck) -> None:
        self.check = check
        self.emitted = 0
        self.held = False
        self.renumber: dict[str, str] = {}

    def release(self, written: str):
        while not self.held:
            pending = written[self.emitted:]
            end = _CLAUSE_END.search(pending)
            if end is None:
                return
            clause = pending[: end.end()]
            if not self._safe(clause):
                self.held = True
                return
            self.emitted += len(clause)
            yield _CITATION_NUMBER.sub(self._number, clause)

    def _safe(self, clause: str) -> bool:
        figures = self.check.stated(clause)
        if not figures:
            return True
        if not self.check.cited_right(clause) or any(not self.check.printing(f) for f in figures):
            return False
        return not self.check.question.wants_figure or all(self.check.fits(f) for f in figures)

    def _number(self, m: re.Match) -> str:
        self.renumber.setdefault(m.group(1), str(len(self.renumber) + 1))
        return f"[{self.renumber[m.group(1)]}]"
