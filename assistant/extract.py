"""Find the sentence and the figure that answer a question among retrieved paragraphs.

A figure is scored by how much of the question's focus (IDF-weighted words) surrounds it at
three distances — its list item (split at 、，), its clause, its sentence — plus the paragraph's
article and section. Whose figure it is (a place the question names) is a hard constraint:
a sentence about 湖北 never answers a question about 湖南.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba.posseg
import numpy as np

from .conditions import another_basis
from .figures import PEOPLE_NOUNS, UNIT_KINDS, counted_unit, find_figures, find_ordinals
from .flanks import (
    ASKS_DIFFERENCE,
    SPAN_TO,
    WHOLES,
    FlankEvidence,
    a_change_for_a_level,
    a_class_bound,
    a_mark_passed,
    a_plan_for_a_past_year,
    a_sum_for_a_part,
    a_total_for_a_kind,
    after_last_verb,
    an_included_part,
    an_increment_for_a_stock,
    another_period,
    another_season,
    another_year,
    aside_host,
    asked_years,
    counts_an_action,
    is_dateline,
    issue_year,
    names_a_sibling,
    names_another_quantity,
    of_a_group,
    one_of_a_pair_asked,
    one_year_of_a_span,
    outside_the_subset,
    over_several_years,
    points_for_a_level,
    rate_for_an_amount,
    read_flanks,
    respectively_before,
    restates_question,
    the_other_end,
    the_whole_for_a_part,
    total_for_a_per_unit,
    years_printed,
)
from .index import HybridIndex
from .question import Places, Question, Synonyms
from .schema import Figure, Hit, Paragraph
from .text import DATELINE, clauses, has_chinese, normalise, segmented, sentences, share_heads

# "和" and "及" part items when a figure stands on either side ("800公里的高速公路和540公里的…");
# "一、二级" is one grade range, not two items
_ITEM_SPLIT = re.compile(r"(?<![一二三四五六七八九十])、|(?<=[一二三四五六七八九十])、(?![一二三四五六七八九十])|[，,；;：:]"
                         r"|(?<=[\d%])[和及]|[和及](?=[近约超逾]?\d)|[●■◆▲★◇]")
COMPATIBLE = {  # what a question asking for one kind of figure may be answered with
    "money": {"money"},
    "people": {"people"},
    "count": {"count", "people"},
    "percent": {"percent"},
    "date": {"date"},
    "duration": {"duration"},
    "measure": {"measure", "count"},
    "growth": {"percent", "measure", "money", "people", "count", "number"},
    "number": {"money", "people", "count", "percent", "measure", "number"},
    "money_by_topic": {"money", "count", "measure"},
    "ordinal": {"ordinal"},
}
# points are asked of two rates printed in % as much as of a printed change in points (only the
# latter may be stated as the answer: Extractor.level_for_change)
# a compound of a pair (进出口 = 进口 + 出口) names the pair: a word printed only inside it is not printed
# "出口额", "产量", "产值": the amount of what the stem names, which print may give by the stem alone
_AMOUNT_SUFFIX = set("额量值")
# a newspaper of the country speaks of it as 我国 ("我国…造船产量", with 日本、韩国 named as rivals)
_OWN_COUNTRY = re.compile(r"我国|全国|国内")
_WHOLE_CITY = re.compile(r"[全该本][市县]")
_NATIONAL_FIELD = re.compile(r"全国[^，,。；;]{0,12}中|(?:居|列|占|在|为)全国|全国(?:第|之最|最|前列|首位|领先)")
_ANAPHOR = re.compile(r"(?:其中|其|这些|这部分|该)(?![他它实次])")
ARTICLE_PLACE = 0.1  # the asked place named in the article's opening only, not in the paragraph
ARTICLE_LEAD = 3  # paragraphs that open an article (a subtitle, the lead and the one after it)
TOPIC_KIND = 0.35  # another kind than money when money was read from the topic (Question.kind_from_topic)
ASKED_FIGURES = 0.15  # the question's own figures printed beside a candidate (_asked_printed)
# a change with no words of its own: "比上年增11%", "同比增长", "增长"
_BARE_CHANGE = re.compile(r"(?:比[^，,；;]{0,8}?|同比|环比|较[^，,；;]{0,6}?)?(?:增长|增加|提高|提升|下降|减少|降低|上升|回落|增|降|减|涨|跌)了?"
                          r"(?:近|约|超过?|逾)?")
# What the evidence beside a figure (flanks.py) is worth: chosen on the dev splits of both corpora
# by bench/tune_rule_weights.py (utility right − 2 × wrong).
ADJACENT, HEAD, RANGE_START, OTHER_YEAR, YEAR_HERE = 0.0, 0.1, 0.3, 0.2, 0.1
CHANGE_FIT, LEVEL_FOR_CHANGE, RESPECTIVE = 0.05, 0.25, 0.3
# A question in other words ("走了多远" for "跨越3500公里") shares few words with the page. Its best
# figure still answers when the question's most specific word is printed with it, this share of its
# words is there, and its sentence means what was asked (e5 cosine). Chosen on dev, as above.
PARAPHRASE_WORDS, PARAPHRASE_MEANING = 0.3, 0.94


@dataclass
class Candidate:
    paragraph: Paragraph
    sentence: str  # as printed
    figure: Figure | None
    score: float
    coverage: float  # share of the question's focus found around the answer (0..1)
    subject: tuple[str, ...]  # places the sentence speaks of, for telling sources apart
    rank: int  # retrieval rank of its paragraph
    is_change: bool = False  # printed as a change ("比上年增长12%", flanks.py), not as a level
    antecedent: str = ""  # the sentence before that names whose figures these are ("其中出口749亿美元")

    def in_print(self) -> tuple[str, list[Figure], Figure | None]:
        """The sentence as normalised, the figures it prints, and this candidate's among them (None
        where the candidate has none, or it is not printed there as it reads)."""
        plain = normalise(self.sentence)
        figures = find_figures(plain)
        if self.figure is None:
            return plain, figures, None
        # "升学率达100%，初中三年巩固率达100%": the same text may be printed twice, so where it stands
        # tells which one this is (a figure read elsewhere, an ordinal, is found by its text)
        same = [f for f in figures if f.text == self.figure.text]
        mine = next((f for f in same if f.start == self.figure.start), same[0] if same else None)
        return plain, figures, mine


class Extractor:
    def __init__(self, index: HybridIndex, places: Places, synonyms: Synonyms | None = None) -> None:
        self.index = index
        self.places = places
        self.synonyms = synonyms or Synonyms.load()
        self._articles = {(a.source_file, a.title): a for a in index.articles}
        self._article_text: dict[tuple[str, str], str] = {}  # each article's opening, for the places it names
        n = max(len(index.paragraphs), 1)
        vocab = index.bm25.vocab_dict
        indptr = getattr(index.bm25, "scores", {}).get("indptr")
        self._df = {}
        if indptr is not None:
            counts = indptr[1:] - indptr[:-1]
            self._df = {token: int(counts[i]) for token, i in vocab.items() if i < len(counts)}
        self.max_idf = math.log(1 + n)
        self._n = n
        self.home = self.home_places()

    def idf(self, term: str) -> float:
        df = self._df.get(term)
        if df is None:
            return self.max_idf
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def is_printed(self, term: str) -> bool:
        """Whether any paragraph of the archive prints the word (as a BM25 token)."""
        return term in self._df

    def coverage(self, focus: list[str], scopes: list[tuple[str, float]]) -> tuple[float, bool]:
        """Share of the focus found, each word credited by the nearest scope that holds it
        (for a figure: item 1.0, clause 0.85, sentence 0.7, paragraph and article 0.55); and
        whether a weighty word sits at credit ≥ 0.7 (a figure with no anchor there is a guess)."""
        if not focus:
            return 0.0, False
        total = got = 0.0
        anchored = False
        for term in focus:
            weight = self.idf(term)
            total += weight
            best = 0.0
            alternatives = self.synonyms.of(term)
            for scope, credit in scopes:
                whole = next((w for part, w in WHOLES.items() if term.startswith(part)), None)
                if whole is not None:  # 出口总值 is not printed in 进出口总值
                    scope = scope.replace(whole, "□")
                if term in scope or "、" in scope and _enumerated(term, scope):
                    best = max(best, credit)  # "探亲访友" is printed "探亲、访友" as often as whole
                elif any(alt in scope if len(alt) > 1 else _before_figure(alt, scope) for alt in alternatives):
                    best = max(best, 0.9 * credit)  # 拉来 for 引进; 增 for 增长 only as in "增18.1%"
                elif len(term) >= 3 and term[-1] in _AMOUNT_SUFFIX and credit >= 0.7 and any(w == term[:-1] for w, _, _ in segmented(scope)):
                    best = max(best, 0.9 * credit)  # 出口额 for "其中出口749亿美元", not for its 进出口
                elif len(term) >= 3 and (pieces := _pieces_printed(term, scope)):
                    best = max(best, pieces * credit)  # 签约的资金 / 签约资金
            got += weight * best
            anchored = anchored or (best >= 0.7 and weight >= 0.25 * self.max_idf)
        return (got / total if total else 0.0), anchored

    def candidates(self, question: Question, hits: list[Hit]) -> list[Candidate]:
        found = []
        for hit in hits:
            context = self.context(hit.paragraph)
            previous, run = "", ""
            for sentence in sentences(hit.paragraph.text):
                plain = share_heads(normalise(sentence))
                # "其中出口749亿美元", "其企业户数占2%": the sentence before names whose figures these are;
                # "…其中北京为33.4万平方米；广东为630万平方米": so do the parts before "；" of the same sentence
                antecedent = run if run else previous if _ANAPHOR.match(plain) else ""
                previous = plain
                # "外商投资企业进出口1526.2亿美元。其中出口749亿美元；进口777.2亿美元": a run of parts
                # that opens with 其中 keeps the whole it is part of
                run = f"{run or antecedent}{plain}" if plain.endswith(("；", ";")) else ""
                # whose figures: the part's own place when it names one ("广东为630万平方米"), else its antecedent's
                about = plain if not antecedent or self.places.find(plain) else f"{antecedent}{plain}"
                place_fit = self._place_fit(question, about, hit.paragraph, context)
                if place_fit is None:
                    continue
                if question.ordinals and not any(o in plain or o in context for o in question.ordinals):
                    place_fit -= 0.4  # asked about 第二次, the text is about another one
                if question.wants_figure:
                    found.extend(self._figure_candidates(question, hit, sentence, plain, context, place_fit, antecedent))
                else:
                    found.append(self._sentence_candidate(question, hit, sentence, plain, context, place_fit))
        return sorted(found, key=lambda c: -c.score)

    def _figure_candidates(self, question, hit, sentence, plain, context, place_fit, antecedent=""):
        out = []
        figures = find_figures(plain)
        if question.asks == "ordinal":
            figures = sorted(figures + find_ordinals(plain), key=lambda f: f.start)
        clause_spans = clauses(plain)
        subject = self._subject(plain, hit.paragraph, context)
        asked = find_figures(question.text, bare_numerals=True)
        for figure in figures:
            if not answers_kind(question.answer_kind, figure, plain, COMPATIBLE) \
                    or self.ruled_out(question, plain, figure, hit.paragraph, asked, figures):
                continue
            item = item_around(plain, figure)
            clause = clause_around(plain, figure, clause_spans, figures)
            coverage, anchored = self.coverage(
                question.focus, [(item, 1.0), (clause, 0.85), (changed_before(plain, figure, clause_spans), 0.85),
                                 (elided_subject(plain, figure, clause_spans), elided_weight(plain, figure, clause_spans)),
                                 (referred_back(plain, figure, clause_spans), 0.85),
                                 (self._host_clause(plain, figure, clause_spans, figures), 0.85),
                                 (before_contrast(plain, figure), 0.7), (antecedent, 0.7), (context, 0.55)])
            if not anchored:
                coverage *= 0.6
            score = coverage + place_fit + 0.05 / hit.rank
            if question.unit:
                score += 0.15 if _unit_agrees(figure.unit, question.unit) else -0.2
            if question.asks == "growth" and figure.kind == "percent":
                score += 0.05
            if question.kind_from_topic and figure.kind != "money":
                score -= TOPIC_KIND
            if question.years and not set(question.years) & set(self.dated(f"{plain} {context}", hit.paragraph)):
                score -= 0.2
            score += ASKED_FIGURES * _asked_printed(asked, figure, item, figures)
            score -= self._breakdown_penalty(question, plain, figure)
            beside = self.flanks(question, plain, figure, figures, self._heading(hit.paragraph))
            score += self.flank_score(beside)
            out.append(Candidate(hit.paragraph, sentence, figure, score, coverage, subject, hit.rank, beside.is_change,
                                 antecedent))
        return out

    def ruled_out(self, question: Question, sentence: str, figure: Figure, paragraph: Paragraph,
                  asked: list[Figure], figures: list[Figure]) -> bool:
        """Hard rules, as a sentence about another place is (flanks.py): not in the dimension asked,
        a dateline, points for a rate, the user's own number, another year's or span's figure, a
        count of what another verb did, a sum over several years, a listed group's figure, a round
        mark passed when the amount reached is printed beside it, a rate for an amount in a named unit,
        a total for an amount per person or unit (人均), one year's level for a span of years, a figure
        counted in another kind of unit than the one asked (12条 for 多少公里), another quantity of the
        kind asked (工业增加值 for 工业总产值) where the one asked is not printed, a change against another
        time or subject for a question that asks no change, a part printed in brackets (含…) for the
        whole, what a year added for all that stand at its end, a plan for a year past, a bound that
        picks out what another figure counts, another season's, the whole (进出口) for a part (出口),
        every kind (各类赔款) or every class of ownership (工业) for one (财产险赔款, 集体工业), one item's
        figure of a 分别 list for two items asked together, a figure stated on another basis than the one
        asked (按可比口径计算, conditions.py).
        `figures`: the sentence's."""
        if not question.measures(figure) or _another_kind_of_unit(question, figure) or is_dateline(sentence, figure) \
                or points_for_a_level(question, figure) or restates_question(figure, asked):
            return True
        issue, lead = issue_year(paragraph), self._lead(paragraph, sentence)  # read once for the rules of time
        return (another_year(question, sentence, figure, issue, lead if asked_years(question, issue) else "")
                or another_period(question, sentence, figure, lead)
                or counts_an_action(question, sentence, figure)
                or over_several_years(question, sentence, figure, lead, issue)
                or one_year_of_a_span(question, sentence, figure)
                or of_a_group(question, sentence, figure) or a_mark_passed(sentence, figure)
                or rate_for_an_amount(question, figure) or total_for_a_per_unit(question, sentence, figure)
                or names_another_quantity(question, sentence, figure, figures)
                or a_change_for_a_level(question, sentence, figure)
                or a_sum_for_a_part(question, sentence, figure, figures)
                or the_other_end(question, sentence, figure, figures)
                or outside_the_subset(question, sentence, figure)
                or an_included_part(question, sentence, figure)
                or an_increment_for_a_stock(question, sentence, figure)
                or a_plan_for_a_past_year(question, sentence, figure, issue, lead)
                or a_class_bound(question, sentence, figure)
                or another_season(question, sentence, figure)
                or the_whole_for_a_part(question, sentence, figure)
                or one_of_a_pair_asked(question, sentence, figure)
                or a_total_for_a_kind(question, sentence, figure, lambda: f"{self.context(paragraph)} {self._opening(paragraph)}")
                or names_a_sibling(question, sentence, figure)
                or another_basis(question.text, sentence, figure, lead))

    @staticmethod
    def level_for_change(question: Question, c: Candidate) -> bool:
        """"比上年增长了多少": a level printed without a change is no answer (the arithmetic reads
        levels to compute a change; only the answer itself must be one). Nor is a rate in % the
        answer to "几个百分点", which asks for a difference of rates."""
        if c.figure is None:
            return False
        if question.unit == "个百分点":
            return c.figure.unit != "个百分点"
        # "利税比利润多多少万元" asks a difference as much as "增长了多少" does
        asks_change = question.asks == "growth" or bool(ASKS_DIFFERENCE.search(question.text))
        return asks_change and c.figure.kind != "percent" and not c.is_change

    @staticmethod
    def dated(text: str, paragraph: Paragraph) -> list[str]:
        """The years a text is about: those it prints, or else its issue's ("春节前夕…抽查" in a 1998 paper)."""
        year = issue_year(paragraph)
        return years_printed(text, year) or ([str(year)] if year else [])

    def key_term(self, question: Question) -> str:
        """The question's most specific word: the rarest that the pages print at all (a colloquial
        word they never use, "拿到", says nothing of where the answer is); the longer on a tie."""
        terms = [t for t in question.focus if len(t) >= 2 and self.is_printed(t)]
        return max(terms, key=lambda t: (self.idf(t), len(t))) if terms else ""

    def mentions(self, text: str, term: str) -> bool:
        return term in text or any(alt in text for alt in self.synonyms.of(term))

    def meaning(self, question: Question, c: Candidate) -> float:
        """Cosine between the question and the candidate's sentence (vectors stored at index time)."""
        units = self.index.units
        if units is None or question.vector is None:
            return 0.0
        printed = sentences(c.paragraph.text)
        if c.sentence not in printed:
            return 0.0
        vector = units.sentence(self.index.position[c.paragraph.paragraph_id], printed.index(c.sentence))
        return float(np.asarray(question.vector, dtype=np.float32) @ vector.astype(np.float32)) if vector is not None else 0.0

    def paraphrased(self, question: Question, c: Candidate) -> bool:
        """The best candidate answers a question put in other words (see PARAPHRASE_WORDS)."""
        key = self.key_term(question)
        return (c.coverage >= PARAPHRASE_WORDS and bool(key)
                and self.mentions(normalise(c.sentence) + self.context(c.paragraph), key)
                and self.meaning(question, c) >= PARAPHRASE_MEANING)

    def _sentence_candidate(self, question, hit, sentence, plain, context, place_fit):
        coverage, anchored = self.coverage(question.focus, [(plain, 1.0), (context, 0.6)])
        coverage = coverage if anchored else coverage * 0.6
        score = coverage + place_fit + 0.05 / hit.rank
        return Candidate(hit.paragraph, sentence, None, score, coverage,
                         self._subject(plain, hit.paragraph, context), hit.rank)

    def flanks(self, question: Question, sentence: str, figure: Figure, figures: list[Figure],
               topic: str = "") -> FlankEvidence:
        # the predicate coordinated shares share is beside none of them more than the others
        return read_flanks(question, sentence, figure, figures, lambda words, text: self.coverage(words, [(text, 1.0)])[0],
                           self.synonyms.of, topic, right_end=shared_predicate_start(sentence, figure))

    @staticmethod
    def flank_score(e: FlankEvidence) -> float:
        """What the evidence beside a figure is worth to the rule scorer."""
        if e.respective is not None:  # "A和B分别…4%和5%": what sits beside each figure says nothing
            # it tells apart changes when a change is asked, levels when a level is; a change in the
            # list is no answer to "利税是多少" however well its subject fits
            score = RESPECTIVE * e.respective if e.asks_change == e.is_change else RESPECTIVE * min(e.respective, 0.0)
        else:
            score = ADJACENT * e.words + HEAD * e.counts_asked
        score -= RANGE_START * e.range_start
        if e.asks_change:  # "增加多少" wants the change, not the level beside it
            score += CHANGE_FIT if e.is_change else -LEVEL_FOR_CHANGE
        elif e.is_change:
            score -= CHANGE_FIT
        return score + YEAR_HERE * e.year_here - OTHER_YEAR * e.other_year

    @staticmethod
    def _host_clause(sentence: str, figure: Figure, spans: list[tuple[int, int]], figures: list[Figure]) -> str:
        """An aside's other value ("出口增长56%（考虑…，则为46%）") is of what the figure before it is."""
        host = aside_host(sentence, figure)
        return clause_around(sentence, host, spans, figures) if host is not None else ""

    @staticmethod
    def _breakdown_penalty(question: Question, sentence: str, figure: Figure) -> float:
        """"近600人，其中公务员18人、事业单位177人": a question naming a part (事业单位) is not
        answered by the total printed before 其中."""
        at = sentence.find("其中")
        if at < 0 or figure.start > at:
            return 0.0
        head, tail = sentence[:at], sentence[at:]
        parts = [t for t in question.focus if t in tail and t not in head]
        return 0.3 if parts else 0.0

    @staticmethod
    def _lead(paragraph: Paragraph, sentence: str) -> str:
        """What the paragraph prints before the sentence (normalised, as the sentence is)."""
        text = normalise(paragraph.text)
        at = text.find(sentence)
        return text[:at] if at > 0 else ""

    def context(self, paragraph: Paragraph) -> str:
        """What the paragraph and its article's heading print: the widest scope a word is credited in."""
        return self._heading(paragraph) + " " + paragraph.search_text

    def _heading(self, paragraph: Paragraph) -> str:
        """Title, kicker, subtitle and section: what the whole article or section is about."""
        article = self._articles.get((paragraph.source_file, paragraph.article))
        parts = [paragraph.article, paragraph.section]
        if article is not None:
            parts += [article.kicker, article.subtitle]
        return normalise(" ".join(p for p in parts if p))

    def _place_fit(self, question: Question, sentence: str, paragraph: Paragraph, context: str) -> float | None:
        """0 when the text is about the asked place; None (rejected) when it is about another
        place of the same rank; a penalty when it names no place at all."""
        if not question.places:
            return self._country_fit(question, sentence, paragraph)
        fit = 0.0
        for asked in question.places:
            # "湖南的种子公司在海南三亚…": a place the question names in another role is no rival;
            # but one inside or around the asked place ("河南焦作") is the same place asked more finely
            others = [o for o in question.places
                      if o != asked and not self.places.covers(asked, o) and not self.places.covers(o, asked)]
            short = self.places.short_form(asked)
            # "浙江象山": a text on 象山 is on 浙江 too, though it never prints 浙江
            finer = [f for o in question.places if o != asked and self.places.covers(asked, o) and (f := self.places.short_form(o))]
            for scope in (sentence, paragraph.search_text, self._heading(paragraph)):
                scope = DATELINE.sub("", scope)  # "本报北京1月20日讯": where it was filed, not whose figures
                named = [p for p in self.places.find(scope) if (p not in self.home or p == asked)
                         and not any(self.places.covers(o, p) for o in others)
                         and not (p == self.places.country and self.places.in_country(asked))]
                if any(self.places.covers(asked, p) for p in named) or short and short in scope \
                        or any(f in scope for f in finer) or asked == self.places.country and _OWN_COUNTRY.search(scope):
                    break
                if any(p in self.places.lineage(asked)[1:] for p in named):
                    # "上海第一八佰伴不受日本八佰伴危机的影响", asked of 浦东: a text in the asked place's
                    # region names a foreign country as a partner, not as whose figures they are
                    named = [p for p in named if self.places.in_country(p)]
                if any(self.places.siblings(asked, p) or self._rivals(asked, p) for p in named):
                    return None
            else:
                if question.wants_figure and self._city_of_article(paragraph, asked, sentence, question):
                    return None
                if question.wants_figure and self._article_names(paragraph, asked, [short, *finer]):
                    # "垦区每年划拨1500万元科研经费" in an article that opened on 黑龙江农垦局: the
                    # article's figures are its subject's. (A name asked, "宝鸡哪家企业", must be
                    # printed with its place.)
                    fit -= ARTICLE_PLACE
                    continue
                if asked in self.places.countries and asked != self.places.country:
                    return None  # trade with 日本 is not told by a page that never names it
                # "全国农垦系统中，北大荒…最高", "居全国第一": the whole country as the field compared in
                national = _OWN_COUNTRY.findall(_NATIONAL_FIELD.sub("", f"{sentence} {paragraph.search_text} {self._heading(paragraph)}"))
                if asked != self.places.country and any(word not in question.text for word in national):
                    # "全国工商税收…中央级税收收入4261亿元" is the country's, not 福建's; a 全国 the
                    # question says itself ("哪个镇是全国最大的…基地") compares, it names no subject
                    return None
                fit -= 0.35
        return fit

    def _city_of_article(self, paragraph: Paragraph, asked: str, sentence: str, question: Question) -> bool:
        """An article that opens on "江苏省淮阴市…" is about that city: its "全市共投入扶贫资金1.85亿元"
        is the city's, not the province's, whether or not the gazetteer knows the city. (Asked of a
        city, 全市 is the city asked.)"""
        if not _WHOLE_CITY.search(sentence) or _WHOLE_CITY.search(question.text):
            return False
        names = "|".join(re.escape(n) for n in {asked, self.places.short_form(asked)} if n)
        return bool(re.search(rf"(?:{names})(?:省|自治区)[\u4e00-\u9fff]{{2,4}}?[市县]", self._opening(paragraph)))

    def _article_names(self, paragraph: Paragraph, asked: str, shorts: list[str]) -> bool:
        """Whether the article's opening paragraphs name the asked place (or a place in it): what the
        article is about. A place named once further down ("宝鸡电池厂" in a national list) is not."""
        text = self._opening(paragraph)
        return any(self.places.covers(asked, p) for p in self.places.find(text)) or any(s and s in text for s in shorts)

    def _country_fit(self, question: Question, sentence: str, paragraph: Paragraph) -> float | None:
        """A question on the whole country ("全国完成房地产开发投资多少") is not answered by a sentence
        that names one of its provinces or cities and not the country ("如北京完成投资233亿元"), nor by
        a sentence that names no place in a paragraph on one of them ("据介绍，1997年共探明天然气500多亿
        立方米" on 新疆)."""
        if not _OWN_COUNTRY.search(question.text):
            return 0.0
        for scope in (sentence, f"{self._heading(paragraph)} {paragraph.search_text}"):
            if _OWN_COUNTRY.search(scope):
                return 0.0
            if any(p not in self.home and p != self.places.country and self.places.in_country(p)
                   for p in self.places.find(DATELINE.sub("", scope))):
                return None
        return 0.0

    def _opening(self, paragraph: Paragraph) -> str:
        """The first paragraphs of the paragraph's article (ARTICLE_LEAD), datelines left out."""
        if not self._article_text:  # read once, on the first question that needs it
            parts: dict[tuple[str, str], list[str]] = {}
            for p in self.index.paragraphs:
                parts.setdefault((p.source_file, p.article), []).append(DATELINE.sub("", p.search_text))
            self._article_text.update({key: " ".join(texts[:ARTICLE_LEAD]) for key, texts in parts.items()})
        return self._article_text.get((paragraph.source_file, paragraph.article), "")

    def _rivals(self, asked: str, named: str) -> bool:
        """湖南 vs 岳阳's neighbour 安徽, 定日县 vs 那曲 or 河北张家口: places neither of which lies in
        the other. A place in the home region is no rival of a place outside it: the Tibetan daily's
        "湖南援藏…桑日县" names where 湖南's aid went, and the figure is still 湖南's."""
        if self.places.covers(asked, named) or self.places.covers(named, asked):
            return False
        a, b = self.places.lineage(asked)[-1], self.places.lineage(named)[-1]
        return not (b in self.home and a not in self.home)

    def _subject(self, sentence: str, paragraph: Paragraph, context: str) -> tuple[str, ...]:
        """Whose figure this is, at the broadest rank below the home region: 芜湖 → 安徽."""
        for scope in (sentence, context):
            named = [p for p in self.places.find(scope) if p not in self.home]
            tops = [self._top(p) for p in named]
            outside = [t for t in tops if self.places.lineage(t)[-1] not in self.home]
            tops = outside or [t for t in tops if t not in self.home] or named
            if tops:
                return tuple(dict.fromkeys(tops))
        return ()

    def _top(self, place: str) -> str:
        chain = self.places.lineage(place)
        below_home = [p for p in chain if p not in self.home]
        return below_home[-1] if below_home else place

    def home_places(self) -> set[str]:
        """Places named in most articles of one newspaper (西藏 in a Tibetan daily) tell no source
        apart. Counted per newspaper: merged into an archive with another paper, 西藏 is still the
        Tibetan daily's home, not a place every question must now be pinned to. Pages whose newspaper
        is unknown make up no newspaper: a heap of them from many papers (or articles cut apart) names
        中国 or 美国 in most of its parts, yet a question that names 美国 still asks for 美国."""
        articles: dict[str, dict[tuple[str, str], str]] = {}
        for p in self.index.paragraphs:
            if p.page is None or not p.page.newspaper:
                continue
            texts = articles.setdefault(p.page.newspaper, {})
            key = (p.source_file, p.article)
            texts[key] = texts.get(key, "") + p.search_text
        home: set[str] = set()
        for texts in articles.values():
            counts: dict[str, int] = {}
            for text in texts.values():
                for place in self.places.find(text):
                    counts[place] = counts.get(place, 0) + 1
            home |= {p for p, c in counts.items() if c >= max(2, 0.5 * len(texts))}
        return home


_HEADCOUNT = re.compile(r"(?:人数|人口|人次|人员)[^，。；;\d]{0,3}$")
# "拥有10万职工": the people counted named right after the number
_PEOPLE_AFTER = re.compile(rf"(?:多|余)?(?:{PEOPLE_NOUNS}|人口)")


def answers_kind(asks: str, figure: Figure, sentence: str, compatible: dict[str, set[str]]) -> bool:
    """The figure is of a kind that answers the question: a unitless "2377万" after "人数达", or
    "10万" before "职工", counts people, as "2377万人" would."""
    if figure.kind in compatible[asks]:
        return True
    return figure.kind == "number" and asks == "people" and bool(
        _HEADCOUNT.search(sentence[: figure.start]) or _PEOPLE_AFTER.match(sentence[figure.end:]))


def _asked_printed(asked: list[Figure], figure: Figure, item: str, figures: list[Figure]) -> float:
    """Share of the question's own figures ("每千瓦时0.8元至1元之间的占多少") printed in the
    candidate's list item beside it: the one item the question names by its numbers (a figure the
    items share, "这23户重点企业…", is no item's own)."""
    named = [a for a in asked if a.kind != "date" and not (a.unit == "年" and 1900 <= a.value <= 2100)]
    if not named:
        return 0.0
    beside = [f for f in figures if f is not figure and f.text in item]
    return sum(any(f.value == a.value for f in beside) for a in named) / len(named)


def _enumerated(term: str, scope: str) -> bool:
    """The term printed as two things listed with 、 between them: "探亲、访友" for 探亲访友. Each is a
    word of two characters at least: the 港、澳 inside "香港、澳门" lists no 港澳."""
    return any(f"{term[:k]}、{term[k:]}" in scope for k in range(2, len(term) - 1))


def _pieces_printed(term: str, scope: str) -> float:
    """Credit for a longer word the scope prints in two-character pieces: 0.4 when the pieces hold
    every character ("签约的资金" for 签约资金); half that for a part alone ("工业" for 轻工业, "产量"
    for 粮食产量), which may name a wider thing."""
    covered: set[int] = set()
    for i in range(len(term) - 1):
        if term[i: i + 2] in scope:
            covered |= {i, i + 1}
    return 0.0 if not covered else 0.4 if len(covered) == len(term) else 0.2


def _before_figure(character: str, text: str) -> bool:
    """A one-character word stands for a longer one only right before a figure ("增18.1%"); elsewhere
    it is part of other words (减免, 增收)."""
    return re.search(re.escape(character) + r"(?:了|至|到)?\d", text) is not None


def item_around(sentence: str, figure: Figure) -> str:
    """The list item holding the figure: "引进企业71家", "15个公务员岗位"."""
    left = _item_start(sentence, figure.start)
    after = next(_ITEM_SPLIT.finditer(sentence, figure.end), None)
    right = after.start() if after else len(sentence)
    # "每年提供15个公务员岗位、60个事业单位岗位": items that start with their figure share the
    # lead ("每年提供"), so the first item's lead says nothing about its own figure.
    if after is not None and after.group(0) == "、" and re.match(r"[近约超逾]?\d", sentence[after.end():]):
        left = figure.start
    elif after is not None and re.match(r"[近约超逾]?\d", sentence[after.end():]) \
            and (own := [f for f in find_figures(sentence[left:figure.start]) if f.kind != "date"]):
        # "每千瓦时0.7元以下占16.4%，0.7元至0.8元占44.2%，…": each item starts with its own condition,
        # so what the first prints before its condition is the lead of them all
        left += own[0].start
    elif left > 0 and _REACHED.fullmatch(sentence[left:figure.start]):
        # "总油气当量首次突破2000万吨，达2069.7万吨": the amount reached is the quantity the mark named
        earlier = [f for f in find_figures(sentence[:left]) if f.kind == figure.kind]
        if earlier and a_mark_passed(sentence, earlier[-1], [earlier[-1], figure]):
            left = _item_start(sentence, earlier[-1].start)
    elif after is not None and figure.end == right and (parallel := _PARALLEL_ITEM.match(sentence[after.end():])) \
            and after_last_verb(parallel.group(1)) == 0:
        # "实现销售收入64.3亿元，利税10.1亿元": the next item is a bare quantity, so the subject and verb
        # printed before this one ("这23户重点企业去年实现") are both items', not this one's. Not so in
        # "引进企业71家，签约资金达80.7亿元", where each item has its own verb.
        left += after_last_verb(sentence[left:figure.start])
    # "全市96%的贫困村和94%的贫困人口越过了温饱线", "对美出口的43%和自美进口的27%是通过香港实现的":
    # coordinated shares of a noun (its 的 before or after them) share the predicate printed after the
    # last one; it is no more the last item's than the first's
    shared = shared_predicate_start(sentence, figure, left, right)
    if shared is not None:
        right = shared
    # "增长56%（考虑经济衰退的影响，则为46%）": an aside with a figure of its own is that figure's
    opened = sentence.find("（", figure.end, right)
    if opened >= 0 and re.search(r"\d", sentence[opened: sentence.find("）", opened) % (len(sentence) + 1)]):
        right = opened
    return sentence[left:right]


def shared_predicate_start(sentence: str, figure: Figure, left: int | None = None, right: int | None = None) -> int | None:
    """Where the predicate that coordinated shares of a noun share starts, when the figure is the
    last of them ("对美出口贸易的43%和自美进口贸易的27%|是通过香港实现的"); None otherwise. `left`
    and `right`: the figure's item, by default as far as the item rules read it."""
    if left is None:
        left = _item_start(sentence, figure.start)
    if right is None:
        after = next(_ITEM_SPLIT.finditer(sentence, figure.end), None)
        right = after.start() if after else len(sentence)
    if left > 0 and sentence[left - 1] in "和及与、" and "的" in (sentence[figure.start - 1: figure.start], sentence[figure.end: figure.end + 1]) \
            and find_figures(sentence[_item_start(sentence, left - 1): left - 1]):
        own = figure.end + (1 + _noun_length(sentence[figure.end + 1: right]) if sentence.startswith("的", figure.end) else 0)
        if own < right and _tagged(sentence[own: right])[0].flag[:1] in ("v", "p", "d"):
            return own
    return None


def _noun_length(text: str) -> int:
    """How long the noun phrase that opens `text` is: up to its first verb, adverb or preposition."""
    length = 0
    for word in _tagged(text):
        if word.flag[:1] in ("v", "d", "p") and length:
            break
        length += len(word.word)
    return length


def _item_start(sentence: str, at: int) -> int:
    # (the whole sentence is searched: "和" before a figure is a split only when it sees the figure)
    return max((m.end() for m in _ITEM_SPLIT.finditer(sentence) if m.end() <= at), default=0)


_REACHED = re.compile(r"(?:达到|达|为)了?")
_PARALLEL_ITEM = re.compile(r"([\u4e00-\u9fff]{1,8})[近约超逾]?\d")


# "，而金桥等重点工业小区的增速更快": a clause opened by 而 turns to another subject (而且 and 而是 go on)
_CONTRAST = re.compile(r"[，,；;]而(?![且是言])")


def before_contrast(sentence: str, figure: Figure) -> str:
    """The sentence as far as a turn to another subject after the figure: "新区…同比增长18.4%，而金桥…
    增幅达41.7%" says nothing of 金桥 for 18.4%. A figure after the turn keeps the whole sentence,
    whose start frames it (the year, the place it is part of)."""
    turn = _CONTRAST.search(sentence, figure.end)
    return sentence[: turn.start()] if turn else sentence


def changed_before(sentence: str, figure: Figure, spans: list[tuple[int, int]]) -> str:
    """A change printed bare ("比上年增11%") is the change of what the clause just before it names:
    "实现销售收入6.1亿元，比上年增94%，实现利税3200万元，比上年增11%". That clause is its own."""
    index = next((i for i, (s, e) in enumerate(spans) if s <= figure.start < e), 0)
    # "增14.6%到32.3%": the top of a range is as bare as its bottom
    before = _RANGE_START.sub("", sentence[spans[index][0]: figure.start]) if index else ""
    if index == 0 or not _BARE_CHANGE.fullmatch(before):
        return ""
    return sentence[slice(*spans[index - 1])]


_RANGE_START = re.compile(rf"[近约]?\d[\d.]*[^\d，,；;。]{{0,3}}?{SPAN_TO}$")


def referred_back(sentence: str, figure: Figure, spans: list[tuple[int, int]]) -> str:
    """"1996年，78.4%的消费者受到过商业欺诈，而去年，这一人数为47.6%": a clause that names its thing
    by pointing back (这一人数, 这个比例) speaks of what the last clause with a figure named; so does a
    part after 其中 ("新增通车里程2.7万公里，其中高速公路1313公里": new road, of the motorway kind)."""
    index = next((i for i, (s, e) in enumerate(spans) if s <= figure.start < e), 0)
    if _POINTS_BACK.search(sentence[spans[index][0]: figure.start]):
        whole = index
    else:  # every part listed after 其中 ("其中记账式国债344.06亿元，凭证式国债1643.33亿元"), not the first only
        whole = next((i for i in range(index, 0, -1) if sentence.startswith("其中", spans[i][0])), 0)
    if whole == 0:
        return ""
    figures = [f for f in find_figures(sentence) if f.kind != "date"]  # "而在1996年" names a time, not a thing
    return next((sentence[s:e] for s, e in reversed(spans[:whole]) if any(s <= f.start < e for f in figures)), "")


_POINTS_BACK = re.compile(r"(?:这一|这个|此|同样|同一)[\u4e00-\u9fff]{1,3}")


def elided_subject(sentence: str, figure: Figure, spans: list[tuple[int, int]]) -> str:
    """"富润集团实现销售收入6.1亿元，比上年增94%，实现利税3200万元，比上年增11%": a clause that opens
    with its verb ("实现利税…", and the bare change after it) speaks of the subject the sentence
    opened with, as nearly as the first clause does. One that names its own ("上海完成投资379亿元")
    does not. The subject is what stands before the sentence's first verb of a quantity."""
    index = next((i for i, (s, e) in enumerate(spans) if s <= figure.start < e), 0)
    if index and changed_before(sentence, figure, spans):
        index -= 1
    if index == 0 or not _opens_with_verb(sentence[slice(*spans[index])]):
        return ""
    words = _tagged(sentence[: spans[index][0]])
    at = 0
    for word, following in zip(words, words[1:]):
        if word.flag == "v" and (following.flag[:1] == "n" or following.flag == "vn") and at:
            # a subject names no figure: "设立了1个见习基地、…，累计征集" has none to lend
            return sentence[:at] if all(f.kind == "date" for f in find_figures(sentence[:at])) else ""
        at += len(word.word)
    # "增建复线铺轨469公里，投产551公里": no verb of a quantity opens the sentence. A clause of a bare
    # verb and its figure stands in for the clause before it, whose figure is named by its last word
    # before it (铺轨): what stands before that word is the subject of both
    if elided_weight(sentence, figure, spans) < 1.0:
        return ""
    start, end = spans[index - 1]
    first = next((f for f in find_figures(sentence[start:end]) if f.kind != "date"), None)
    named = _tagged(sentence[start: start + first.start]) if first is not None else []
    return "".join(w.word for w in named[:-1]) if len(named) >= 2 else ""


def elided_weight(sentence: str, figure: Figure, spans: list[tuple[int, int]]) -> float:
    """How much of the elided subject is the figure's own: all of it when its clause is no more than
    a verb and the figure ("投产551公里" is "增建复线投产551公里"), as much as a clause's otherwise."""
    start = next((s for s, e in spans if s <= figure.start < e), 0)
    return 1.0 if len(_tagged(sentence[start: figure.start])) == 1 else 0.85


def _opens_with_verb(clause: str) -> bool:
    words = _tagged(clause)
    # a verbal noun right before a figure ("投产551公里") is that figure's verb
    return bool(words) and (words[0].flag == "v" or words[0].flag == "vn" and len(words) > 1 and words[1].flag == "m")


@lru_cache(maxsize=4096)
def _tagged(text: str) -> list:
    return jieba.posseg.lcut(text)


def clause_around(sentence: str, figure: Figure, spans: list[tuple[int, int]], figures: list[Figure]) -> str:
    """The clause holding the figure; for "…分别增长10.82%和26.43%" the clause it refers back to."""
    opened = sentence.rfind("（", 0, figure.start)
    if opened > sentence.rfind("）", 0, figure.start):  # "56%（考虑经济衰退的影响，则为46%）": the aside is its own clause
        closed = sentence.find("）", figure.end)
        return sentence[opened + 1: closed if closed > 0 else len(sentence)]
    index = next((i for i, (s, e) in enumerate(spans) if s <= figure.start < e), 0)
    start, end = spans[index]
    clause = sentence[start:end]
    # an aside after the figure that gives a figure of its own ("（考虑经济衰退的影响，则为46%）") speaks of
    # something else; a qualifier ("县（市、区）") and what follows the aside are the figure's own
    cut = figure.end - start
    for m in re.finditer("（", clause[cut:]):
        at = start + cut + m.start()
        closed = sentence.find("）", at)
        aside = sentence[at: closed if closed > 0 else len(sentence)]
        if re.search(r"\d", aside):
            clause = clause[: cut + m.start()] + clause[cut + m.start() + len(aside) + 1:]
            break
    if "分别" in clause:
        mine = [f for f in figures if start <= f.start < end]
        if len(mine) > 1 and figure in mine:
            k = mine.index(figure)
            earlier = [sentence[s:e] for s, e in spans[:index] if find_figures(sentence[s:e])]
            if len(earlier) >= len(mine):
                return earlier[len(earlier) - len(mine) + k] + " " + clause
    if index and not has_chinese(clause.replace(figure.text, "")):
        # "日本，608.1亿美元；香港，507.7亿美元": a clause that is its figure alone is labelled by the
        # clause before it, where that one prints no figure of its own
        label = sentence[slice(*spans[index - 1])]
        if not find_figures(label):
            return label + "，" + clause
    return clause


def _another_kind_of_unit(question: Question, figure: Figure) -> bool:
    """"新增航空邮路多少公里" is not answered by "12条", nor "多少亿元" by "56个": a physical measure or an
    amount of money asked, and a figure of another kind printed. Counts only weigh against each other
    (`_unit_agrees`): "多少个娃娃" is answered by "41名", as people are counted with 个 in speech."""
    asked = UNIT_KINDS.get(counted_unit(question.unit), "")
    printed = UNIT_KINDS.get(counted_unit(figure.unit), "")
    return bool(asked and printed) and asked != printed and bool({asked, printed} & {"measure", "money"}) \
        and "percent" not in (asked, printed)


def counts_another_thing(question: Question, figure: Figure | None) -> bool:
    """"建了多少套" is not answered by "11万人", nor "多少项" by "174名", nor "多少职工" by "55万人次":
    people, the times they did something, and things counted by their own measure word are
    different things (个, said of anything, may count people: "多少个娃娃" is answered by "41名"). A
    veto on what is stated, not a rule on candidates: ruling the figure out would only let the next
    one stand in its place."""
    if figure is None:
        return False
    if figure.unit == "人次" and _PEOPLE_ASKED.search(question.text):
        return True  # "有多少职工" counts people; "近55万人次" counts the times they were helped
    asked = UNIT_KINDS.get(counted_unit(question.unit), "")
    printed = UNIT_KINDS.get(counted_unit(figure.unit), "")
    return {asked, printed} == {"count", "people"} \
        and counted_unit(question.unit if asked == "count" else figure.unit) != "个"


_PEOPLE_ASKED = re.compile(rf"(?:多少|几)[十百千万亿]*(?:名|个)?(?:{PEOPLE_NOUNS})")
_ASKED_COUNT = re.compile(r"多少|几(?![天年月日号时])")


def counts_the_subject(question: Question, candidate: Candidate) -> bool:
    """"福建各地市一共派了多少干部" is not answered by the 9 of "福建省9地市共抽调了近1.5万名干部": a
    bare number glued to a noun counts that noun, and the question names it before what it counts,
    as whose the count is. A veto on what is stated, as `counts_another_thing` is."""
    plain, _, figure = candidate.in_print()
    if figure is None or figure.unit or figure.kind != "number":
        return False
    noun = plain[figure.end: figure.end + 2]
    asked = _ASKED_COUNT.search(question.text)
    # "…贫困农村人口有多少？" names what it counts before the question word: only "多少干部" says which
    if asked is None or not re.fullmatch(r"[\u4e00-\u9fff]{2}", noun):
        return False
    before, after = question.text[: asked.start()], question.text[asked.end():]
    return has_chinese(after) and noun in before and noun not in after


def named_after_the_list(question: Question, candidate: Candidate) -> bool:
    """"如电池、室内取暖器合格率分别为96.7%和94.3%，而羽绒被的合格率，则比去年同期增长了四成多": asked
    the 合格率 of 羽绒被, which the sentence names after the list and not in it, neither listed figure
    is its: the list ends where 而 turns to another item. A veto on what is stated: ruled out as
    candidates, the list would let the overall rate (79.4%) stand in."""
    plain, _, figure = candidate.in_print()
    if figure is None:
        return False
    at = respectively_before(plain, figure)
    if at < 0:
        return False
    begin = max((m.end() for m in re.finditer(r"[，,；;。：:]", plain[:at])), default=0)
    stop = re.search(r"[，,；;。]", plain[figure.end:])
    end = figure.end + stop.start() if stop else len(plain)
    turned = re.match(r"[，,；;](?:而|但)[^，,；;。]*", plain[end:])
    return bool(turned) and any(len(t) >= 2 and t in turned.group(0) and t not in plain[begin:end] for t in question.focus)


def _unit_agrees(printed: str, asked: str) -> bool:
    """The unit asked is the one printed (名 counts as 人; a difference of rates in 个百分点 is in %)."""
    def kind(unit: str) -> str:
        return "%" if unit == "个百分点" else counted_unit(unit)
    return kind(printed) == kind(asked)
