"""A question that names the basis a figure is stated on (按可比口径计算, 剔除…因素, 考虑…影响) is
answered by the figure stated on it, not by the plain figure printed before or beside it."""

from __future__ import annotations

import pytest

from assistant.conditions import another_basis, bases
from assistant.figures import find_figures
from assistant.text import normalise


def _ruled(question: str, sentence: str, lead: str = "") -> dict[str, bool]:
    plain = normalise(sentence)
    return {f.text: another_basis(question, plain, f, normalise(lead)) for f in find_figures(plain) if f.kind != "date"}


def test_a_basis_is_read_off_the_words_that_name_it():
    assert bases("剔除政策性因素按同口径计算，交通银行利润是多少？") == ["政策性", "同口径"]
    assert bases("如果考虑经济衰退的影响，出口增长多少？") == ["经济衰退的"]
    assert bases("交通银行利润是多少？") == []
    assert bases("那家公司一般按市面价格的几成收房？") == []  # at a price: no basis of counting


@pytest.mark.parametrize(("question", "sentence", "lead", "ruled"), [
    # the plain figure printed before the basis is not the one asked
    ("剔除政策性因素，按同口径计算，该行利润是多少？", "去年该行全年完成利润４７．８４亿元，剔除政策性因素，按同口径计算，利润为６３．５９亿元。", "",
     {"47.84亿元": True, "63.59亿元": False}),
    # a figure of a sentence that names no basis, the paragraph before it none either
    ("按可比口径计算，两税实际完成多少？", "国内增值税和消费税两税收入共完成４０４７亿元。", "据统计，",
     {"4047亿元": True}),
    # the basis noted in brackets after the figure is its own; a bracket giving another figure is not
    ("按可比价格计算，工业增加值增长多少？", "工业增加值增长１３．１％（按可比价格计算）。", "", {"13.1%": False}),
    ("考虑经济衰退的影响，出口会增长多少？", "出口增长５６％（考虑经济衰退的影响，则为４６％）。", "", {"56%": True, "46%": False}),
    # a question that names no basis rules nothing out
    ("该行利润是多少？", "去年该行全年完成利润４７．８４亿元，剔除政策性因素，利润为６３．５９亿元。", "",
     {"47.84亿元": False, "63.59亿元": False}),
])
def test_only_a_figure_stated_on_the_basis_asked_answers(question, sentence, lead, ruled):
    assert _ruled(question, sentence, lead) == ruled


def test_a_follow_up_that_names_only_a_basis_asks_the_same_question_on_it():
    from assistant.chat import resolve_followup
    from assistant.question import Places, analyse
    from assistant.text import Tokenizer

    places, tokenizer = Places.load(), Tokenizer()
    previous = analyse("1997年两税收入比上年增长了多少？", tokenizer, places)
    for asked in ("按可比口径算的话呢？", "如果剔除价格因素呢？"):
        standalone = resolve_followup(asked, previous, analyse(asked, tokenizer, places), places)
        assert standalone.endswith("，1997年两税收入比上年增长了多少？") and bases(standalone), standalone
    other = resolve_followup("那安徽呢？", previous, analyse("那安徽呢？", tokenizer, places), places)
    assert not bases(other)
