"""How print lays figures out, read as a reader of the paper would: "轻、重工业分别增长11.5%、10.4%"
names 轻工业; "其中出口749亿美元" and the parts after "；" belong to the sentence before them; the list
after 分别 names each figure ("分别占到乡、村和农村人口总数的65%、71.8%和83.8%"); a question's own
numbers pick the item that prints them; "年初的530多家" answers for 年初 though it starts a change; an
aside in brackets is another figure's; "复合肥" does not name 合肥, "对美出口" names 美国, and a
sentence on 中国 is no rival to a question on 黑龙江 and 我国 names 中国, while a page that never names 日本 tells nothing of
trade with it and "本报北京…讯" says where a report was filed, not whose figures it gives; 第几 is
answered by a rank; a level printed
without a change does not answer "比上年增长了多少"; and a page of a 1998 issue that prints no year
speaks of 1998."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant, Conversation, in_context
from assistant.extract import before_contrast, changed_before, clause_around, elided_subject, elided_weight, item_around
from assistant.figures import find_figures, find_ordinals
from assistant.flanks import (
    a_class_bound,
    a_sum_for_a_part,
    a_total_for_a_kind,
    an_included_part,
    an_increment_for_a_stock,
    aside_host,
    counts_an_action,
    names_a_sibling,
    one_of_a_pair_asked,
    outside_the_subset,
    periods,
    printed_as_change,
    the_other_end,
)
from assistant.question import Places, analyse
from assistant.text import Tokenizer, clauses, share_heads

from .conftest import page_assistant

PAGE = """## 全国工业经济形势

据国家统计局今天发表的工业经济形势报告，１９９７年我国工业比上年增长１０．９％。

１９９７年全国乡及乡以上工业完成工业增加值２０４７６亿元。轻、重工业分别比上年增长了１１．５％、１０．４％。

## 外贸进出口

１９９７年，外商投资企业进出口保持快速增长势头，全年进出口１５２６．２亿美元，增长１１．３％。其中出口７４９亿美元，增长２１．７％；进口７７７．２亿美元，增长２．８％。

## 千户企业

截至１９９７年１１月末，千户企业实现工业总产值９５８８．２亿元；实现利润总额７２０．７亿元。

## 晋城奔小康

经过６年拼搏，８０个乡镇、１７５０个村和１５５万农村人口达到小康水平，分别占到乡、村和农村人口总数的６５％、７１．８％和８３．８％。

## 安徽农电

据统计，目前全省农户照明电价每千瓦时０．７元以下占１６．４％，０．７元至０．８元占４４．２％，０．８元至１元占２４．４％，１元以上占１５％。

## 股市扩容

上市公司数量由年初的５３０多家增加到年末的７５０多家，股票市值逾１６４００亿元。

## 货币贬值的影响

据国际货币基金组织测算，东南亚国家汇率贬值在长期内（一年以后）会使出口增长５６％（考虑经济衰退的影响，则为４６％）。

## 开发土地面积下降

去年完成开发土地面积下降幅度较大，其中北京为３３．４万平方米，下降７１．４％；广东为６３０万平方米，下降３８．２％。

## 湖南备耕

目前，全省农资部门已调进尿素４１万吨、磷肥３０万吨、钾肥４０．６万吨、复合肥１６万吨、农膜４７００吨。

## 北大荒垦区

全国农垦系统中，北大荒的机械化程度最高。垦区每年划拨１５００万元科研经费，专事农业新技术研究开发。

## 中美贸易

１９９７年，我国对美国进出口总值达４８９．９亿美元。加工贸易项下我方顺差１８４亿美元。

## 商品质量抽查

春节前夕，内贸部等部门对９类商品进行了质量抽查。各单项商品抽查合格率分别为：碳酸饮料９２％，电水壶３５％，茉莉花茶１８％。

## 质量抽查结果

本报北京１月２０日讯记者潘岗报道：国内贸易部今天公布的一项抽查结果显示，抽查的商品总合格率为５０．５％。

## 外贸出口

１９９７年，我国外贸出口１８２７亿美元，增长２０．９％。

## 造船业

我国造船业连续４年位居世界第三。

## 船舶工业

船舶工业是我国较早进入国际市场的重工业之一，连续４年成为继日本、韩国之后世界第三造船大国。１９９７年造船产量达到２２９万吨，创历史最高水平。

## 金华针织集团

1997年，金华针织集团实现销售收入5.2亿元，比上年增37%，实现利税2800万元，比上年增16%，其中利润达1900万元。

## 三产为龙头二产作支撑浦东新区产业结构日趋合理

去年浦东房地产投资１０５．５亿元，同比增长２７％，全年实现增加值４５．６９亿元，同比增长７％。

现代化的工业是浦东第二产业的主体。去年新区完成工业总产值１３５７．９亿元，同比增长１８．４％，而金桥等重点工业小区的增速更快，增幅达４１．７％。
"""
ISSUE = 'newspaper = "人民日报"\ndate = "1998-01-20"\n'


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    return page_assistant(tmp_path_factory.mktemp("lists"), "rmrb", PAGE, ISSUE, reader="rules")


@pytest.mark.parametrize("question, figure", [
    ("1997年全国轻工业比上年增长了多少？", "11.5%"),  # 轻、重工业: not the whole industry's 10.9%
    ("1997年外商投资企业的出口额是多少？", "749亿美元"),  # 其中出口: of the sentence before; not 进出口
    ("达到小康水平的农村人口占农村人口总数的比重是多少？", "83.8%"),  # the list after 分别
    ("安徽农户照明电价在每千瓦时0.8元至1元之间的占多大比例？", "24.4%"),  # the item printing 0.8 and 1
    ("上市公司年初有多少家？", "530多家"),  # the start of a change, asked by its time
    ("1997年广东完成的开发土地面积有多大？", "630万平方米"),  # 多大 asks a measure; the part after "；"
    ("湖南全省农资部门调进了多少磷肥？", "30万吨"),  # 复合肥 names no 合肥, a rival of 湖南
    ("黑龙江垦区每年拿出多少钱搞农业新技术研究？", "1500万元"),  # 全国 or 中国 is no rival of 黑龙江
    ("1998年春节前抽查的商品里茉莉花茶合格率有多少？", "18%"),  # a 1998 page that prints no year
    ("我国造船业位居世界第几？", "第三"),  # a rank
    # 我国 in a national paper is 中国: 日本、韩国 beside it are what it is compared with, not whose figure
    ("1997年中国船舶工业造船产量是多少？", "229万吨"),
    # "，而金桥…" turns to another subject: 18.4% before the turn is the whole 新区's
    ("1997年浦东新区金桥等重点工业小区增幅多少？", "41.7%"),
])
def test_figures_laid_out_in_lists_and_asides(assistant, question, figure):
    answer = assistant.ask(question)
    assert answer.text.startswith(f"答：{figure}。"), answer.text


@pytest.mark.parametrize("question", [
    "北京市场上商品的合格率是多少？",  # 本报北京…讯 says where the report was filed, not whose rate
    "1997年我国对日本的出口额是多少？",  # the nation's exports, on a page that never names 日本
])
def test_a_place_the_page_does_not_speak_of_gets_no_figure(assistant, question):
    assert assistant.ask(question).refused


def test_a_year_asked_is_not_answered_with_part_of_it(assistant):
    # "截至1997年11月末" gives eleven months; the question asks the year's
    assert assistant.ask("1997年千户企业实现利润总额是多少？").refused
    assert assistant.ask("截至1997年11月末千户企业实现利润总额是多少？").text.startswith("答：720.7亿元。")


def test_a_level_printed_without_its_change_is_no_answer_to_how_much_it_grew(assistant):
    # only the surplus (a level) is printed; the rise of 一般贸易 is not
    assert assistant.ask("1997年我国对美国的一般贸易额比上年增长了多少亿美元？").refused


def test_a_word_inside_a_pair_compound_or_beside_its_suffix(assistant):
    cover = assistant.extractive.extractor.coverage
    assert cover(["出口"], [("全年进出口1526.2亿美元", 1.0)])[0] == 0.0  # 进出口 names the pair
    assert cover(["出口"], [("其中出口749亿美元", 1.0)])[0] == 1.0
    assert cover(["出口额"], [("其中出口749亿美元", 1.0)])[0] == pytest.approx(0.9)  # 出口 is the 出口额
    assert cover(["出口额"], [("全年进出口1526.2亿美元", 1.0)])[0] < 0.5  # not the 出口 inside 进出口
    assert cover(["轻工业"], [("我国工业比上年增长10.9%", 1.0)])[0] == pytest.approx(0.2)  # a head alone


def test_shared_heads_are_spelled_out():
    assert share_heads("轻、重工业分别增长") == "轻工业、重工业分别增长"
    assert share_heads("农、林、牧、渔业") == "农业、林业、牧业、渔业"
    assert share_heads("进、出口总额") == "进口、出口总额"
    assert share_heads("农膜4700吨、农药1.8万吨") == "农膜4700吨、农药1.8万吨"  # a unit is no list word
    assert share_heads("美、日两国") == "美、日两国"


def test_ranks_are_figures_only_when_a_rank_is_asked():
    assert [f.text for f in find_ordinals("排名由前年的第九名上升到去年的第八名")] == ["第九名", "第八名"]
    assert not find_figures("位居世界第三")
    tokenizer, places = Tokenizer(), Places.load()
    assert analyse("我国造船业位居世界第几？", tokenizer, places).asks == "ordinal"


def test_place_names_inside_words_and_trade_partners():
    places = Places.load()
    assert places.find("复合肥16万吨") == []
    assert places.find("对美加工贸易出口234亿美元") == ["美国"]
    assert places.find("山西晋城市达到小康水平") == ["山西", "晋城市"]
    assert places.in_country("黑龙江") and not places.in_country("日本")


def test_question_reading():
    tokenizer, places = Tokenizer(), Places.load()
    jincheng = analyse("山西晋城市达到小康水平的农村人口占多大比重？", tokenizer, places)
    assert not any("晋" in w or w == "城市" for w in jincheng.focus)  # pieces of a place name
    assert analyse("硕士生报名人数是从多少个报名点汇总的？", tokenizer, places).asks == "count"
    assert analyse("报名人数比计划招收人数多出多少万人？", tokenizer, places).asks == "people"
    assert analyse("广东开发土地面积有多大？", tokenizer, places).dimension == "area"
    assert "比上年" in analyse("北大荒粮食产量比上一年多了多少公斤？", tokenizer, places).text
    thousand = analyse("千户企业销售收入过百亿元的占多少？", tokenizer, places)
    assert "百亿元" in thousand.focus and "1e+10" not in thousand.text
    topic = analyse("1997年乡镇企业投资多少？", tokenizer, places)
    assert topic.asks == "money" and topic.kind_from_topic
    assert not analyse("1997年乡镇企业投资多少亿元？", tokenizer, places).kind_from_topic


def test_an_aside_in_brackets_is_its_own_clause():
    sentence = "在长期内（一年以后）会使出口增长56%（考虑经济衰退的影响，则为46%）。"
    figures = find_figures(sentence)
    long_run, recession = figures
    assert "经济衰退" not in clause_around(sentence, long_run, clauses(sentence), figures)
    assert "经济衰退" in clause_around(sentence, recession, clauses(sentence), figures)
    qualified = "全国又有400个县（市、区）（含其他县级行政区划单位36个）达到“两基”要求"
    counties = find_figures(qualified)[0]
    assert clause_around(qualified, counties, clauses(qualified), find_figures(qualified)) == \
        "全国又有400个县（市、区）达到“两基”要求"  # a qualifier stays, the aside with its own figure goes
    # the aside's figure is another value of the figure it follows: a change, as that one is
    assert "经济衰退" not in item_around(sentence, long_run)
    assert aside_host(sentence, recession) == long_run and printed_as_change(sentence, recession)
    assert aside_host(qualified, find_figures(qualified)[1]) is None  # 含…36个 gives no other value


def test_a_short_followup_is_asked_of_the_year_asked_not_of_the_year_compared_with():
    tokenizer, places = Tokenizer(), Places.load()
    previous = analyse("1997年交通银行各项人民币存款余额比1996年增长了多少？", tokenizer, places)
    followup = "那贷款余额增长了多少？"
    assert in_context(followup, previous, analyse(followup, tokenizer, places)) == "1997年交通银行贷款余额增长了多少？"


def test_a_followup_with_a_time_of_its_own_keeps_the_subject():
    tokenizer, places = Tokenizer(), Places.load()
    previous = analyse("上海1998年全年计划压锭多少万锭？", tokenizer, places)
    followup = "那1999年还要压多少？"
    assert in_context(followup, previous, analyse(followup, tokenizer, places)) == "上海1999年还要压多少？"


def test_a_question_that_names_its_own_action_may_put_it_otherwise():
    tokenizer, places = Tokenizer(), Places.load()
    sentence = "全国公安出入境管理部门根据限额批准内地居民赴香港定居近5万人"
    settled = find_figures(sentence)[0]
    asked = analyse("获准搬到香港落户的内地居民有多少？", tokenizer, places)
    assert not counts_an_action(asked, sentence, settled)  # 落户 put as 定居
    bare = analyse("内地居民有多少？", tokenizer, places)
    assert counts_an_action(bare, sentence, settled)  # how many there are, not how many settled


@pytest.mark.parametrize("question, sentence, figure, verdict", [
    # the part the question's clause picks out is printed beside 109户; 1190户 is the whole
    ("1997年湖南省煤矿系统扶持的特困户中，年纯收入超过一万元的有多少户？",
     "去年扶持的1190户特困户，有627户已摘掉贫困帽，109户年纯收入超万元", "1190户", True),
    ("1997年湖南省煤矿系统扶持的特困户中，年纯收入超过一万元的有多少户？",
     "去年扶持的1190户特困户，有627户已摘掉贫困帽，109户年纯收入超万元", "109户", False),
    # a bare predicate ("占97.3%") is of the clause before it
    ("在消协调查的十大行业中，邮电通讯行业开展经营承诺的企业占多少？",
     "其中邮电通讯行业开展经营承诺的企业最多，占97.3%", "97.3%", False),
    # a clause that opens with its measure per unit speaks of the clause before it, which prints the part
    ("上海已售公房上市试点中，上市出售的已购公房平均每户多大？",
     "3个试点区累计上市出售已购公房1027户（套），平均每户（套）48.1平方米", "48.1平方米", False),
    # 大中城市, 初中: no whole of which a part is asked
    ("节日前工商银行向30个大中城市的多少家大中型商业企业发放了贷款？", "向299户大型商场发放贷款", "299户", False),
])
def test_a_part_asked_is_not_answered_by_its_whole(question, sentence, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert outside_the_subset(q, sentence, f) is verdict


_TWO_BASICS = ("1997年，全国又有400个县（市、区）（含其他县级行政区划单位36个）达到“两基”的要求。"
               "到1997年底，全国实现“两基”的县（市、区）累计达到1882个（含其他县级行政区划单位79个）")


@pytest.mark.parametrize("question, figure, verdict", [
    ("1997年全国又有多少个县（市、区）实现了两基？", "36个", True),  # a part, in brackets opened by 含
    ("1997年全国又有多少个县（市、区）实现了两基？", "400个", False),
    # the question names the part: most of its own words
    ("1997年新实现两基的县中，其他县级行政区划单位有多少个？", "36个", False),
])
def test_a_part_in_brackets_answers_only_for_itself(question, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(_TWO_BASICS) if f.text == figure]
    assert an_included_part(q, _TWO_BASICS, f) is verdict


@pytest.mark.parametrize("question, figure, verdict", [
    # what stands at a date is not what the year added, and the other way round
    ("到1997年底，全国实现两基的县累计有多少个？", "400个", True),
    ("到1997年底，全国实现两基的县累计有多少个？", "1882个", False),
    ("1997年全国又有多少个县实现了两基？", "1882个", True),
    ("1997年全国又有多少个县实现了两基？", "400个", False),
    ("1997年全国有多少个县实现了两基？", "400个", False),  # neither asked: no rule
])
def test_what_a_year_added_is_not_what_stands_at_its_end(question, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(_TWO_BASICS) if f.text == figure]
    assert an_increment_for_a_stock(q, _TWO_BASICS, f) is verdict


@pytest.mark.parametrize(("sentence", "figure", "stock"), [
    ("目前，全国公路通车里程达121.4万公里", "121.4万公里", True),  # a level reached
    ("去年全国公路新增通车里程2.7万公里，其中高速公路1313公里", "1313公里", False),
    ("去年全国公路新增通车里程达2.7万公里", "2.7万公里", False),  # 达 what was added
])
def test_a_level_reached_is_not_what_a_year_added(sentence, figure, stock):
    q = analyse("1997年全国新增的高速公路通车里程是多少公里？", Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert an_increment_for_a_stock(q, sentence, f) is stock


@pytest.mark.parametrize("sentence, figure, bound", [
    ("在已建成投产的总投资1000万美元以上的116个大工业项目中", "1000万美元以上", True),  # picks out the 116
    ("在已建成投产的总投资1000万美元以上的116个大工业项目中", "116个", False),
    ("报考者中25岁以下的占63.2%", "25", True),  # the unit outside the figure read
    ("市教委每年设立200万元以上的专项补助", "200万元以上", False),  # the amount of the subsidy itself
    ("其中95%以上的村镇和累计近85万人", "95%以上", False),  # a share of its own, listed
])
def test_a_bound_that_picks_out_what_another_figure_counts_is_no_amount(sentence, figure, bound):
    q = analyse("浦东已建成投产的大工业项目总投资一共是多少？", Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert a_class_bound(q, sentence, f) is bound
    # asked by its bound, the bound is what is asked
    assert not a_class_bound(analyse("总投资多少以上的项目有116个？", Tokenizer(), Places.load()), sentence, f)


def test_a_bare_change_is_of_what_the_clause_before_it_names():
    sentence = "富润集团实现销售收入6.1亿元，比上年增94%，实现利税3200万元，比上年增11%，其中利润达2500万元"
    figures = find_figures(sentence)
    of = {f.text: changed_before(sentence, f, clauses(sentence)) for f in figures}
    assert of["94%"] == "富润集团实现销售收入6.1亿元" and of["11%"] == "实现利税3200万元"
    assert of["3200万元"] == "" and of["2500万元"] == ""  # a level names its own quantity


def test_a_clause_that_opens_with_its_verb_speaks_of_the_sentence_subject():
    sentence = "1997年，富润集团实现销售收入6.1亿元，比上年增94%，实现利税3200万元，比上年增11%，其中利润达2500万元"
    of = {f.text: elided_subject(sentence, f, clauses(sentence)) for f in find_figures(sentence)}
    assert of["3200万元"] == of["11%"] == "1997年，富润集团"  # 实现利税…: still 富润集团's
    assert of["6.1亿元"] == of["94%"] == ""  # the subject is printed in their own clause
    listed = "北京完成投资233亿元，增长0.5%，上海完成投资379亿元，下降1.9%"
    assert all(elided_subject(listed, f, clauses(listed)) == "" for f in find_figures(listed))  # each names its own


def test_a_followup_on_the_second_item_asks_its_own_change(assistant):
    conversation = Conversation()
    assistant.ask("1997年金华针织集团实现利税多少？", conversation)
    answer = assistant.ask("比上年增长多少？", conversation)
    assert answer.text.startswith("答：16%。"), answer.text  # 利税's rise, not 销售收入's 37%
    answer = assistant.ask("1997年金华针织集团实现的利税比利润多多少万元？")  # 利税 is the group's too
    assert answer.text.startswith("答：900万元。") and "计算：2800万元 − 1900万元" in answer.text, answer.text


@pytest.mark.parametrize(("sentence", "figure", "scope"), [
    ("新区工业总产值增长18.4%，而金桥小区增幅达41.7%。", "18.4%", "新区工业总产值增长18.4%"),
    ("新区工业总产值增长18.4%，而金桥小区增幅达41.7%。", "41.7%", "新区工业总产值增长18.4%，而金桥小区增幅达41.7%。"),
    ("出口增长20.9%，而且进口增长2.8%。", "20.9%", "出口增长20.9%，而且进口增长2.8%。"),  # 而且 goes on
])
def test_a_turn_to_another_subject_ends_what_the_sentence_says_of_a_figure_before_it(sentence, figure, scope):
    mine = next(f for f in find_figures(sentence) if f.text == figure)
    assert before_contrast(sentence, mine) == scope


def test_spans_and_clauses():
    assert periods("截至11月底来华人数同比增长12.33%，超过1996年全年入境人数") == [(1, 11)]
    sentence = "各单项商品抽查合格率分别为：碳酸饮料92%，茉莉花茶18%"
    assert sentence[slice(*clauses(sentence)[1])] == "碳酸饮料92%"  # the header is no item's


@pytest.mark.parametrize("question, sentence, figure, verdict", [
    # one figure after two coordinated things is their sum, no answer for one of them
    ("1997年全国海关收的进口环节税有多少？", "全国海关征收关税和进口环节税940亿元，比上一年同期增加88.4亿元", "940亿元", True),
    ("1997年全国海关征收关税和进口环节税共多少？", "全国海关征收关税和进口环节税940亿元", "940亿元", False),
    # the first thing's name starts after what is done to it: the question's 全国海关征收 names no 关税
    ("1997年全国海关征收进口环节税金额？", "1997年，全国海关征收关税和进口环节税940亿元", "940亿元", True),
    # one figure for each, in order, even without 分别
    ("1997年福建全省村集体年均纯收入是多少？", "去年全省村集体年均和农民人均纯收入为23万元和2800元", "23万元", False),
    # 各占: each of the two has the figure, it is no sum of them
    ("证券交易印花税分享比例调整以前，中央占多少？", "分享比例由中央和地方各占50%，改为中央占80%", "50%", False),
    # what is done to the second thing is not part of its name
    ("1997年国内增值税和消费税两税实际完成多少？", "国内增值税和消费税两税收入共完成4047亿元", "4047亿元", False),
    # the 及 of 普及 joins nothing
    ("到1996年底，广西农村一共推广了多少户省柴节煤灶？", "同时，广西还在推广普及与生态农业紧密相关的省柴节煤灶上下功夫，"
     "累计推广普及省柴节煤灶745.5万户", "745.5万户", False),
])
def test_a_figure_for_two_things_together_is_not_one_of_them(question, sentence, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    figures = find_figures(sentence)
    [f] = [f for f in figures if f.text == figure]
    assert a_sum_for_a_part(q, sentence, f, figures) is verdict


@pytest.mark.parametrize("question, sentence, figure, verdict", [
    ("1998年全国计划招收博士生多少人？", "研究生招生单位共计划招收硕士生5.8万人", "5.8万人", True),
    ("1998年全国计划招收硕士生多少人？", "研究生招生单位共计划招收硕士生5.8万人", "5.8万人", False),
    ("1997年轻工业比上年增长多少？", "据统计，重工业比上年增长10.4%", "10.4%", True),
    ("1997年全国出口多少？", "1997年我国出口1827亿美元", "1827亿美元", False),  # 全国 and 我国 are one
])
def test_a_figure_of_another_kind_of_the_thing_asked_is_no_answer(question, sentence, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert names_a_sibling(q, sentence, f) is verdict


def test_figures_that_name_their_nouns_after_them_share_the_predicate_after_the_last():
    """"全市96%的贫困村和94%的贫困人口越过了温饱线": 越过了温饱线 is said of both, so it is no more the
    item of 94% than of 96%; each item is its figure and its own noun."""
    sentence = "经过6年拼搏，全市96%的贫困村和94%的贫困人口越过了温饱线"
    first, second = (f for f in find_figures(sentence) if f.kind == "percent")
    assert item_around(sentence, first) == "全市96%的贫困村"
    assert item_around(sentence, second) == "94%的贫困人口"
    shares = "对美出口贸易的43%和自美进口贸易的27%是通过香港实现的"  # the noun before each figure
    assert item_around(shares, find_figures(shares)[1]) == "自美进口贸易的27%"
    listed = "每年提供15个公务员岗位、60个事业单位岗位"  # a noun after the figure is no predicate
    assert item_around(listed, find_figures(listed)[1]) == "60个事业单位岗位"
    alone = "全市94%的贫困人口越过了温饱线"  # one figure: its predicate is its own
    assert item_around(alone, find_figures(alone)[0]) == alone


@pytest.mark.parametrize(("question", "expected"), [
    ("1997年我国对美国的出口中，有百分之几是通过香港实现的？", "43%"),
    ("1997年我国自美国的进口中，有百分之几是通过香港实现的？", "27%"),
])
def test_the_shared_predicate_is_beside_no_share_more_than_another(tmp_path, question, expected):
    """The words right after the last share ("是通过香港实现的") are what both shares are said to be;
    the share asked is told apart by its own noun (出口, 进口), not by standing next to them."""
    assistant = page_assistant(tmp_path, "rmrb", "## 中美贸易\n\n１９９７年，对美出口贸易的４３％和自美进口贸易的２７％是通过香港实现的。\n",
                               reader="rules")
    prepared = assistant.prepare(question, Conversation())
    best = assistant.extractive.extractor.candidates(prepared.question, prepared.hits)[0]
    assert best.figure.text == expected


def test_a_clause_of_a_verb_and_its_figure_speaks_of_the_subject_before_it():
    """"增建复线铺轨469公里，投产551公里": 投产551公里 is 增建复线's, wholly, as 铺轨469公里 is; so
    "增建复线投产里程" is 551公里, not the 469公里 whose own words hold 增建复线."""
    sentence = "增建复线铺轨469公里，投产551公里；"
    spans = clauses(sentence)
    laid, opened = find_figures(sentence)
    assert elided_subject(sentence, opened, spans) == "增建复线"
    assert elided_weight(sentence, opened, spans) == 1.0
    assert elided_subject(sentence, laid, spans) == ""
    richer = "富润集团实现销售收入6.1亿元，实现利税3200万元"  # a clause with a noun of its own
    assert elided_weight(richer, find_figures(richer)[1], clauses(richer)) == 0.85


@pytest.mark.parametrize("question, figure", [
    ("1997年化学纤维、人造板等产品生产增长最高达到多少？", "32.3%"),
    ("1997年化学纤维、人造板等产品生产增长最低是多少？", "14.6%"),
])
def test_the_top_or_bottom_asked_of_a_printed_range_is_that_end(question, figure):
    """"增14.6%到32.3%": 最高 asks the top of the range, 最低 its bottom; both ends are the change of
    what the clause before them names, as a bare change is."""
    sentence = "全国一次性能源生产总量比上年增长2%，化学纤维、人造板、10种有色金属等生产增长较快，增14.6%到32.3%。"
    figures = find_figures(sentence)
    q = analyse(question, Tokenizer(), Places.load())
    kept = [f.text for f in figures if f.kind == "percent" and not the_other_end(q, sentence, f, figures)]
    assert figure in kept and len(kept) == 2  # the 2% of another clause, and the end asked
    top = next(f for f in figures if f.text == "32.3%")
    assert "化学纤维" in changed_before(sentence, top, clauses(sentence))


def test_a_word_asked_whole_is_found_printed_as_two_listed_things():
    """"探亲访友" asked is "探亲、访友" printed; but 港澳 is not "香港、澳门", across which 港、澳 runs."""
    from assistant.extract import _enumerated

    assert _enumerated("探亲访友", "批准出国探亲、访友35.6万人次")
    assert not _enumerated("港澳", "批准去香港、澳门82.1万人次")


@pytest.mark.parametrize(("question", "total"), [
    ("中保集团1997年支付的财产险赔款有多少？", True),  # 财产险 printed nowhere: 各类 counts every kind
    ("中保集团1997年一共支付了多少赔款？", False),  # no kind asked
    ("中国银行人民币贷款余额是多少？", False),  # the kind asked (人民币) is printed
])
def test_a_total_of_every_kind_does_not_answer_for_one_kind(question, total):
    sentence = "１９９７年该集团公司共支付各类赔款３６９亿元，各项人民币贷款余额５６４４亿元"
    q = analyse(question, Tokenizer(), Places.load())
    asked = "赔款" if "赔款" in question else "贷款"
    [f] = [f for f in find_figures(sentence) if ("369" if asked == "赔款" else "5644") in f.text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))]
    assert a_total_for_a_kind(q, sentence, f) is total


def test_the_kind_is_read_at_the_noun_every_kind_opens():
    # "各类中小园区": the question's 中小园区 is what 各类 counts; 农业园区 names the other figure's
    sentence = "这类大型园区焦作共有８个，辐射带动了各类中小园区３０来个"
    q = analyse("河南焦作那些大型农业园区辐射带动了多少个中小园区？", Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if "来个" in f.text]
    assert not a_total_for_a_kind(q, sentence, f)


@pytest.mark.parametrize(("question", "sentence", "article", "total"), [
    # the article divides 工业 by ownership: plain 工业 is the whole, not 集体工业
    ("1997年我国集体工业比上年增长了多少？", "１９９７年我国工业比上年增长１０．９％",
     "国有工业增长５．４％。集体工业回落大，增１１．７％", True),
    # an article that opened on 国有铁路 goes on to call it 铁路
    ("1998年国有铁路基建投资初步安排多少？", "今年铁路建设规模初步安排３４９亿元",
     "全年国有铁路完成基建投资３４２亿元", False),
    ("1997年我国私营工业比上年增长了多少？", "１９９７年我国工业比上年增长１０．９％", "", True),  # never printed
])
def test_a_class_of_ownership_asked_is_not_answered_by_the_plain_noun(question, sentence, article, total):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = find_figures(sentence)[-1:]
    assert a_total_for_a_kind(q, sentence, f, lambda: article) is total


@pytest.mark.parametrize(("question", "sentence", "figure", "pair"), [
    ("关税和进口环节税比上年增长了百分之几？", "征收关税354.1亿元，进口环节税585.9亿元，分别比上年同期增长4%和14.6%",
     "14.6%", True),  # both asked together: neither item's own rise
    ("进口环节税比上年增长了百分之几？", "征收关税354.1亿元，进口环节税585.9亿元，分别比上年同期增长4%和14.6%",
     "14.6%", False),
    # a figure in a later clause is what they gave together
    ("市商委和卫生局拿出了多少个岗位？", "市商委、卫生局、旅游局分别组织10家商场、10家医院、10家宾馆进行清岗腾岗，拿出500多个岗位",
     "500多个", False),
])
def test_two_items_asked_together_are_not_answered_by_one_of_a_respective_list(question, sentence, figure, pair):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert one_of_a_pair_asked(q, sentence, f) is pair
