"""What a figure counts and how far it reaches, read as the page prints it: "2至4个百分点" is one
range, never a bare 2; "9地市" counts 地市, so asked how many 干部 the 地市 sent it is no answer;
"52对" and "3‰" carry their units; the items of a bulleted headline ("●…9000亿元●…1000亿元") are
items of their own; an article that opens on "江苏省淮阴市" gives the city's figures under 全市, not
the province's; 人次 counts the times people were helped, not the people; "千万吨局" names a class,
no amount; "A和B为X和Y" gives each its own figure as 分别 does; a list that turns (而) to another item gives that item no figure; a change's start answers for the year it prints ("由1980年的53.6%"); and a colloquial preposition (跟, 之间) is not a word the page must print."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from assistant.figures import find_figures, parse_figure, same_figure
from assistant.question import Places, analyse
from assistant.text import Tokenizer

from .conftest import page_assistant

PAGE = """## 出口成为经济增长的助推器

毫无疑问，出口已成为经济增长的“助推器”，据测算，出口需求对去年经济增长的拉动作用约为２至４个百分点。

## 白河干部下乡扶贫

据悉，自１９９５年来，白河省９地市共抽调了近１．５万名地县两级干部，挂钩乡镇１１２９个，包村６０１２个。

## 春运增开列车

今年春运全路增开跨局直通临快５２对。证券交易印花税税率从３‰调高至５‰。

## 白河农民增收

去年白河村集体年均和农民人均纯收入为２３万元和２８００元，分别比上年增长１５％和１２．３％。

## 出口商品结构优化

初级产品在出口额中的比重由１９８０年的５３．６％降至去年的１３％左右，其中以燃料和食品最为明显；工业制成品比重则升至８７％。

## 产品质量国家监督抽查

本次共抽查了电池、室内取暖器、羽绒被等３６类１５２７种产品，抽样合格率７９．４％。其中，消费类产品抽样合格率比上季度提高１２个百分点，如电池、室内取暖器合格率分别为９６．７％和９４．３％，而羽绒被的合格率，则比去年同期增长了四成多。

## 白河帮困

自去年以来白河省动用帮困资金直接救助困难职工近４０万人次；对４１３家国有困难企业发放了近５５万人次工资性贷款。白河煤矿是全国千万吨局中成本最低的。

## 银行贷款计划

●对国家银行贷款指导性计划９０００亿元●国家银行新增农业贷款不低于新增全部贷款的１０％●住房贷款规模达１０００亿元

## 联动添活力实干争效益淮阴经济步入良性轨道

本报讯江苏省淮阴市在努力改善交通、通讯、电力等硬环境的同时，着力提高人民群众的生活水平。

鉴于该市贫困乡镇面大量多的特点，该市对贫困乡村采取部门包村、干部帮贫等措施。全市共投入扶贫资金１．８５亿元，开发扶贫项目１７８个。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    return page_assistant(tmp_path_factory.mktemp("counts"), "counts", PAGE)


@pytest.mark.parametrize("text, printed", [
    ("拉动作用约为２至４个百分点", "２至４个百分点"),
    ("下降2—3个百分点", "2—3个百分点"),
    ("每户5到6万元", "5到6万元"),
])
def test_a_range_is_one_figure(text, printed):
    (figure,) = find_figures(text)
    assert figure.text == printed and figure.qualifier.startswith("至")


def test_years_and_months_are_no_range():
    assert [f.text for f in find_figures("1994至1997年")] == ["1994", "1997年"]
    assert [f.text for f in find_figures("1—11月")] == ["1", "11"]


def test_a_range_is_stated_whole(assistant):
    answer = assistant.ask("出口需求对经济增长的拉动作用约为多少？")
    assert answer.text.startswith("答：２至４个百分点。") or answer.text.startswith("答：2至4个百分点。"), answer.text
    # and the gold a question set writes as a range is matched whole
    assert same_figure(parse_figure("２至４个百分点"), find_figures("约为2至4个百分点")[0])


def test_a_count_of_the_subject_does_not_answer_what_it_counts(assistant):
    answer = assistant.ask("1995年以来，白河各地市一共派了多少地县两级干部下去对口帮扶乡村？")
    assert not answer.text.startswith("答：9。"), answer.text


@pytest.mark.parametrize("text, unit, kind", [("增开临快52对", "对", "count"), ("税率从3‰调高", "‰", "percent")])
def test_pairs_and_per_mille_carry_their_unit(text, unit, kind):
    (figure,) = find_figures(text)
    assert (figure.unit, figure.kind) == (unit, kind)


def test_a_count_in_pairs_is_answered_with_its_unit(assistant):
    assert assistant.ask("今年春运全路增开跨局直通临快多少对？").text.startswith("答：52对。")


def test_each_bulleted_item_is_its_own(assistant):
    answer = assistant.ask("住房贷款规模有多大？")
    assert answer.text.startswith("答：1000亿元。"), answer.text


def test_a_city_figure_is_not_the_province_figure(assistant):
    answer = assistant.ask("江苏省一共投入了多少扶贫资金？")
    assert answer.refused, answer.text


def test_a_city_figure_answers_for_the_city(assistant):
    answer = assistant.ask("淮阴市一共投入了多少扶贫资金？")
    assert answer.text.startswith("答：1.85亿元。"), answer.text


def test_relating_words_are_not_looked_for_in_print():
    question = analyse("1997年咱们国家跟韩国之间的贸易额是多少？", Tokenizer(), Places.load())
    assert "跟" not in question.focus and "之间" not in question.focus and "贸易额" in question.focus


def test_joined_subjects_take_their_figures_in_order(assistant):
    answer = assistant.ask("白河去年农民人均纯收入是多少钱？")
    assert answer.text.startswith("答：2800元。"), answer.text


def test_the_start_of_a_change_answers_for_its_own_year(assistant):
    answer = assistant.ask("1980年初级产品占出口额的比重是多少？")
    assert answer.text.startswith("答：53.6%。"), answer.text


def test_a_list_gives_no_figure_to_the_item_it_turns_to(assistant):
    assert assistant.ask("室内取暖器合格率是多少？").text.startswith("答：94.3%。")
    answer = assistant.ask("羽绒被合格率是多少？")
    assert answer.refused, answer.text


def test_person_times_do_not_count_people(assistant):
    answer = assistant.ask("白河省国有困难企业一共有多少职工？")
    assert answer.refused, answer.text


def test_a_class_named_by_its_size_is_no_amount(assistant):
    assert find_figures("全国千万吨局中") == [] and find_figures("万元户") == []
    assert [f.text for f in find_figures("两万人")] == ["两万人"] and [f.text for f in find_figures("近千人")] == ["近千人"]
    answer = assistant.ask("白河煤矿原煤产量是多少？")
    assert "千万吨" not in answer.text.split("\n")[0], answer.text
