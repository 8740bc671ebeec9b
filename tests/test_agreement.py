"""What a figure must agree with to answer, beyond its words: a year printed before the comma of a
list dates every item alike ("1997年，全国人均占有肉类产品50.2公斤、…奶类产品6.6公斤"); items that
each start with their own condition share the lead of the first ("每千瓦时0.7元以下占16.4%，…，1元
以上占15%"); "几个百分点" is answered by points, never by a rate in %, and is computed from two rates
when no change in points is printed; the year after 比 is the one compared with, not the figure's
own; "美国进口", one word to jieba, asks about 进口 in 美国; a question asking how far apart two
things are is not answered by one of them; the level a change reached ("提高到7.95平方米") is no
change; a follow-up naming another item of the list the last answer quoted ("禽蛋呢？", "投产呢？")
takes that item's place in the question; and a figure printed before its noun ("540公里的一、二级汽车专用公路")
names that noun."""

from __future__ import annotations

import pytest

from assistant.arithmetic import answers_operation
from assistant.chat import Conversation
from assistant.extract import item_around
from assistant.figures import find_figures
from assistant.flanks import printed_as_change
from assistant.question import Places, analyse
from assistant.text import Tokenizer, normalise

from .conftest import PEOPLES_DAILY_ISSUE, direct, page_assistant

PAGE = """## 菜篮子工程

１９９７年，全国人均占有肉类产品５０．２公斤、禽蛋１７公斤、奶类产品６．６公斤、水产品２９公斤、蔬菜２５３公斤、水果４０．４公斤。

## 农村电价

据统计，目前全省农户照明电价每千瓦时０．７元以下占１６．４％，０．７元至０．８元占４４．２％，０．８元至１元占２４．４％，１元以上占１５％。

## 税制调整

在将国有金融保险企业的所得税率从５５％降至３３％的同时，调高了其３个百分点的营业税税率，增加收入部分归中央财政所有。

## 中保集团

截至１９９７年底，各类责任准备金积累比１９９６年增加１１９亿元，增长２０％。

## 中美贸易

１９９７年，我国对美国进出口总值达４８９．９亿美元，比１９９６年增长１４．３％。其中出口３２６．９亿美元，增长２２．５％；进口１６３亿美元，增长０．９％。

## 铁路建设

１９９７年，电气化铁路建成１４０８公里，投产１９１６公里。

## 城区学校

目前城区小学毕业生升学率达１００％，初中三年巩固率达１００％，初中毕业会考一次性合格率达９２．３％。

## 教职工住房

高校教职工家庭人均居住面积已由１９９３年底的６．６８平方米提高到１９９７年底的７．９５平方米。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return page_assistant(tmp_path_factory.mktemp("agreement"), "agreement", PAGE, PEOPLES_DAILY_ISSUE, reader="rules")


@pytest.mark.parametrize("question, figure", [
    ("1997年全国人均占有奶类产品多少公斤？", "6.6公斤"),  # the year before the comma is every item's
    ("全省农户照明电价每千瓦时1元以上的占多大比例？", "15%"),  # the lead belongs to every condition
    ("营业税税率调高了几个百分点？", "3个百分点"),
    ("截至1997年底，中保集团各类责任准备金积累比1996年增加了多少？", "119亿元"),  # 1996 is compared with
    ("1997年我国从美国进口了多少？", "163亿美元"),
])
def test_the_figure_that_agrees_answers(assistant, question, figure):
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert figure in direct(answer), answer.text


def test_points_are_computed_from_two_rates_when_no_change_is_printed(assistant):
    answer = assistant.ask("国有金融保险企业所得税率一共降了多少个百分点？")
    assert "22个百分点" in direct(answer), answer.text
    assert "55% − 33%" in answer.text  # the working is shown


def test_a_rate_is_no_answer_to_how_many_points(assistant):
    answer = assistant.ask("1997年我国对美国进出口总值增长比1996年高了几个百分点？")
    assert "14.3%" not in direct(answer), answer.text


def test_one_of_two_things_compared_is_not_how_far_apart_they_are(assistant):
    answer = assistant.ask("1997年底高校教职工家庭人均居住面积比城镇中小学教职工多出多少平方米？")
    assert "7.95平方米" not in direct(answer) and "6.68平方米" not in direct(answer), answer.text


def test_a_question_about_a_difference_admits_only_a_printed_change(assistant):
    prepared = assistant.prepare("高校教职工人均居住面积比中小学教职工多出多少平方米？", Conversation())
    found = assistant.extractive.extractor.candidates(prepared.question, prepared.hits)
    levels = [c for c in found if c.figure and c.figure.text == "7.95平方米"]
    assert levels and not any(answers_operation(prepared.question, c) for c in levels)
    plain = analyse("高校教职工人均居住面积是多少？", Tokenizer(), Places.load())
    assert all(answers_operation(plain, c) for c in levels)  # no operation asked: any level may answer


def test_items_that_start_with_a_condition_share_the_lead():
    sentence = "目前全省农户照明电价每千瓦时０．７元以下占１６．４％，０．７元至０．８元占４４．２％，１元以上占１５％。"
    plain = normalise(sentence)
    first = next(f for f in find_figures(plain) if f.text == "16.4%")
    assert item_around(plain, first).startswith("0.7元以下")


def test_a_place_joined_to_an_action_asks_for_the_action_there():
    question = analyse("1997年我国从美国进口了多少？", Tokenizer(), Places.load())
    assert "进口" in question.focus and "美国" in question.places
    bank = analyse("中国银行的存款有多少？", Tokenizer(), Places.load())
    assert "中国银行" in bank.focus  # a name that holds a place stays whole


def test_the_level_a_change_reached_is_no_change():
    def change(sentence: str, text: str) -> bool:
        plain = normalise(sentence)
        return printed_as_change(plain, next(f for f in find_figures(plain) if f.text == text))

    assert change("各类责任准备金积累比１９９６年增加１１９亿元", "119亿元")
    assert not change("人均居住面积由６．６８平方米提高到７．９５平方米", "7.95平方米")
    assert not change("所得税率从５５％降至３３％", "33%")
    # 多 before a verb, against a time, compares as 增加 does; the level it reached is no change
    assert change("全省粮食入库达７７亿公斤，比上年同期多收１６亿公斤", "16亿公斤")
    assert not change("全省粮食入库达７７亿公斤，比上年同期多收１６亿公斤", "77亿公斤")


@pytest.mark.parametrize("first, then, figure", [
    ("1997年全国人均占有肉类产品多少公斤？", "禽蛋呢？", "17公斤"),  # the item's name, not the list's lead
    ("1997年我国电气化铁路建成多少公里？", "投产呢？", "1916公里"),  # the item's verb
    # the same value printed again, in a clause of its own that names what the follow-up asks
    ("城区小学毕业生升学率是多少？", "初中三年巩固率呢？", "100%"),
])
def test_a_followup_naming_another_item_of_the_quoted_list_asks_for_that_item(assistant, first, then, figure):
    conversation = Conversation()
    assistant.ask(first, conversation)
    answer = assistant.ask(then, conversation)
    assert direct(answer) == f"答：{figure}。", answer.text


def test_only_a_list_of_like_quantities_lends_its_names():
    from assistant.chat import _listed_name

    quoted = "接待游客４８２万余人次，实现旅游收入５１．３２亿余元"
    assert _listed_name(quoted, "旅游收入", "答：482万余人次。", "巴宜区接待游客多少人次？") == ""
    listed = "全国人均占有肉类产品５０．２公斤、禽蛋１７公斤"
    assert _listed_name(listed, "禽蛋", "答：50.2公斤。", "1997年全国人均占有肉类产品多少公斤？") == "肉类产品"


def test_a_figure_before_its_noun_names_that_noun():
    # "800公里的高速公路和540公里的一、二级汽车专用公路": 和 before a figure parts the items, and
    # "一、二级" is one range of grades, not two items
    plain = normalise("今年新建公路里程将达２３７０公里，其中包括８００公里的高速公路和５４０公里的一、二级汽车专用公路。")
    items = {f.text: item_around(plain, f) for f in find_figures(plain)}
    assert items["800公里"] == "其中包括800公里的高速公路"
    assert items["540公里"].startswith("540公里的一、二级汽车专用公路")
    listed = normalise("每年提供１５个公务员岗位、６０个事业单位岗位")
    assert [item_around(listed, f) for f in find_figures(listed)] == ["15个公务员岗位", "60个事业单位岗位"]
