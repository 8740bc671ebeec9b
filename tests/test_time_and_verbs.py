"""News dates itself by its issue ("去年" in a 2022 paper is 2021), prints the same quantity for
several spans of a year (1—11月 is not the whole year), measures changes from a year it names after
比, counts what a verb did ("走访35家会员企业" is not how many members there are) and names a
quantity by what it is measured in (面积 is not answered in 亿元). A reader that misses these states
last year's figure for this year, a visit count for a total, or money for an area."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant, Conversation
from assistant.figures import find_figures
from assistant.flanks import (
    ASKS_CHANGE,
    a_change_for_a_level,
    another_period,
    another_season,
    another_year,
    compared_change,
    counts_an_action,
    of_a_group,
    over_several_years,
    periods,
    the_whole_for_a_part,
    years_printed,
)
from assistant.question import Places, analyse
from assistant.text import Tokenizer
from assistant.verify import FigureCheck

from .conftest import page_assistant

PAGE = """## 白河县经济运行稳中向好

去年，白河县地区生产总值达到86亿元，比上年增长7%。

今年，白河县计划地区生产总值达到92亿元，固定资产投资达到40亿元。

白河县青年商会走访35家会员企业，帮助企业解决融资难题。

1—11月，白河县规模以上企业实现销售收入120亿元；实现利润总额9亿元。

白河县房地产开发投资30亿元，新开工面积120万平方米。

白河县企业所得税率从55%降至33%，减轻了企业负担。

白河县农民人均纯收入由2010年的3000元提高到2020年的8500元，2021年达到9300元。

白河县将县直机关处室由原来的24个划转分流为9个。

白河县出口商品结构持续优化，工业制成品比重则升至64%，初级产品比重由2015年的40%降至去年的20%左右。
"""
ISSUE = 'newspaper = "白河日报"\ndate = "2022-01-15"\n'


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    return page_assistant(tmp_path_factory.mktemp("dated"), "baihe", PAGE, ISSUE)


@pytest.mark.parametrize("question, figure", [
    ("2021年白河县地区生产总值是多少？", "86亿元"),  # 去年, in a 2022 issue
    ("2022年白河县计划地区生产总值达到多少？", "92亿元"),  # 今年
    ("白河县青年商会走访了多少家会员企业？", "35家"),  # the verb asked is the verb printed
    ("白河县工业制成品比重升到了多少？", "64%"),  # 比重 is a share, not a comparison
    ("白河县1至11月实现利润总额是多少？", "9亿元"),  # the span is printed before the sentence
    ("白河县房地产新开工面积是多少？", "120万平方米"),
])
def test_figures_dated_by_the_issue_answer_for_their_year(assistant, question, figure):
    answer = assistant.ask(question)
    assert answer.text.startswith(f"答：{figure}。"), answer.text


@pytest.mark.parametrize("question", [
    "2020年白河县地区生产总值是多少？",  # printed only for 2021 (去年) and planned for 2022 (今年)
    "白河县青年商会有多少家会员企业？",  # 35 were visited; how many members there are is not printed
    "白河县全年实现利润总额是多少？",  # only January to November's is printed
])
def test_no_figure_of_another_year_or_of_another_action_is_given(assistant, question):
    assert assistant.ask(question).refused


def test_a_draft_stating_a_visit_count_as_the_total_is_rejected(assistant):
    ready = assistant.prepare("白河县青年商会有多少家会员企业？", Conversation())
    check = FigureCheck(assistant.extractive, ready.question, ready.hits)
    [figure] = check.stated("白河县青年商会有35家会员企业[1]。")
    assert check.printing(figure) and not check.fits(figure)


def test_relative_years_resolve_against_the_issue_and_comparisons_are_not_dates():
    assert years_printed("去年产量比前年增长，今年计划比2019年翻番", 2022) == ["2021", "2022"]
    assert years_printed("去年产量增长", None) == []  # an undated page says nothing of which year
    understand = lambda text: analyse(text, Tokenizer(), Places.load())  # noqa: E731
    assert understand("那天然气比1996年增产多少？").years == []
    assert understand("1997年海洋石油比1996年增产多少万吨？").years == ["1997"]


def test_the_year_governing_a_figure_may_be_relative():
    question = analyse("1998年京沪线最高时速将达到多少？", Tokenizer(), Places.load())
    sentence = "去年4月后，快速旅客列车的最高时速达到120公里"
    [figure] = [f for f in find_figures(sentence) if f.text == "120公里"]
    assert another_year(question, sentence, figure, 1998)  # 去年 in a 1998 issue is 1997
    assert not another_year(question, sentence, figure, 1999)
    assert not another_year(question, sentence, figure, None)



def test_a_level_reached_now_is_not_the_years_the_change_started_from():
    """"由1991年每生300元提高到现在的每生每年550元": asked for 1991, only 300元 is that year's."""
    question = analyse("衡阳市薄弱学校的正常经费1991年每生多少元？", Tokenizer(), Places.load())
    sentence = "正常经费安排也由1991年每生300元提高到现在的每生每年550元"
    verdict = {f.text: another_year(question, sentence, f, 1998) for f in find_figures(sentence) if f.kind != "date"}
    assert verdict == {"300元": False, "550元": True}


@pytest.mark.parametrize("question, sentence, figure, verdict", [
    ("商会有多少家会员企业？", "商会走访43家会员企业", "43家", True),
    ("商会走访了多少家会员企业？", "商会走访43家会员企业", "43家", False),
    ("有多少名藏族青年与岳阳相连？", "最终让77名藏族青年与岳阳相连", "77名", False),  # 让: no count of a deed
    ("全国又有多少个县达标？", "全国共有400个县达标", "400个", False),
    ("商会培训了多少人？", "商会走访43家会员企业", "43家", False),  # not a how-many-are-there question
])
def test_a_count_of_what_a_verb_did_is_not_a_total(question, sentence, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert counts_an_action(q, sentence, f) is verdict


@pytest.mark.parametrize("question, sentence, figure, verdict", [
    # the second of two changes after one 比 is a change too, not the level asked
    ("1997年我国海洋石油天然气产量？", "去年海洋石油、天然气产量分别比1996年增产127.7万吨和13.6亿立方米", "13.6亿立方米", True),
    ("1997年进口环节税是多少？", "进口环节税585.9亿元，比上年同期增长14.6%", "585.9亿元", False),
    ("1997年进口环节税比上年增长多少？", "进口环节税585.9亿元，比上年同期增长14.6%", "14.6%", False),
    ("1997年新增贷款多少？", "全年新增贷款8000亿元", "8000亿元", False),  # new, not compared with anything
])
def test_a_change_against_another_time_does_not_answer_how_much(question, sentence, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert a_change_for_a_level(q, sentence, f) is verdict


def test_a_share_is_not_a_comparison_but_a_rise_over_last_year_is():
    assert not ASKS_CHANGE.search("工业制成品比重是多少？")
    assert not ASKS_CHANGE.search("占全国的比例是多少？")
    assert ASKS_CHANGE.search("出口比上年多了多少？")


def test_countries_are_places_of_their_own():
    places = Places.load()
    assert places.find("我国对美国进出口总值") == ["美国"]
    assert places.siblings("日本", "美国") and places.siblings("中国", "美国")


def test_spans_of_a_year_are_read_and_another_span_is_another_figure():
    assert periods("1997年全年（截至12月末）") == [(1, 12), (1, 12)]
    assert periods("1—11月，前三季度，上半年，第四季度，前11个月") == [(1, 11), (1, 9), (1, 6), (10, 12), (1, 11)]
    assert periods("比上年同期增长") == []
    question = analyse("千户企业1997年全年实现利润总额是多少？", Tokenizer(), Places.load())
    sentence = "实现利润总额720.7亿元"
    [figure] = find_figures(sentence)
    assert another_period(question, sentence, figure, lead="截至1997年11月末，千户企业实现工业总产值9588.2亿元；")
    assert not another_period(question, sentence, figure, lead="")  # no span printed: nothing to contradict
    assert not another_period(question, "全年实现利润总额720.7亿元", figure)


def test_a_figure_dated_by_its_year_alone_does_not_answer_for_part_of_the_year():
    question = analyse("1997年1到11月来中国的外国游客有多少人次？", Tokenizer(), Places.load())
    sentence = "去年，中国接待外国游客的人数达2377万，比上年度增加4.41%"
    figure = find_figures(sentence)[0]
    assert another_period(question, sentence, figure)  # the whole year's, not the eleven months'
    assert not another_period(question, sentence, figure, lead="据统计，去年1至11月，")  # the span is printed
    for point in ("到去年底，累计接待外国游客2377万", "去年11月，中国接待外国游客2377万"):
        assert not another_period(question, point, find_figures(point)[-1])  # a point or a month, not the year


def test_a_span_compared_with_or_contrasted_in_passing_dates_nothing_after_it():
    assert periods("投资增幅与上半年相比均有回升") == []  # compared with, as 比上半年
    assert periods("截至1997年11月末，累计投资比上一年全年多投入了多少？") == [(1, 11)]  # 上一年全年 is the base
    assert periods("截至去年11月末，千户企业在建工程投资累计达4323.9亿元") == [(1, 11)]
    question = analyse("1997年1至11月广州商品房投资额？", Tokenizer(), Places.load())
    sentence = "广州完成投资188亿元，下降3.2%"
    figure = find_figures(sentence)[0]
    lead = "到11月，商品房投资止跌回稳。如深圳完成投资96亿元，而上半年是下降5.4%；"
    assert not another_period(question, sentence, figure, lead=lead)  # 而上半年: the aside's own figure
    assert another_period(question, sentence, figure, lead="上半年，商品房投资止跌回稳。")


@pytest.mark.parametrize("question, asks, dimension", [
    ("1997年全国房地产新开工面积预计多少？", "measure", "area"),
    ("到1997年底我国铁路营业里程达到多少？", "measure", "length"),
    ("开发土地面积比1996年同期下降了多少？", "growth", ""),  # a change, perhaps a percent
    ("造林备耕面积约占1998年全区造林计划任务的多少？", "percent", ""),  # a share
    ("桐柏县用地膜覆盖种花生，每亩能增产多少？", "number", ""),  # 用/地膜: film, no land (用地)
    ("1997年11月份土地开发面积分类指数是多少点？", "number", ""),  # points asked, not an area
])
def test_a_quantity_named_by_its_dimension_wants_that_unit(question, asks, dimension):
    q = analyse(question, Tokenizer(), Places.load())
    assert (q.asks, q.dimension) == (asks, dimension)
    [money] = find_figures("投资3200亿元")
    [measured] = find_figures({"area": "面积1.4亿平方米", "length": "里程6.6万公里"}.get(dimension, "1.4亿平方米"))
    assert q.measures(measured) and q.measures(money) is (dimension == "")


@pytest.mark.parametrize("question, sentence, figure, verdict", [
    ("黑龙江农垦1998年计划投入多少资金？", "3年内，垦区累计投入农业基础建设资金31.2亿元", "31.2亿元", True),
    ("黑龙江农垦1998年投入多少资金？", "1998年，垦区投入农业基础建设资金12亿元", "12亿元", False),
    ("黑龙江农垦3年来累计投入多少资金？", "3年内，垦区累计投入农业基础建设资金31.2亿元", "31.2亿元", False),
    ("1996年广西一年产沼气多少立方米？", "累计发展沼气28万户，年产沼气1亿立方米", "1亿立方米", False),
    # an average over several years is no one year's figure; the year's own rise after it is
    ("1997年全国工商税收比上年多收了多少亿元？", "在连续5年工商税收年均比上年增收900亿元的基础上", "900亿元", True),
    ("1997年全国工商税收比上年多收了多少亿元？", "在连续5年年均增收的基础上，又增收1114亿元", "1114亿元", False),
    # a year printed after the span dates its own figure
    ("1993年底中小学教职工人均居住面积是多少？", "1994年至1997年完成投资413亿元，人均居住面积已由1993年底的6.98平方米提高",
     "6.98平方米", False),
    # a sentence that opens on a span dates what it goes on to say, unless a clause names its own year
    ("1997年一年湖南煤炭系统筹集了多少资金？", "几年来，湖南省煤炭系统共筹资600多万元", "600多万元", True),
    ("1997年浙江省给贫困县安排了多少资金？", "最近3年来，省里先后出台6项新的扶贫举措，仅1997年安排给贫困县的资金就达1.79亿元",
     "1.79亿元", False),
    ("1997年贵州有多少干部驻乡包村扶贫？", "一年来，全省共有3.2万多名干部驻乡包村", "3.2万多名", False),  # the year past
    ("浙江省最近3年出台了几项扶贫举措？", "最近3年来，省里先后出台6项新的扶贫举措", "6项", False),  # the span asked
])
def test_a_sum_over_several_years_does_not_answer_for_one(question, sentence, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert over_several_years(q, sentence, f) is verdict


def test_a_cumulative_total_in_a_paragraph_dated_by_the_year_asked_is_that_years():
    q = analyse("1997年安徽省农业发展银行投放的夏季收购资金是多少？", Tokenizer(), Places.load())
    sentence = "省农业发展银行还累计投放夏季收购资金46.46亿元，投放秋季收购资金44亿元"
    [f] = [f for f in find_figures(sentence) if f.text == "46.46亿元"]
    assert over_several_years(q, sentence, f)  # 累计, and nothing dates it: a sum since some start
    assert not over_several_years(q, sentence, f, "去年安徽粮食总产达285亿公斤。", 1998)  # 去年 of a 1998 paper


def test_over_the_years_is_no_question_of_how_many_years():
    assert analyse("湖南省煤炭系统几年来为扶贫共筹资多少？", Tokenizer(), Places.load()).asks != "duration"
    assert analyse("这项工程建了几年？", Tokenizer(), Places.load()).asks == "duration"


def test_a_span_of_years_is_several_years():
    q = analyse("1997年一年唐山市占用了多少亩耕地？", Tokenizer(), Places.load())
    sentence = "据统计，1987年—1997年，该市共占用耕地46万亩"
    [f] = [f for f in find_figures(sentence) if f.text == "46万亩"]
    assert over_several_years(q, sentence, f)
    # the span asked, however its first year is written, is answered by the span's sum
    sentence = "1994年至1997年城镇中小学教职工住房建设共完成投资413亿元"
    [f] = [f for f in find_figures(sentence) if f.text == "413亿元"]
    for asked in ("1994到1997年城镇中小学教职工住房建设投了多少钱？", "1994年至1997年城镇中小学教职工住房投资多少？"):
        q = analyse(asked, Tokenizer(), Places.load())
        assert q.years == ["1994", "1997"] and not over_several_years(q, sentence, f)


@pytest.mark.parametrize("question, sentence, figure, verdict", [
    ("1997年贵州德江县农民人均纯收入是多少？", "德江、务川、天柱等12个国家级贫困县基本解决温饱，农民人均纯收入1100元", "1100元", True),
    ("德江、务川等贫困县农民人均纯收入是多少？", "德江、务川、天柱等12个国家级贫困县基本解决温饱，农民人均纯收入1100元", "1100元", False),
    ("串起了多少种业态？", "串起乡村旅游、非遗展销、文创市集等15种业态", "15种", False),  # the list's own count
    # a member jieba cuts in two (文化/娱乐场所) is still named
    ("文化娱乐场所开展经营承诺的企业占多少？", "饮食服务、交通旅游服务、文化娱乐场所、邮电通讯等10个行业中，开展经营承诺的企业占87%",
     "87%", True),
    # the question prints the list itself: it asks of them all
    ("各个庄园已种下龙眼、荔枝占全市宜果山岭面积多少？", "各个庄园已种下优质龙眼、荔枝等亚热带水果20.9万亩，占全市宜果山岭面积的50%",
     "50%", False),
])
def test_a_figure_given_for_a_list_is_not_one_members(question, sentence, figure, verdict):
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert of_a_group(q, sentence, f) is verdict


@pytest.mark.parametrize("question, answer, working", [
    ("白河县企业所得税率一共降了多少个百分点？", "22个百分点", "55% − 33% = 22个百分点"),
    ("白河县农民人均纯收入2021年比2020年增加了多少元？", "800元", "9300元 − 8500元 = 800元"),
])
def test_a_change_printed_only_as_two_levels_is_computed_in_view(assistant, question, answer, working):
    text = assistant.ask(question).text
    assert text.startswith(f"答：{answer}。") and f"计算：{working}" in text, text


def test_a_level_asked_is_not_a_change_computed(assistant):
    text = assistant.ask("白河县企业所得税率降到了多少？").text
    assert text.startswith("答：33%。"), text  # where it ended, as printed


def test_the_end_of_the_century_is_a_year_of_its_own():
    assert years_printed("到本世纪末，第三产业比重要达到60%", 1998) == ["2000"]
    q = analyse("1997年北京第三产业占国内生产总值的比重是多少？", Tokenizer(), Places.load())
    sentence = "到本世纪末，在国内生产总值的比重中要达到60%"
    [f] = find_figures(sentence)
    assert another_year(q, sentence, f, 1998)


def test_a_change_in_points_never_states_a_rate():
    from assistant.flanks import points_for_a_level

    [points] = find_figures("合格率提高12个百分点")
    rate = analyse("羽绒被的抽样合格率具体是多少？", Tokenizer(), Places.load())
    assert rate.asks == "percent" and points_for_a_level(rate, points)
    assert not points_for_a_level(analyse("合格率提高了多少？", Tokenizer(), Places.load()), points)
    assert not points_for_a_level(analyse("出口对增长贡献了几个百分点？", Tokenizer(), Places.load()), points)


def test_a_change_in_points_is_no_growth_of_a_quantity():
    from assistant.flanks import points_for_a_level

    [points] = find_figures("出口需求对经济增长的拉动作用约为2至4个百分点")
    assert points_for_a_level(analyse("去年我国出口比前一年增长了多少？", Tokenizer(), Places.load()), points)
    assert not points_for_a_level(analyse("去年出口增幅比前一年提高了多少？", Tokenizer(), Places.load()), points)


def test_from_where_a_change_started_to_how_many_is_where_it_ended(assistant):
    # the question words the change its own way (压到); the page prints where it started and ended
    text = assistant.ask("白河县把县直机关的部门从24个压到了几个？").text
    assert text.startswith("答：9个。"), text


def test_a_word_a_listed_item_contains_is_no_member_named():
    q = analyse("巴宜区拿出了多少旅游补贴？", Tokenizer(), Places.load())
    sentence = "串起乡村旅游、非遗展销、文创市集、餐饮商超等15种业态，策划6条精品旅游线路，拿出364万元旅游补贴"
    [f] = [f for f in find_figures(sentence) if f.text == "364万元"]
    assert not of_a_group(q, sentence, f)  # 旅游 is in 乡村旅游; the question names no listed item


def test_a_total_runs_over_the_span_the_sentence_before_names():
    """"1994年至1997年…共完成投资413亿元。全国普通高校…共完成投资129亿元": the second total is of the
    same span, not of 1997; a sentence with its own year, or no total, is not."""
    lead = "据统计，1994年至1997年城镇中小学教职工住房建设共完成投资413亿元。"
    sentence = "全国普通高校教职工住房建设共完成投资129亿元，竣工面积1386万平方米"
    q = analyse("1997年全国普通高校教职工住房建设投资多少？", Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == "129亿元"]
    assert over_several_years(q, sentence, f, lead)
    assert not over_several_years(q, sentence, f, "据统计，1997年城镇中小学教职工住房建设完成投资413亿元。")
    own = "1997年全国普通高校教职工住房建设共完成投资129亿元"
    assert not over_several_years(q, own, find_figures(own)[-1], lead)


@pytest.mark.parametrize(("question", "figure", "ruled_out"), [
    ("1997年安徽农发行投放的冬季粮食收购资金有多少？", "46.46亿元", True),  # 夏季's, not the winter's
    ("1997年安徽农发行投放的冬季粮食收购资金有多少？", "44亿元", True),
    ("1997年安徽农发行投放的秋季收购资金有多少？", "44亿元", False),
    ("1997年安徽农发行累计投放了多少收购资金？", "46.46亿元", False),  # no season asked
])
def test_a_season_asked_is_not_answered_by_another_seasons_figure(question, figure, ruled_out):
    sentence = "省农业发展银行还累计投放夏季收购资金46.46亿元，投放秋季收购资金44亿元"
    q = analyse(question, Tokenizer(), Places.load())
    [f] = [f for f in find_figures(sentence) if f.text == figure]
    assert another_season(q, sentence, f) is ruled_out


@pytest.mark.parametrize(("question", "sentence", "ruled_out"), [
    ("1997年大庆市出口总值是多少？", "去年大庆共实现进出口总值4464.3万美元", True),
    ("1997年大庆市进出口总值是多少？", "去年大庆共实现进出口总值4464.3万美元", False),
    ("1997年外商投资企业出口多少？", "外商投资企业进出口1526.2亿美元，其中出口749亿美元", False),
])
def test_a_part_asked_is_not_answered_by_the_whole_it_is_part_of(question, sentence, ruled_out):
    q = analyse(question, Tokenizer(), Places.load())
    f = find_figures(sentence)[-1]
    assert the_whole_for_a_part(q, sentence, f) is ruled_out


@pytest.mark.parametrize("sentence, figure, asked, verdict", [
    # a level printed inside the base compared with is that year's
    ("如今市区人均住房面积9.3平方米，比1992年人均6平方米增加55%", "6平方米", "1992年杭州市区人均住房面积是多少？", False),
    ("如今市区人均住房面积9.3平方米，比1992年人均6平方米增加55%", "6平方米", "1997年杭州市区人均住房面积是多少？", True),
    # a change after the base is no level of the base year's (nor of another: a_change_for_a_level reads it)
    ("1997年全市粮食产量比1992年增加55万吨", "55万吨", "1992年全市粮食产量是多少？", True),
    # the year of the whole a share is taken of does not date the share
    ("1997年该县农民负担仅为1996年人均纯收入的3.63%", "3.63%", "1997年该县农民负担占上一年人均收入的百分之几？", False),
])
def test_a_year_inside_a_comparison_or_a_dated_whole(sentence, figure, asked, verdict):
    question = analyse(asked, Tokenizer(), Places.load())
    [mine] = [f for f in find_figures(sentence) if f.text == figure]
    assert another_year(question, sentence, mine) is verdict


def test_more_done_than_a_year_before_is_a_change():
    sentence = "截至去年11月末，千户企业在建工程投资累计达4323.9亿元，比年初增长39.6%，比去年全年多投入373.5亿元。"
    level, change = (next(f for f in find_figures(sentence) if f.text == t) for t in ("4323.9亿元", "373.5亿元"))
    assert compared_change(sentence, change) and not compared_change(sentence, level)
    assert not compared_change("比上年多数地区达到30%", find_figures("比上年多数地区达到30%")[-1])  # 多数: most of them
    # 高/低 compare as 多/少 do; 比重高达 and 较高 compare nothing
    for text, verdict in (("全乡照明电价比省批准的封顶价还低0.1元多", True), ("比上年高2.3个百分点", True),
                          ("工业比重高达30%", False), ("收入较高，达30%", False)):
        assert compared_change(text, find_figures(text)[-1]) is verdict, text


def test_the_time_a_colon_header_names_dates_the_list_after_it():
    sentence = "北京市在过去的一年里经济建设取得了令人鼓舞的成就：全市国内生产总值1807亿元，增长9.5%"
    [gdp] = [f for f in find_figures(sentence) if f.text == "1807亿元"]
    places = Places.load()
    assert years_printed("在过去的一年里", 1998) == ["1997"]  # the issue's last year, as 去年
    assert another_year(analyse("1996年北京市的国内生产总值是多少亿元？", Tokenizer(), places), sentence, gdp, 1998)
    assert not another_year(analyse("1997年北京市的国内生产总值是多少亿元？", Tokenizer(), places), sentence, gdp, 1998)


def test_a_level_inside_the_span_compared_with_is_that_spans():
    sentence = "下半年出口增长速度降为17.1%，比上半年26.3%的增长速度明显回落"
    second, first = (f for f in find_figures(sentence) if f.kind == "percent")
    question = analyse("1997年上半年我国出口增长幅度是多少？", Tokenizer(), Places.load())
    assert not another_period(question, sentence, first) and another_period(question, sentence, second)


def test_a_season_is_no_span_of_years():
    question = analyse("1998年春运期间最晚得在开车前多久退票？", Tokenizer(), Places.load())
    sentence = "规定春运期间退票于开车6小时前办理"
    assert not over_several_years(question, sentence, find_figures(sentence)[0])
    spanned = analyse("1997年乡镇企业增加值是多少？", Tokenizer(), Places.load())
    printed = "“八五”期间乡镇企业增加值年均增长42%"
    assert over_several_years(spanned, printed, find_figures(printed)[-1])
