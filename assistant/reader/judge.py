"""Judge: whether the rule reader's answer may be stated, decided by weights fitted on the dev
splits instead of the hand-set acceptance thresholds alone.

The rule scorer (extract.py) ranks candidate figures well: the gold figure is usually first even
when the question is put in other words. What it does badly is *decide*: a fixed share of
question words (0.55) refuses paraphrases whose answer it ranked first, and states confident
figures for near-miss questions the pages do not answer. The judge reads the few best candidates
with distinct answers (the shortlist) and weighs evidence the rules do not combine: the rule
score and its margin, whether the rules would answer, the e5 cosine between the question and
the sentence, character-bigram overlap, how much of the question the pages never print, how
many paragraphs print the same figure, type, unit and change agreement, and for a who / which
question whether the sentence names one of the kind asked (names.py). Shallow boosted
trees (trees.py) give each shortlisted candidate the probability that it is the answer; the rule
reader's answer is stated only when its probability reaches the threshold chosen on dev
(`assistant train-reader`). Where the rules refuse, the judge states its most probable candidate
at a second threshold, chosen together with the first: a question in other words ("卖到国外的货" for 出口) covers too
few of the printed words for the rules, yet its figure is usually the judge's first. Every
shortlisted candidate has passed the hard rules (place, year, unit, kind), so none is outweighed.
It never swaps a runner-up for the rule pick: that measured no better on dev.

Measured on the 326 blind-written dev questions (session 11), each batch scored by a judge fitted and
thresholded without it: logistic regression 173 right / 21 wrong, trees 176 / 19, trees that also
answer where the rules refuse 185 / 23."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..extract import Candidate, Extractor, before_contrast, clause_around, item_around
from ..figures import counted_unit, find_figures
from ..flanks import issue_year
from ..names import entity
from ..question import Question
from ..text import clauses, normalise, sentences, share_heads
from .candidates import time_marks
from .evidence import bigrams
from .trees import Trees

_NAMED_KINDS = {"person", "organisation", "place"}
JUDGE_FILE = Path(__file__).resolve().parent.parent / "data" / "judge_model.json"

# a figure the rules refuse is stated only where some of the question is printed around it: the
# trees never saw enough candidates that share no word with the question to judge them
RESCUE_COVERAGE = 0.05
CLOSEST_PROBABILITY = 0.1  # a refused question's candidates this probable are shown as related
SHORTLIST = 3  # the rule scorer's best candidates with distinct answers the judge weighs
BY_MEANING, BY_MEANING_POOL = 2, 40  # and the best by meaning among the rule scorer's first 40

JUDGE_FEATURES = (
    "rule_score", "coverage", "score_gap", "is_rule_first", "rule_pick", "rules_answer",
    "hit_inverse", "meaning", "meaning_gap", "bigrams_sentence", "bigrams_gap",
    "unprinted_share", "key_printed", "support", "close_values", "level_for_change", "is_change",
    "unit_match", "kind_exact", "wants_figure", "names_place", "is_computed_kind",
    "missing_near", "missing_anywhere", "rarest_credit", "time_agrees", "time_conflicts", "part_of_year", "year_missing",
    "clause_meaning", "clause_gap", "meaning_rank", "top_margin", "candidates_many",
    "asks_money", "asks_percent", "asks_count", "asks_measure", "asks_date", "asks_name", "asks_bare",
    "names_one",
)
# what the question asks, in the groups whose answers the rule scorer gets right at different rates
_ASKS_GROUP = {"money": "asks_money", "percent": "asks_percent", "growth": "asks_percent", "count": "asks_count",
               "people": "asks_count", "measure": "asks_measure", "duration": "asks_measure", "date": "asks_date",
               "person": "asks_name", "place": "asks_name", "organisation": "asks_name", "number": "asks_bare"}


@dataclass
class JudgeModel:
    """The fitted judge, a small versioned JSON file in the package (`assistant train-reader`)."""

    version: str
    trees: Trees  # probability that a shortlisted candidate is the answer
    threshold: float  # the rule reader's answer stands at or above it
    rescue_threshold: float  # where the rules refuse, the judge's best is stated at or above it
    trained_on: dict = field(default_factory=dict)

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return self.trees.probability(rows)

    @classmethod
    def load(cls, path: Path = JUDGE_FILE) -> JudgeModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if "trees" not in data or tuple(data["trees"]["features"]) != JUDGE_FEATURES:
            raise ValueError(f"{path} was fitted on other evidence; run `assistant train-reader` again")
        return cls(data["version"], Trees.from_dict(data["trees"]), float(data["threshold"]),
                   float(data["rescue_threshold"]), data.get("trained_on", {}))

    def save(self, path: Path = JUDGE_FILE) -> None:
        data = {"version": self.version, "trained_on": self.trained_on, "threshold": round(self.threshold, 4),
                "rescue_threshold": round(self.rescue_threshold, 4), "trees": self.trees.to_dict()}
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


@dataclass
class Verdict:
    answer: Candidate | None  # None: refuse
    probability: float  # that the answer (or, on a refusal, the candidate weighed) is right
    closest: list[Candidate] = field(default_factory=list)  # shortlisted, most probable first
    # every shortlisted candidate with its probability, in shortlist order (the rule scorer's first
    # distinct answers, then the closest in meaning): what a second reader may weigh again
    weighed: list[tuple[Candidate, float]] = field(default_factory=list)


@dataclass
class Shortlisted:
    candidate: Candidate
    features: np.ndarray


class Judge:
    """`model` None: no fitted judge, the rule pick stands (what training collects, through `sink`)."""

    def __init__(self, extractor: Extractor, model: JudgeModel | None = None,
                 sink: Callable[[Question, list[Shortlisted], Candidate | None], None] | None = None) -> None:
        self.extractor = extractor
        self.model = model
        self.sink = sink

    def choose(self, question: Question, ranked: list[Candidate], rule_pick: Candidate | None) -> Verdict:
        """The answer the judge lets stand (None: refuse) and the probability that it is the answer:
        the rule reader's pick at the threshold, or, where the rules refuse, the most probable
        shortlisted candidate at the rescue threshold."""
        if self.model is None and self.sink is None:
            return Verdict(rule_pick, 1.0 if rule_pick is not None else 0.0)
        listed = self.shortlist(question, ranked, rule_pick)
        if self.sink is not None:
            self.sink(question, listed, rule_pick)
        if self.model is None or not listed:
            return Verdict(rule_pick, 1.0 if rule_pick is not None else 0.0)
        probabilities = self.model.probability(np.vstack([s.features for s in listed]))
        # a refusal shows what came closest: a paraphrase the judge ranks first but cannot be sure of
        # shares few printed words with the question, so the rule scorer's coverage would show nothing
        closest = [listed[i].candidate for i in np.argsort(-probabilities, kind="stable")
                   if probabilities[i] >= CLOSEST_PROBABILITY]
        weighed = [(s.candidate, float(p)) for s, p in zip(listed, probabilities)]
        if rule_pick is not None:
            mine = next(i for i, s in enumerate(listed) if s.candidate is rule_pick)
            probability = float(probabilities[mine])
            return Verdict(rule_pick if probability >= self.model.threshold else None, probability, closest, weighed)
        best = int(np.argmax(probabilities))  # the first on a tie, as training counts it
        probability = float(probabilities[best])
        stands = probability >= self.model.rescue_threshold and listed[best].candidate.coverage >= RESCUE_COVERAGE
        return Verdict(listed[best].candidate if stands else None, probability, closest, weighed)

    def shortlist(self, question: Question, ranked: list[Candidate], rule_pick: Candidate | None) -> list[Shortlisted]:
        seen, picked = set(), []
        for c in ranked:
            key = answer_key(c)
            if key in seen:
                continue
            seen.add(key)
            picked.append(c)
            if len(picked) == SHORTLIST:
                break
        if rule_pick is not None and all(c is not rule_pick for c in picked):
            picked.append(rule_pick)  # the range end or paraphrase the rules chose further down
        if not picked:
            return []
        # a question in other words ("苹果、橘子这类鲜果" for 水果) may rank its figure low on words;
        # the clause that means most nearly what was asked is weighed too
        clause = {id(c): self.clause_meaning(question, c) for c in [*ranked[:BY_MEANING_POOL], *picked]}
        meaning = {id(c): clause[id(c)] if c.figure is not None else self.extractor.meaning(question, c)
                   for c in ranked[:BY_MEANING_POOL]}
        order = sorted(ranked[:BY_MEANING_POOL], key=lambda c: -meaning[id(c)])
        rank_of = {id(c): i for i, c in enumerate(order)}
        added = 0
        for c in order:
            if added == BY_MEANING or answer_key(c) in seen:
                continue
            seen.add(answer_key(c))
            picked.append(c)
            added += 1
        rows = [self._row(question, c, ranked, rule_pick) | {"clause_meaning": clause[id(c)],
                "meaning_rank": 1.0 / (1 + rank_of.get(id(c), BY_MEANING_POOL))} for c in picked]
        for key in ("meaning", "bigrams_sentence", "clause_meaning"):
            best = max(r[key] for r in rows)
            for r in rows:
                r[key.split("_")[0] + "_gap"] = r[key] - best
        return [Shortlisted(c, np.array([r[n] for n in JUDGE_FEATURES], dtype=np.float64)) for c, r in zip(picked, rows)]

    def _row(self, question: Question, c: Candidate, ranked: list[Candidate], rule_pick: Candidate | None) -> dict:
        x = self.extractor
        top = ranked[0]
        plain = share_heads(normalise(c.sentence))
        key = answer_key(c)
        close = {answer_key(o) for o in ranked if o.score >= top.score - 0.1}
        figure = c.figure
        row = self._terms(question, c, plain)
        runner = next((o for o in ranked if answer_key(o) != answer_key(top)), None)
        asked = dict.fromkeys(_ASKS_GROUP.values(), 0.0)
        if question.asks in _ASKS_GROUP:
            asked[_ASKS_GROUP[question.asks]] = 1.0
        return row | asked | {
            # how far the rule scorer's best stands ahead of the next different answer (same for all)
            "top_margin": top.score - runner.score if runner is not None else 1.0,
            "candidates_many": min(len(ranked), 60) / 60,
            "rule_score": c.score,
            "coverage": c.coverage,
            "score_gap": c.score - top.score,
            "is_rule_first": float(c is top),
            "rule_pick": float(c is rule_pick),
            "rules_answer": float(rule_pick is not None),
            "hit_inverse": 1.0 / max(c.rank, 1),
            "meaning": x.meaning(question, c),
            "bigrams_sentence": _share(bigrams(question.text), plain),
            "unprinted_share": self.unprinted_share(question),
            "key_printed": float(bool(term := x.key_term(question)) and x.mentions(plain + x.context(c.paragraph), term)),
            # the same figure printed in several paragraphs (a summary and its report) backs itself up
            "support": min(sum(1 for o in ranked if answer_key(o) == key and o.score >= top.score - 0.3), 4) / 4,
            "close_values": min(len(close), 5) / 5,
            "level_for_change": float(x.level_for_change(question, c)),
            "is_change": float(c.is_change),
            "unit_match": float(bool(question.unit) and figure is not None and counted_unit(figure.unit) == counted_unit(question.unit)),
            "kind_exact": float(figure is not None and figure.kind == question.asks),
            "wants_figure": float(question.wants_figure),
            "names_place": float(bool(question.places)),
            "is_computed_kind": float(question.asks == "growth"),
            # "行长是谁": a sentence that names no one of the kind asked is no answer, however near its words
            "names_one": float(question.asks in _NAMED_KINDS and figure is None
                               and bool(entity(question, c.sentence, x.places, x.index.tokenizer))),
        }

    def _terms(self, question: Question, c: Candidate, plain: str) -> dict:
        """The weightiest question word left out: a near miss ("地方铁路" asked, "铁路" printed) often
        matches most of the question and misses exactly one specific word. Each word is credited
        as the rule scorer credits it (item 1.0, clause 0.85, sentence 0.7, paragraph 0.55)."""
        x = self.extractor
        if c.figure is not None:
            spans, figures = clauses(plain), find_figures(plain)
            mine = next((f for f in figures if f.start == c.figure.start), c.figure)
            scopes = [(item_around(plain, mine), 1.0), (clause_around(plain, mine, spans, figures), 0.85),
                      (before_contrast(plain, mine), 0.7),
                      (c.antecedent, 0.7)]  # as the rule scorer credits it
        else:
            scopes = [(plain, 1.0)]
        scopes.append((x.context(c.paragraph), 0.55))
        terms = [t for t in question.focus if len(t) >= 2] or list(question.focus)
        if not terms:
            return {"missing_near": 0.0, "missing_anywhere": 0.0, "rarest_credit": 1.0, "time_agrees": 0.0,
                    "time_conflicts": 0.0, "part_of_year": 0.0, "year_missing": 0.0}
        top = x.max_idf
        issue = issue_year(c.paragraph)
        asked_years, asked_periods = time_marks(question.text, issue)
        asked_years |= set(question.years)
        near_years, near_periods = time_marks(" ".join(text for text, weight in scopes if weight >= 0.85), issue)
        any_years, any_periods = time_marks(" ".join(text for text, _ in scopes), issue)
        years = set(x.dated(" ".join(text for text, _ in scopes), c.paragraph))
        times = {"time_agrees": float(bool(asked_years & any_years or asked_periods & any_periods)),
                 # another year, or another part of the year, named where the figure stands
                 "time_conflicts": float(bool(asked_years and near_years and not asked_years & near_years
                                              or asked_periods and near_periods and not asked_periods & near_periods)),
                 # "1—11月" beside a figure for a question that names no part of the year
                 "part_of_year": float(bool(near_periods - {"全年"}) and not asked_periods),
                 "year_missing": float(bool(question.years) and not set(question.years) & years)}
        credit = {t: x.coverage([t], scopes)[0] for t in terms}
        rarest = max(terms, key=lambda t: (x.idf(t), len(t)))
        return times | {
            "missing_near": max((x.idf(t) / top for t in terms if credit[t] < 0.7), default=0.0),
            "missing_anywhere": max((x.idf(t) / top for t in terms if credit[t] == 0.0), default=0.0),
            "rarest_credit": credit[rarest],
        }

    def clause_meaning(self, question: Question, c: Candidate) -> float:
        """Cosine between the question and the clause holding the figure (vectors stored at index
        time): among close figures of one sentence, the clause tells them apart; the sentence cannot."""
        units = self.extractor.index.units
        if units is None or question.vector is None or c.figure is None:
            return 0.0
        printed = sentences(c.paragraph.text)
        if c.sentence not in printed:
            return 0.0
        j = printed.index(c.sentence)
        plain = normalise(c.sentence)
        at = [m.start() for m in re.finditer(re.escape(c.figure.text), plain)]
        if not at:
            return 0.0
        start = min(at, key=lambda a: abs(a - c.figure.start))
        k = next((i for i, (a, b) in enumerate(clauses(plain)) if a <= start < b), 0)
        vector = units.clause(self.extractor.index.position[c.paragraph.paragraph_id], j, k)
        return float(np.asarray(question.vector, dtype=np.float32) @ vector.astype(np.float32)) if vector is not None else 0.0

    def unprinted_share(self, question: Question) -> float:
        """Share of the question's weight in words the pages never print: a paraphrase, or a
        question about something the archive does not hold."""
        x = self.extractor
        terms = [t for t in question.focus if len(t) >= 2]
        if not terms:
            return 0.0
        total = sum(x.idf(t) for t in terms)
        return sum(x.idf(t) for t in terms if not x.is_printed(t)) / total if total else 0.0


def answer_key(c: Candidate):
    """What tells two candidates' answers apart: the figure's value and unit, or the sentence."""
    return (c.figure.value, counted_unit(c.figure.unit)) if c.figure is not None else c.sentence


def _share(asked: set[str], text: str) -> float:
    return sum(1 for b in asked if b in text) / len(asked) if asked else 0.0
