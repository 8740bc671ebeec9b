"""How news prose is written, read as a reader must: the dateline ("本报北京1月18日讯") is when the
report was filed, not when its event happened; "16日至18日" is one span of days; "据…公布" names who
reported a figure, not what it measures; a question may name two places in two roles (the companies
of 湖南, testing seeds in 海南)."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from assistant.figures import find_figures
from assistant.flanks import is_dateline
from assistant.question import Places, analyse
from assistant.text import Tokenizer

from .conftest import page_assistant

PAGE = """## 白河县研究生考试顺利举行

本报白河1月18日讯 白河县研究生入学考试初试于16日至18日举行，全县共有3200人报考。

## 白河旅游收入创新高

据世界旅游组织公布，去年白河县旅游收入为12亿元，比上年增加18%。

## 湖南种子公司赴南繁基地鉴定种子

全省共有122个种子公司在海南三亚对种子做了田间种植鉴定。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    return page_assistant(tmp_path_factory.mktemp("news"), "baihe", PAGE)


def test_the_days_of_an_event_are_not_the_dateline(assistant):
    answer = assistant.ask("白河县研究生入学考试初试是哪几天举行的？")
    assert answer.text.startswith("答：16日至18日。"), answer.text


def test_who_reported_a_figure_is_not_what_it_measures(assistant):
    answer = assistant.ask("据世界旅游组织公布，白河县旅游收入是多少？")
    assert answer.text.startswith("答：12亿元。"), answer.text


def test_a_place_named_in_another_role_is_no_rival(assistant):
    # whose companies (湖南, in the heading) and where they went (海南, in the sentence)
    answer = assistant.ask("湖南全省有多少个种子公司在海南三亚做了田间种植鉴定？")
    assert answer.text.startswith("答：122个。"), answer.text


@pytest.mark.parametrize("text, figure", [
    ("初试于16日至18日举行", "16日至18日"),
    ("1月16日至18日", "1月16日至18日"),
    ("10月1日至7日放假", "10月1日至7日"),
])
def test_a_span_of_days_is_one_date(text, figure):
    assert [(f.text, f.kind) for f in find_figures(text)] == [(figure, "date")]


def test_a_dateline_is_told_from_a_date():
    sentence = "本报北京1月18日讯 会议于1月20日召开；新华社北京1月26日电"
    dates = [f for f in find_figures(sentence) if f.kind == "date"]
    assert [is_dateline(sentence, f) for f in dates] == [True, False, True]


def test_the_reporter_of_a_figure_is_not_in_the_question_focus():
    question = analyse("据世界旅游组织公布，1997年中国旅游收入是多少？", Tokenizer(), Places.load())
    assert question.focus == ["旅游收入"] and question.places == ["中国"]
    # "照…的数字", "按…的估算": the source named without a verb is no more what is asked
    for asked in ("照世界旅游组织的数字，1997年中国旅游收入是多少？", "按世界旅游组织的估算，1997年中国旅游收入是多少？"):
        assert analyse(asked, Tokenizer(), Places.load()).focus == ["旅游收入"]
    assert analyse("1998年考试初试是哪几天举行的？", Tokenizer(), Places.load()).asks == "date"


@pytest.mark.parametrize("sentence, name", [
    ("武汉市副市长吴厚溥深有感触地说", "吴厚溥"),  # after the title, before a verb the old pattern did not know
    ("船舶总公司徐鹏航总经理在工作报告中说", "徐鹏航"),  # before the title
    ("据县委宣传部副部长沈需范介绍", "沈需范"),  # a surname the tagger splits from its given name
    ("会议由市商委、卫生局组织", ""),  # no one is named
])
def test_a_name_beside_a_title_answers_who(sentence, name):
    from assistant.names import titled_name as _titled_name

    assert _titled_name(sentence, "是谁？", Places.load()) == name
