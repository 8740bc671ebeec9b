"""What the rule scorer reads beside a figure: the words that say what it counts, where a change
starts, which year it belongs to, and which subject of a "分别" list it goes with. Questions a new
user would ask of a page nobody tuned the scorer on."""

from __future__ import annotations

import pytest

from assistant.figures import find_figures
from assistant.flanks import (
    a_change_for_a_level,
    another_year,
    asked_quantity,
    flanks,
    is_range_start,
    restates_question,
)
from assistant.question import Question

from .conftest import write

PAGE = """## 青石县经济社会发展稳中有进

青石县农民人均纯收入由2010年的3000元提高到现在的5200元，增收渠道不断拓宽。

青石县工业产值和农业产值分别增长8%和3%，产业结构持续优化。

今年春季，青石县共有120个单位4500多名干部下乡参加植树活动。

2019年，青石县粮食产量8.6万吨，创历史新高。

青石县千户农家乐去年接待游客52万人次。

青石港货物吞吐量3600万吨，比上年增长12%，港口功能进一步完善。

青石县城镇居民和农村居民人均可支配收入为4.2万元和1.8万元，分别比上年增长6%和9%。
"""


@pytest.fixture(scope="module")
def reader(tmp_path_factory, seed_settings, seed_index):
    import shutil

    from assistant.chat import Assistant
    from assistant.config import Settings

    from .conftest import SEEDS

    root = tmp_path_factory.mktemp("evidence")
    shutil.copytree(SEEDS, root / "corpus")
    write(root / "corpus" / "qingshi.md", PAGE)
    shutil.copytree(seed_settings.index_dir / "cache", root / "index" / "cache")
    return Assistant(Settings(corpus_dirs=(root / "corpus",), index_dir=root / "index"))


@pytest.mark.parametrize("question, figure", [
    ("青石县农民人均纯收入现在是多少？", "5200元"),  # the end of a change, not its start
    ("青石县农业产值增长了多少？", "3%"),  # the second subject of 分别 gets the second figure
    ("青石县工业产值增长了多少？", "8%"),
    ("青石县下乡参加植树的干部有多少？", "4500多名"),  # the figure beside the word asked
    ("青石港货物吞吐量比上年增长了多少？", "12%"),  # the change, not the level beside it
    ("青石县千户农家乐去年接待游客多少？", "52万人次"),  # 千户 is the question's own word
    ("青石县农村居民人均可支配收入比上年增长了多少？", "9%"),  # 分别 referring to the clause before
])
def test_the_figure_that_answers_is_chosen_among_its_neighbours(reader, question, figure):
    answer = reader.ask(question)
    assert answer.text.startswith(f"答：{figure}。"), answer.text


def test_a_figure_of_another_year_does_not_answer(reader):
    answer = reader.ask("2021年青石县粮食产量是多少？")
    assert answer.refused, answer.text
    assert "8.6万吨" not in answer.text.split("相关内容")[0]


def test_flanks_are_the_words_between_a_figure_and_its_neighbours():
    sentence = "每年提供15个公务员岗位、60个事业单位岗位、2000个以上企业岗位"
    figures = find_figures(sentence)
    assert flanks(sentence, figures[0], figures) == ("", "公务员岗位")  # the shared lead is no one's
    assert flanks(sentence, figures[1], figures) == ("", "事业单位岗位")
    sentence = "纺织职工总量已从55万人减至28万人"
    left, right = flanks(sentence, find_figures(sentence)[0], find_figures(sentence))
    assert is_range_start(left, right)
    assert not is_range_start(*flanks(sentence, find_figures(sentence)[1], find_figures(sentence)))


@pytest.mark.parametrize(("question", "asks_the_start"), [
    ("安徽和县农电工定员定编前有多少人？", True),  # the level before what was done
    ("和县农电工原来有多少人？", True),
    ("和县农电工现在有多少人？", False),
    ("1998年春节前的抽查合格率是多少？", False),  # 春节前 is a time, not a level before a change
])
def test_where_a_change_started_is_asked_by_a_time_before_it(question, asks_the_start):
    from assistant.flanks import read_flanks

    sentence = "和县农电工由1080人减少到471人"
    figures = find_figures(sentence)
    beside = read_flanks(Question(question, "people"), sentence, figures[0], figures, lambda words, text: 0.0,
                         lambda word: ())
    assert beside.range_start is not asks_the_start


@pytest.mark.parametrize(("question", "first_is_start"), [
    ("证券交易印花税分成改了以后，中央拿几成？", True),
    ("证券交易印花税分享比例调整以前，中央占多少？", False),  # asked where it started
])
def test_an_arrangement_changed_in_a_clause_of_its_own_started_at_its_first_figure(question, first_is_start):
    from assistant.flanks import read_flanks

    sentence = "分享比例由中央和地方各占50%，改为中央占80%，地方占20%"
    figures = find_figures(sentence)
    read = [read_flanks(Question(question, "percent"), sentence, f, figures, lambda words, text: 0.0, lambda word: ())
            for f in figures]
    assert [b.range_start for b in read] == [first_is_start, False, False]


def test_a_year_printed_before_a_figure_pins_it_unless_the_asked_year_is_printed_too():
    asked = Question("1997年象山县国内生产总值是多少？", "money", years=["1997"])
    sentence = "1996年，象山县国内生产总值54亿元"
    assert another_year(asked, sentence, find_figures(sentence)[-1])
    both = "1996年国内生产总值54亿元，1997年达到61亿元"
    assert not another_year(asked, both, find_figures(both)[-1])
    later = "塔里木盆地迎来了继1993年之后的又一高峰期：探明储量4600万吨"
    assert not another_year(asked, later, find_figures(later)[-1])


def test_now_in_a_january_paper_is_this_year_or_the_end_of_the_last():
    """"去年全市竣工…，如今市区人均住房面积9.3平方米": the figure is now's, not last year's."""
    sentence = "去年全市竣工住宅面积100万平方米，大大缓解了住房的困难，如今市区人均住房面积9.3平方米"
    figure = find_figures(sentence)[-1]
    assert not another_year(Question("1998年杭州人均住房面积？", "measure", years=["1998"]), sentence, figure, 1998)
    assert another_year(Question("1995年杭州人均住房面积？", "measure", years=["1995"]), sentence, figure, 1998)
    assert another_year(Question("1998年竣工住宅面积？", "measure", years=["1998"]), sentence,
                        find_figures(sentence)[0], 1998)  # 去年's own figure is still 1997's


def test_a_change_against_another_year_never_answers_how_much_it_is():
    asked = Question("1997年塔里木油田原油产量是多少万吨？", "measure", "吨", years=["1997"])
    sentence = "其中，塔里木油田比1996年多完成原油生产任务110万吨"
    assert a_change_for_a_level(asked, sentence, find_figures(sentence)[-1])
    level = "塔里木油田生产原油420万吨"
    assert not a_change_for_a_level(asked, level, find_figures(level)[-1])
    # "跟1992年比，…宽敞了百分之几" asks the change itself
    change = Question("跟1992年比，如今杭州城里人平均每人住的房子宽敞了百分之几？", "percent")
    printed = "如今市区人均住房面积9.3平方米，比1992年人均6平方米增加55%"
    assert not a_change_for_a_level(change, printed, find_figures(printed)[-1])


def test_numbers_in_the_question_are_never_its_answer_and_months_are_times():
    asked = find_figures("千户企业销售收入100亿元以上的有多少户？", bare_numerals=True)
    printed = find_figures("千户企业销售收入100亿元以上的企业23户")
    assert [f.text for f in printed if not restates_question(f, asked)] == ["23户"]
    assert [f.kind for f in find_figures("11月份土地开发面积分类指数为97.47点")][0] == "date"


def test_the_quantity_asked_is_the_word_beside_the_question_word():
    assert asked_quantity(Question("富润集团实现利润多少？", "money", focus=["富润", "集团", "实现", "利润"])) == "利润"
    assert asked_quantity(Question("全省有多少干部驻乡包村？", "people", focus=["全省", "干部", "驻乡", "包村"])) == "干部"


def test_a_comparison_before_fenbie_names_no_subject():
    """"投资160亿元，竣工面积2322万平方米，比1996年分别增长2.72%和3.98%": 比1996年 is what both are
    compared with; the items before it (投资, a verbal noun, and 竣工面积) pair with the rises in order."""
    from assistant.flanks import respective_fit
    from assistant.question import Places, analyse
    from assistant.text import Tokenizer

    sentence = "全年预计可完成投资160亿元，竣工面积2322万平方米，比1996年分别增长2.72%和3.98%，达到了历史最高水平。"
    figures = find_figures(sentence)

    def share(words, text):
        return sum(w in text for w in words) / len(words)

    for asked, fits in (("1997年教职工住房竣工面积比1996年增长多少？", "3.98%"), ("1997年教职工住房投资比1996年增长多少？", "2.72%")):
        question = analyse(asked, Tokenizer(), Places.load())
        fit = {f.text: respective_fit(question, sentence, f, figures, share) for f in figures if f.unit == "%"}
        assert fit[fits] > 0 > min(fit.values()), (asked, fit)


def test_a_bare_number_counts_people_when_the_people_are_named_beside_it():
    """"人数达2377万" and "拥有10万职工" count people as "10万人" would; "10万" beside 吨 does not."""
    from assistant.extract import COMPATIBLE, answers_kind

    for sentence in ("拥有10万职工的老本钢", "入境旅游人数达2377万"):
        [figure] = find_figures(sentence)
        assert answers_kind("people", figure, sentence, COMPATIBLE), sentence
    sentence = "年产10万，全部销往外地"
    assert not answers_kind("people", find_figures(sentence)[0], sentence, COMPATIBLE)


def test_a_rate_answers_neither_an_amount_more_nor_a_share():
    """"比上年多收了多少" asks how much more was brought in, not by what share; "增加值占…的比重" is
    not answered by the rate at which something grew."""
    from assistant.flanks import rate_for_an_amount

    [rate] = find_figures("粮食入库比上年增长26%")
    assert rate_for_an_amount(Question("1997年安徽粮食入库比上年多收了多少？", "growth"), rate)
    assert not rate_for_an_amount(Question("1997年安徽粮食入库比上年增长了多少？", "growth"), rate)
    assert not rate_for_an_amount(Question("比上年多收了百分之几？", "percent"), rate)
    # the 少 of 减少 is the change's verb, not "fewer by": a rate answers "比上一年度减少了多少"
    assert not rate_for_an_amount(Question("1997年全球跨国旅游人数比上年度减少了多少？", "growth"), rate)
    assert rate_for_an_amount(Question("1997年全球跨国旅游人数比上年度少了多少？", "growth"), rate)
    share = Question("1997年乡镇企业增加值占国内生产总值的比重是多少？", "percent")
    grew = "乡镇企业增加值增长近50%"
    assert a_change_for_a_level(share, grew, find_figures(grew)[-1])
    level = "乡镇企业增加值占国内生产总值的比重提高到近30%"
    assert not a_change_for_a_level(share, level, find_figures(level)[-1])


def test_value_added_is_a_quantity_not_a_change():
    """增加值 names value added: "完成增加值20740亿元" is a level, "比上年增长18%" beside it a change."""
    from assistant.flanks import ASKS_CHANGE, printed_as_change

    sentence = "全国乡镇企业完成增加值20740亿元，比上年增长18%"
    level, change = find_figures(sentence)
    assert not printed_as_change(sentence, level) and printed_as_change(sentence, change)
    assert not ASKS_CHANGE.search("1997年乡镇企业增加值占国内生产总值的比重是多少？")
    assert ASKS_CHANGE.search("乡镇企业增加值增加了多少？")


def test_a_difference_asked_is_not_answered_by_a_level():
    """"利税比利润多多少万元" asks how much one exceeds the other: a level printed without a change
    (利税5.85亿元) is no answer; a printed change is."""
    from assistant.extract import Candidate, Extractor

    asked = Question("1997年浙江富润集团实现的利税比利润多多少万元？", "money", "元", years=["1997"])
    [level] = find_figures("实现利税5.85亿元")
    assert Extractor.level_for_change(asked, Candidate(None, "实现利税5.85亿元", level, 1.0, 1.0, (), 1))
    [more] = find_figures("利税比利润多700万元")
    assert not Extractor.level_for_change(asked, Candidate(None, "利税比利润多700万元", more, 1.0, 1.0, (), 1, True))
    assert not Extractor.level_for_change(Question("1997年富润集团利税多少？", "money"),
                                          Candidate(None, "实现利税5.85亿元", level, 1.0, 1.0, (), 1))
