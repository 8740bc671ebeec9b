"""Questions put in other words ("走了多远" for "跨越2800公里"): the rule answerer still takes its best
figure when the question's most specific word is printed with it, enough of its words are there and
the sentence means what was asked; a generated draft's figure is kept on the same evidence, but never
one that belongs to another year. The decisions are tested with the cosine fixed, so that they do
not hang on how close the embedding model puts two sentences; `meaning` itself is read for real."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answer import ACCEPT
from assistant.chat import Assistant, Conversation
from assistant.extract import PARAPHRASE_MEANING, PARAPHRASE_WORDS, Extractor
from assistant.question import Question
from assistant.reader.evidence import FIGURE_FEATURES, Evidence
from assistant.verify import DRAFT_PARAPHRASE_MEANING, DRAFT_PARAPHRASE_WORDS, FIT_WORDS, FigureCheck

from .conftest import page_assistant

PAGE = """## 青石县援藏工作队抵达高原

青石县援藏工作队从县城启程，跨越2800公里直抵高原牧区，开展为期三年的对口支援。

工作队为36名牧区孩子完成先心病免费筛查，并协助当地合作社获得信贷支持4500万元。

2019年，青石县粮食产量8.6万吨，创历史新高。2021年，青石县粮食产量达到9.1万吨。

## 青石港建设加快推进

青石港货物吞吐量3600万吨，比上年增长12%，港口功能进一步完善。
"""
# 干部 and 走了 are never printed (走了 stands for 跨越); 牧区 is, beside the figure: the key term
FAR = "青石县干部走了多远才到牧区？"
GRAIN_2021 = "2021年青石县粮食收了多少？"  # the page prints 2019's 8.6万吨 and 2021's 9.1万吨


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    """An index of its own over one small page (a few paragraphs to embed), rule answerer."""
    return page_assistant(tmp_path_factory.mktemp("paraphrase"), "qingshi", PAGE, reader="rules")


@pytest.fixture(scope="module")
def extractor(assistant) -> Extractor:
    return assistant.extractive.extractor


def prepared(assistant: Assistant, text: str):
    """The analysed question (with its vector) and its retrieved paragraphs."""
    ready = assistant.prepare(text, Conversation())
    return ready.question, ready.hits


@pytest.fixture(scope="module")
def far(assistant, extractor):
    """FAR and the rule answerer's best candidate for it: 2800公里, with too few of its words for ACCEPT."""
    question, hits = prepared(assistant, FAR)
    best = extractor.candidates(question, hits)[0]
    assert best.figure is not None and best.figure.text == "2800公里"
    assert PARAPHRASE_WORDS <= best.coverage < ACCEPT, best.coverage  # only a paraphrase can be accepted
    return question, best


def fixed_meaning(monkeypatch, cosine: float) -> None:
    monkeypatch.setattr(Extractor, "meaning", lambda self, question, c: cosine)


# --- the rule answerer ------------------------------------------------------------------------------


def test_the_key_term_is_the_rarest_word_the_pages_print(extractor, far):
    question, _ = far
    assert extractor.key_term(question) == "牧区"  # 干部 and 走了 weigh most, but no page prints them
    assert extractor.idf("筛查") == extractor.idf("先心病")
    assert extractor.key_term(Question("x", "count", focus=["筛查", "先心病", "娃娃"])) == "先心病"  # the longer on a tie
    assert extractor.key_term(Question("x", "count", focus=["青石", "牧区"])) == "牧区"  # the rarer
    assert extractor.key_term(Question("x", "count", focus=["干部", "走了", "才"])) == ""  # nothing printed


def test_a_term_is_mentioned_in_its_own_words_or_a_synonym(extractor):
    assert extractor.mentions("跨越2800公里直抵高原牧区", "牧区")
    assert extractor.mentions("跨越2800公里直抵高原牧区", "走了")  # 跨越 走了 … in data/synonyms.txt
    assert extractor.mentions("协助当地合作社获得信贷支持4500万元", "贷款")
    assert not extractor.mentions("青石港货物吞吐量3600万吨", "贷款")


def test_meaning_is_the_cosine_of_the_question_and_the_printed_sentence(assistant, extractor, far):
    question, best = far
    grain, hits = prepared(assistant, GRAIN_2021)
    port = next(c for c in extractor.candidates(grain, hits) if c.figure and c.figure.text == "3600万吨")
    cosine = extractor.meaning(question, best)
    assert 0.5 < cosine <= 1.0
    assert cosine > extractor.meaning(question, port)  # the port's tonnage is not how far they went
    assert extractor.meaning(replace(question, vector=None), best) == 0.0
    assert extractor.meaning(question, replace(best, sentence="不是这一段的句子。")) == 0.0


@pytest.mark.parametrize("coverage, cosine, elsewhere, accepted", [
    (None, PARAPHRASE_MEANING, False, True),  # key term beside it, enough words, same meaning
    (PARAPHRASE_WORDS, PARAPHRASE_MEANING, False, True),  # both bars are inclusive
    (None, PARAPHRASE_MEANING - 0.01, False, False),  # means something else
    (PARAPHRASE_WORDS - 0.01, 0.99, False, False),  # too few of the question's words
    (None, 0.99, True, False),  # the key term 牧区 is not printed with this figure
], ids=["accepted", "at-the-bars", "meaning-below", "words-below", "key-term-absent"])
def test_a_paraphrase_needs_the_key_term_enough_words_and_the_meaning(
        assistant, extractor, far, monkeypatch, coverage, cosine, elsewhere, accepted):
    question, best = far
    candidate = best if coverage is None else replace(best, coverage=coverage)
    if elsewhere:
        port = next(p for p in assistant.index.paragraphs if "吞吐量" in p.text)
        candidate = replace(candidate, paragraph=port, sentence=port.text)
    fixed_meaning(monkeypatch, cosine)
    assert extractor.paraphrased(question, candidate) is accepted


def test_no_printed_word_no_paraphrase(extractor, far, monkeypatch):
    question, best = far
    fixed_meaning(monkeypatch, 0.99)
    assert not extractor.paraphrased(replace(question, focus=["干部", "走了", "才"]), best)


def test_the_rule_answerer_answers_a_paraphrase_that_means_what_was_asked(assistant, monkeypatch):
    fixed_meaning(monkeypatch, PARAPHRASE_MEANING)
    assert assistant.ask(FAR).text.startswith("答：2800公里。")
    fixed_meaning(monkeypatch, PARAPHRASE_MEANING - 0.01)
    answer = assistant.ask(FAR)
    assert answer.refused and not answer.text.startswith("答：2800公里"), answer.text


# --- the verifier of generated drafts ---------------------------------------------------------------


def fixed_sentence_meaning(monkeypatch, cosine: float) -> None:
    """Every candidate's sentence is this close to the question (the evidence's sem_sentence)."""
    original, column = Evidence.figure_features, FIGURE_FEATURES.index("sem_sentence")

    def features(self, question, found, vector):
        rows = original(self, question, found, vector)
        rows[:, column] = cosine
        return rows

    monkeypatch.setattr(Evidence, "figure_features", features)


def draft_fits(assistant: Assistant, text: str, draft: str) -> bool:
    """Whether the draft's one figure is printed in a given source and agrees with the question."""
    question, hits = prepared(assistant, text)
    check = FigureCheck(assistant.extractive, question, hits)
    [figure] = check.stated(draft)
    assert check.printing(figure), f"{figure.text} is printed in no given source"
    return check.fits(figure)


def test_the_draft_paraphrase_is_judged_between_the_bars(assistant, extractor):
    """The premise of the tests below: 2800公里 has words enough for a paraphrase, not for FIT_WORDS."""
    from assistant.reader.candidates import candidates

    question, hits = prepared(assistant, FAR)
    [found] = [c for c in candidates(question, hits, extractor) if c.figure and c.figure.text == "2800公里"]
    [row] = Evidence(extractor).figure_features(question, [found], question.vector)
    assert DRAFT_PARAPHRASE_WORDS <= row[FIGURE_FEATURES.index("words_credited")] < FIT_WORDS


def test_a_paraphrased_draft_figure_printed_with_the_key_term_is_kept(assistant, monkeypatch):
    fixed_sentence_meaning(monkeypatch, DRAFT_PARAPHRASE_MEANING)
    assert draft_fits(assistant, FAR, "干部走了2800公里[1]。")


def test_a_paraphrased_draft_figure_is_rejected_below_the_meaning_bar(assistant, monkeypatch):
    fixed_sentence_meaning(monkeypatch, DRAFT_PARAPHRASE_MEANING - 0.01)
    assert not draft_fits(assistant, FAR, "干部走了2800公里[1]。")


@pytest.mark.parametrize("key", ["吞吐量", ""], ids=["printed-elsewhere", "none"])
def test_a_paraphrased_draft_figure_is_rejected_without_the_key_term(assistant, monkeypatch, key):
    fixed_sentence_meaning(monkeypatch, 0.99)
    monkeypatch.setattr(Extractor, "key_term", lambda self, question: key)
    assert not draft_fits(assistant, FAR, "干部走了2800公里[1]。")


def test_a_figure_of_another_year_is_rejected_however_close_its_meaning(assistant, monkeypatch):
    fixed_sentence_meaning(monkeypatch, 0.99)
    assert draft_fits(assistant, GRAIN_2021, "收了9.1万吨[1]。")
    assert not draft_fits(assistant, GRAIN_2021, "收了8.6万吨[1]。")  # 2019's, printed in the same paragraph

