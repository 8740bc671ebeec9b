"""Every prefecture and county of China is a place (not only the ones our seed pages name), and so is
a city of 1998 the tables no longer list (淮阴市); a sentence that opens with its year dates every part
of it; two years contrasted in one sentence each keep their own figure; a change asked between two
years is computed from the two levels printed, even when the newer one is printed without its year;
a difference the page prints is answered as printed, never recomputed from other figures; "增18.1%"
is a rise; "…销售收入64.3亿元，利税10.1亿元，分别增长37.2%和24%" pairs each item with its rise; a
round mark passed is not the amount reached; "哪几个区县" is answered with every place listed; "13余万人"
and "人数达2377万" count people; "增加了多少亿美元" is never answered with a rate; and a short
follow-up naming no place of its own is asked of the place before."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant, Conversation
from assistant.extract import referred_back
from assistant.figures import find_figures
from assistant.flanks import a_mark_passed, a_plan_for_a_past_year, another_year
from assistant.gazetteer import short_name
from assistant.question import Places, analyse
from assistant.text import Tokenizer, clauses

from .conftest import page_assistant

PAGE = """## “一体两翼”富象山

象山县位于浙江省东部沿海，县城西北有山“形如伏象”而得名。

海洋经济是象山的特色经济，产品远销日本、韩国、香港和上海。去年全县水产品产量达36万吨。

## 淮阴经济步入良性轨道

1997年，全市完成国内生产总值120亿元，比上年增14%；财政收入15.2亿元，增18.1%；农民人均纯收入达2010元。

## 消费者协会调查

调查显示，在受到欺诈后，只有22.17%的消费者采取“忍了”的态度，而在1996年，采取同样态度的多达43.2%。

1996年，78.4%的消费者受到过商业欺诈，而去年，这一人数为47.6%。

## 淮阴重点企业效益提高

这23户重点企业去年实现销售收入64.3亿元，利税10.1亿元，分别比上年增长37.2%和24%。

## 安阳年年减农负

全县实际农民负担额比年初审批的预算额减少724.15万元，全县748个行政村中，有173个减免了村提留，有94个给村民减免了乡统筹。

## 今年出口态势如何

去年下半年出口增长速度降为17.1%，比上半年26.3%的增长幅度低9.2个百分点。

据国际货币基金组织测算，东南亚国家汇率贬值在短期内会使其出口增长12%，在长期内会使出口增长56%。

## 海洋石油工业又上新台阶

我国海洋石油工业去年全年共完成原油1664.7万吨，天然气40.5亿立方米，总油气当量首次突破2000万吨，达2069.7万吨。

## 浙江四县光荣脱贫

来自崇山峻岭的浙江省文成、泰顺、景宁、青田四县领导，日前接过了省领导颁发的“光荣脱贫县”的铜牌。

## 上海已售公房上市

从1996年8月起，上海市在公房出售户数较多的长宁区、浦东新区、青浦县进行已售公房上市试点。

## 四川救助困难职工

自去年以来四川省动用帮困资金直接救助困难职工近40万人次；423户企业建立起工资预留户，受益职工13余万人。

## 世界旅游收入增加

1997年世界旅游总收入达4482亿美元，比前年的4350.69亿美元增加了3.3%。去年，中国接待外国游客的人数达2377万，比上年度增加4.41%。

## 全国财政收支

1月至11月，全国财政收入比上年同期增长23.2%，财政支出比上年同期增长16.4%。

## 岳阳农业园区

位于平江县的岳阳市农业示范园，以德国温室为中心，已辐射带动周边各类中小园区12个。
"""
ISSUE = 'newspaper = "人民日报"\ndate = "1998-01-27"\n'


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    return page_assistant(tmp_path_factory.mktemp("places"), "page", PAGE, ISSUE)


@pytest.fixture(scope="module")
def places() -> Places:
    return Places.load()


def test_prefectures_and_counties_are_places_within_their_province(places):
    assert places.find("河南省安阳县") == ["河南", "安阳县"]  # the county, not also the city its name begins with
    assert places.lineage("安阳县") == ["安阳县", "安阳市", "河南"]
    assert places.find("晋城的煤") == ["晋城市"]  # a prefecture by its short name
    assert places.find("广西壮族自治区") == ["广西"]  # the curated name wins
    # a county's short name is often an everyday word or shared (象山县 in 浙江, 象山区 in 广西)
    assert places.find("小康县") == [] and places.find("象山的特色经济") == []
    assert short_name("恩施土家族苗族自治州") == "恩施" and short_name("新疆维吾尔自治区") == "新疆"
    # a trade partner by the name print uses: "韩国，240.5亿美元；…印尼，45.1亿美元" lists two countries
    assert places.find("印尼，45.1亿美元") == ["印度尼西亚"]


def test_a_county_named_by_its_short_name_after_its_province_is_that_county(places):
    # alone, 象山 is too common a word (and 广西 has a 象山区); after 浙江 it is 浙江's 象山县
    assert places.named_after_region("浙江象山开通了几条国际渔业航线？") == ["象山县"]
    assert places.named_after_region("河南桐柏的花生") == ["桐柏县"]
    assert places.named_after_region("浙江人口多少？") == []


def test_a_county_asked_after_its_province_is_found_by_its_short_name(assistant):
    # "浙江象山": the paragraph prints 象山 and names 日本, 韩国 where its fleets fish; it speaks of 浙江
    answer = assistant.ask("浙江象山去年水产品产量是多少？")
    assert answer.text.startswith("答：36万吨。"), answer.text


def test_a_county_asked_by_its_full_name_is_found_by_its_short_one(assistant):
    # the paragraph prints "象山" and names other places: it still speaks of 象山县
    answer = assistant.ask("1997年象山县水产品产量是多少？")
    assert answer.text.startswith("答：36万吨。"), answer.text


def test_a_sentence_that_opens_with_its_year_dates_every_part(assistant):
    assert assistant.ask("1997年淮阴市财政收入是多少？").text.startswith("答：15.2亿元。")
    assert assistant.ask("1996年淮阴市财政收入是多少？").refused


def test_two_years_contrasted_in_one_sentence_keep_their_own_figures():
    question = analyse("去年有多少消费者受到过商业欺诈？", Tokenizer(), Places.load())
    sentence = "1996年，78.4%的消费者受到过商业欺诈，而去年，这一人数为47.6%。"
    old, new = [f for f in find_figures(sentence) if f.kind == "percent"]
    assert another_year(question, sentence, old, 1998)  # 去年 in a 1998 issue is 1997
    assert not another_year(question, sentence, new, 1998)
    # a year named only in a contrast after a figure is the contrast's, and the figure another year's
    then = analyse("受到欺诈后采取“忍了”态度的消费者1996年占多少？", Tokenizer(), Places.load())
    survey = "在受到欺诈后，只有22.17%的消费者采取“忍了”的态度，而在1996年，采取同样态度的多达43.2%。"
    now, before = [f for f in find_figures(survey) if f.kind == "percent"]
    assert another_year(then, survey, now, 1998)
    assert not another_year(then, survey, before, 1998)
    # and 同样态度 points back at the clause that named the attitude
    assert "忍了" in referred_back(survey, before, clauses(survey))


def test_a_clause_that_points_back_speaks_of_what_the_clause_before_named(assistant):
    sentence = "1996年，78.4%的消费者受到过商业欺诈，而去年，这一人数为47.6%。"
    old, new = [f for f in find_figures(sentence) if f.kind == "percent"]
    assert referred_back(sentence, new, clauses(sentence)) == "78.4%的消费者受到过商业欺诈"  # 这一人数
    assert referred_back(sentence, old, clauses(sentence)) == ""
    road = "去年全省公路新增通车里程3100公里，其中高速公路215公里"
    part = find_figures(road)[-1]
    assert referred_back(road, part, clauses(road)) == "去年全省公路新增通车里程3100公里"  # 其中: a part of it
    bonds = "国债发行总额2412.03亿元，其中记账式国债344.06亿元，凭证式国债1643.33亿元"
    assert {referred_back(bonds, f, clauses(bonds)) for f in find_figures(bonds)[1:]} == {"国债发行总额2412.03亿元"}
    answer = assistant.ask("去年有多少比例的消费者受到过商业欺诈？")
    assert answer.text.startswith("答：47.6%。"), answer.text


@pytest.mark.parametrize("question, figure, working", [
    ("1997年采取“忍了”态度的消费者比1996年少了多少个百分点？", "21.03个百分点", "43.2% − 22.17%"),
    ("受到过商业欺诈的消费者比例从1996年到去年下降了多少个百分点？", "30.8个百分点", "78.4% − 47.6%"),
])
def test_a_change_between_two_years_is_computed_from_the_levels(assistant, question, figure, working):
    answer = assistant.ask(question)
    assert answer.text.startswith(f"答：{figure}。"), answer.text
    assert f"计算：{working}" in answer.text


@pytest.mark.parametrize("question, figure", [
    ("1997年淮阴市财政收入增长了多少？", "18.1%"),  # 增 for 增长; not the nation's 23.2%
    ("23户重点企业去年利税比上年增长多少？", "24%"),  # the second item, the second rise
    ("23户重点企业去年利税是多少？", "10.1亿元"),  # a level asked: not the item's rise
])
def test_abbreviated_rises_and_items_before_a_respective_list(assistant, question, figure):
    answer = assistant.ask(question)
    assert answer.text.startswith(f"答：{figure}。"), answer.text


@pytest.mark.parametrize("question, figure", [
    ("安阳县实际农民负担额比年初审批的预算减少了多少？", "724.15万元"),  # not 173个 − 94个
    ("去年下半年出口增速比上半年低了多少？", "9.2个百分点"),  # not 17.1% − 26.3%
])
def test_a_difference_the_page_prints_is_answered_as_printed(assistant, question, figure):
    answer = assistant.ask(question)
    assert answer.text.startswith(f"答：{figure}。") and "计算" not in answer.text, answer.text


def test_higher_by_how_much_is_a_difference(assistant):
    answer = assistant.ask("东南亚国家汇率贬值长期内使出口增长的幅度比短期内高出多少个百分点？")
    assert answer.text.startswith("答：44个百分点。") and "计算：56% − 12%" in answer.text, answer.text


def test_a_round_mark_passed_is_not_the_amount_reached(assistant):
    # "突破2000万吨，达2069.7万吨": the paper heralds the mark, then prints the amount
    answer = assistant.ask("1997年我国海洋油气总油气当量达到多少？")
    assert answer.text.startswith("答：2069.7万吨。"), answer.text
    sentence = "今年以来，新建住宅售价突破3000元／平方米大关，比上年增加300元"
    mark = find_figures(sentence)[0]
    assert a_mark_passed(sentence, mark)  # a mark named as one (大关), with no amount after it
    assert not a_mark_passed("新建住宅售价突破3000元／平方米", mark)


@pytest.mark.parametrize("question, names", [
    ("获得浙江“光荣脱贫县”铜牌的是哪四个县？", "文成、泰顺、景宁、青田"),  # named before their kind
    ("上海已售公房上市试点选在哪几个区县？", "长宁区、浦东新区、青浦县"),  # places the gazetteer knows
])
def test_which_places_lists_them_all(assistant, names, question):
    answer = assistant.ask(question)
    assert answer.text.startswith(f"答：{names}。"), answer.text


def test_a_magnitude_qualifier_before_the_scale_is_read():
    [figure] = find_figures("受益职工13余万人")
    assert (figure.value, figure.unit, figure.qualifier) == (130000.0, "人", "余")


def test_a_headcount_printed_without_its_unit_counts_people(assistant):
    answer = assistant.ask("1997年中国接待外国游客多少人？")  # "人数达2377万"
    assert answer.text.startswith("答：2377万。"), answer.text


def test_an_amount_asked_is_computed_from_the_level_compared_with(assistant):
    # "增加了多少亿美元" is no rate: the page prints both levels, "比前年的4350.69亿美元" is 1996's
    answer = assistant.ask("1997年世界旅游总收入比1996年增加了多少亿美元？")
    assert answer.text.startswith("答：131.31亿美元。"), answer.text
    assert "计算：4482亿美元 − 4350.69亿美元" in answer.text


def test_a_short_followup_is_asked_of_the_place_before(assistant):
    conversation = Conversation()
    assistant.ask("四川省有多少户企业建立起工资预留户？", conversation)
    answer = assistant.ask("受益职工有多少？", conversation)
    assert answer.standalone_question.startswith("四川") and answer.text.startswith("答：13余万人。"), answer.text


def test_a_place_inside_the_one_asked_places_the_text_in_it(assistant):
    # 湖南 and 岳阳 both asked: 岳阳市 printed places the paragraph in 湖南, and 德国 is no rival
    answer = assistant.ask("湖南岳阳的农业示范园带动了多少个中小园区？")
    assert answer.text.startswith("答：12个。"), answer.text


COUNTRY_AND_PROVINCE = """## 去年工商税收７５４８亿元

本报北京１月８日讯：国家税务总局统计显示，１９９７年我国工商税收收入完成情况喜人。

分收入级次看，１９９７年，中央级税收收入完成４２６１亿元；全国地方级税收收入完成３２８７亿元。

## 福建财政再创佳绩

１９９７年福建全省财政总收入达２５０．８亿元，比上年增长１５％。

## 港口建设

交通部部长说，今年我国新建公路里程将达２３７０公里。我国港口吞吐能力将新增４７０万吨，建成深水泊位９个。
"""


@pytest.fixture(scope="module")
def country_and_province(tmp_path_factory) -> Assistant:
    return page_assistant(tmp_path_factory.mktemp("country"), "rmrb", COUNTRY_AND_PROVINCE, ISSUE, reader="rules")


def test_the_countrys_figure_is_no_provinces(country_and_province):
    # a paragraph on the whole country (我国, 全国) that never names 福建 says nothing of 福建's taxes
    assert country_and_province.ask("1997年福建省的税收收入是多少亿元？").refused
    assert country_and_province.ask("1997年我国中央级税收收入完成多少？").text.startswith("答：4261亿元。")


def test_a_provinces_figure_is_not_the_countrys(country_and_province):
    # and the other way round: 福建's revenue is not the whole country's
    assert country_and_province.ask("1997年全国财政总收入是多少？").refused
    assert country_and_province.ask("1997年福建财政总收入是多少？").text.startswith("答：250.8亿元。")


def test_a_plan_does_not_answer_for_a_year_past(country_and_province):
    # "今年…将建成深水泊位9个" in a 1998 paper is 1998's plan, not what 1997 did
    assert country_and_province.ask("1997年我国港口建成深水泊位多少个？").refused
    assert country_and_province.ask("1998年我国港口计划建成深水泊位多少个？").text.startswith("答：9个。")


@pytest.mark.parametrize(("sentence", "figure", "planned"), [
    ("我国港口吞吐能力将新增470万吨，建成深水泊位9个", "9个", True),  # 将 plans the clause that shares it
    ("黄金企业认为金价将继续下调，于是将积存的黄金交售，这部分约有20吨左右", "20吨", False),  # its own subject
    ("在将国有金融保险企业的所得税率从55%降至33%的同时，调高了3个百分点的营业税税率", "3个百分点", False),  # 将 of 把
    ("去年工业增加值占全国工业增加值的比重将接近50%", "50%", False),  # the year asked estimated
    ("一级交易商将由14家扩大到25家", "14家", False),  # what there was before the plan
    ("新疆石油局将开发出的5.8亿立方米的天然气用于炼油", "5.8亿立方米", False),  # 把 with a verb that modifies
    ("一级交易商将由14家扩大到25家", "25家", True),
])
def test_a_plan_is_not_what_a_past_year_did(sentence, figure, planned):
    question = analyse("1997年这方面的数字是多少？", Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if figure in f.text]
    assert a_plan_for_a_past_year(question, sentence, f, 1998) is planned


OPENING_AND_LIST = """## 北大荒粮食三年连续大幅增产

本报讯北大荒经受洪涝灾害的严峻考验，粮食连续３年大幅度增产。

为了使粮食不断增产，黑龙江农垦局近几年积极推进体制改革。

垦区突破了产权界限、工资界限，将土地资产委托给大农场管理。

垦区每年划拨１５００万元科研经费，专事农业新技术研究开发。

## 第四季度产品质量国家监督抽查

本报北京１月１４日讯国家技术监督局今天发布了第四季度产品质量国家监督抽查结果。

本次共抽查了电池、室内取暖器等３６类产品，抽样合格率７９．４％。

消费类产品抽样合格率比上季度提高１２个百分点。

有５家企业的产品连续两次不合格：余姚市易通线缆有限公司、宝鸡电池厂。
"""


def test_a_place_the_article_opens_on_places_its_paragraphs(tmp_path):
    assistant = page_assistant(tmp_path, "rmrb", OPENING_AND_LIST, ISSUE, reader="rules")
    extractor = assistant.extractive.extractor
    paragraphs = {p.text[:6]: p for p in extractor.index.paragraphs}
    asked = analyse("黑龙江垦区每年拿出多少钱搞科研？", Tokenizer(), Places.load())
    assert "垦区" in asked.focus  # the area of the place, printed alone once the place is named
    # a longer rest names a place of its own, and stays whole
    assert "上海浦东新区" in analyse("1997年上海浦东新区外贸出口做了多少？", Tokenizer(), Places.load()).focus
    funds = paragraphs["垦区每年划拨"]
    # named in the article's opening: a small cost for a paragraph that names no place itself
    assert extractor._place_fit(asked, funds.text, funds, "") == pytest.approx(-0.1)
    # 宝鸡 named only far down a national list: the lead is not about 宝鸡
    lead = paragraphs["本报北京１月"]
    baoji = analyse("宝鸡的产品抽样合格率是多少？", Tokenizer(), Places.load())
    assert extractor._place_fit(baoji, lead.text, lead, "") == pytest.approx(-0.35)


def test_a_foreign_country_named_in_the_asked_places_region_is_a_partner_not_a_rival(tmp_path):
    page = ("## 浦东新区产业结构日趋合理\n\n"
            "本报上海１月３０日电：去年浦东新区经济保持较快增长。\n\n"
            "去年全年外贸出口完成３７．５５亿美元，同比增长１６．９％。上海第一八佰伴不受日本八佰伴危机的影响。\n")
    assistant = page_assistant(tmp_path, "rmrb", page, ISSUE, reader="rules")
    extractor = assistant.extractive.extractor
    asked = analyse("1997年上海浦东新区外贸出口做了多少？", Tokenizer(), Places.load())
    assert asked.places == ["上海", "浦东新区"]
    exports = next(p for p in extractor.index.paragraphs if "外贸出口" in p.text)
    # the paragraph names 上海 (the region 浦东 lies in) and 日本: it still speaks of 浦东
    assert extractor._place_fit(asked, exports.text, exports, "") == 0.0


@pytest.mark.parametrize(("question", "planned"), [
    ("1998年全国硕士研究生最后实际录取了多少人？", True),  # what was done, whatever the year
    ("1998年全国硕士研究生计划招收多少人？", False),  # the plan asked
    ("1998年全国硕士研究生招收多少人？", False),  # this year: the plan is what there is
])
def test_a_plan_does_not_answer_what_was_actually_done(question, planned):
    sentence = "１９９８年全国研究生招生单位共计划招收硕士生５．８万人"
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if "万人" in f.text]
    assert a_plan_for_a_past_year(q, sentence, f, 1998) is planned
