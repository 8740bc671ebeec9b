"""Sums and differences of two printed figures take each operand from the words only its side of
the question prints ("公路客运量和水路客运量": 公路 | 水路), a place set against a place; a figure
whose own item names both operands is their total or their comparison, never one of them; a total
the page prints is the answer, not a sum of its parts; approximate figures (近千家) are not computed
with; one operand is no answer to a sum; an amount asked per person or per unit (人均, 每平方米) is
never answered by a total; and the parts a sentence opened by 其中 lists ("其中出口749亿美元；进口777.2亿美元") stay parts of its whole."""

from __future__ import annotations

import pytest

from assistant.arithmetic import _operand_figures, printed_difference
from assistant.chat import Conversation
from assistant.figures import find_figures
from assistant.flanks import total_for_a_per_unit
from assistant.operands import split_question
from assistant.question import Places, analyse
from assistant.text import Tokenizer, normalise

from .conftest import PEOPLES_DAILY_ISSUE, direct, page_assistant

PAGE = """## 交通运输

１９９７年，全国交通运输生产继续保持良好势头。公路客运量达到１１４亿人次，货运量９９亿吨，分别比上年增长２％和０．６％。水路货运稳中有升，水路客运在结构性调整中继续下降。水路货运量达１２．８亿吨，与上年持平。客运量２．２亿人次，比上年下降３．９％。

## 海关税收

１９９７年，全国海关征收关税和进口环节税９４０亿元，比上一年同期增加８８．４亿元。其中，征收关税３５４．１亿元，进口环节税５８５．９亿元，分别比上年同期增长４％和１４．６％。

## 贸易伙伴

１９９７年，我国与世界各主要国家和地区贸易往来十分活跃，贸易额都有不同程度的增加。十大贸易伙伴及贸易额分别是：日本，６０８．１亿美元；香港，５０７．７亿美元；韩国，２４０．５亿美元；台湾，１９８．４亿美元；印尼，４５．１亿美元。

## 解困资金

目前，通过多种渠道筹集的１１２７．６万元解困和慰问资金，正陆续发放到困难企业。其中市总工会筹资６３．５万元，慰问５８００名特困职工。

## 外资银行

到年底，批准在浦东开设分行的外资银行已有２２家，其中９家已获准经营人民币业务，６家已开办人民币业务；有近千家企业在外资银行开设账户。

## 外贸主体

１９９７年国有企业全年进出口１６３６．６亿美元，增长１２．７％。其中出口１０２６．９亿美元，增长１９．３％；进口６０９．７亿美元，增长３％。１９９７年，外商投资企业全年进出口１５２６．２亿美元，增长１１．３％。其中出口７４９亿美元，增长２１．７％；进口７７７．２亿美元，增长２．８％。

## 信贷计划

今年对国家银行贷款指导性计划是９０００亿元，比去年实际新增贷款还要多出８００亿元以上。

## 农行存贷

到１９９７年１１月底，省农行存款余额由１９９．７亿元增至５２７．６亿元，增长１６４％；贷款余额由２３０亿元增至４４４．２亿元，增长９３％。

## 收购资金

去年安徽粮食总产达２８５亿公斤。省农业发展银行还累计投放夏季收购资金４６．４６亿元，投放秋季收购资金４４亿元，确保收购资金的需要。

## 职工

１９９７年，红星机械厂职工近千人，东风纺织厂职工６００人。

## 农电工

实行农电工归口管理后，和县农电工由１０８０人减少到４７１人。

## 研究生招生

１９９８年全国４１５所普通高等学校、３３０所科研机构、７所党校及解放军系统的研究生招生单位共计划招收硕士生５·８万人。

## 教职工住房

全国普通高校教职工住房建设共完成投资１２９亿元，竣工面积１３８６万平方米。

## 承诺调查

这项调查表明，承诺活动开展后，经营效益提高的企业占６２．８８％，职工素质提高的企业占７４．０９％。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return page_assistant(tmp_path_factory.mktemp("operands"), "operands", PAGE, PEOPLES_DAILY_ISSUE, reader="rules")


def operands(text: str):
    return split_question(analyse(text, Tokenizer(), Places.load()))


def test_each_operand_is_named_by_the_words_only_its_side_prints():
    sum_of = operands("1997年全国公路客运量和水路客运量合计多少亿人次？")
    assert sum_of.op == "+" and "公路" in sum_of.left and sum_of.right == ["水路"]
    assert sum_of.shared == ["客运量"] and "合计" not in sum_of.left + sum_of.right  # the operation names neither
    places = operands("1997年我国同韩国和台湾的贸易额加起来一共多少亿美元？")
    assert places.left == ["韩国"] and places.right[0] == "台湾"
    # the join between the places asked about, not the first one (我国和…, the trade's other side)
    listed = operands("1997年我国和日本、香港的贸易额加起来一共是多少？")
    assert listed.left == ["日本"] and listed.right == ["香港"] and listed.shared == ["贸易额"]
    alias = operands("1997年我国同澳大利亚和印尼的贸易额加起来一共多少？")  # 印尼 printed for 印度尼西亚
    assert alias.left == ["澳大利亚"] and alias.right == ["印度尼西亚"]
    qualified = operands("1998年计划招收硕士生的普通高等学校和科研机构一共有多少所？")
    assert qualified.left == ["普通", "高等学校"] and qualified.right == ["科研机构"]
    assert qualified.qualifying == ["计划", "招收", "硕士生"]  # what 的 closes qualifies both
    own = operands("民航买飞机的投入比机场建设投资多多少？")  # a difference: 的 is inside the left side
    assert own.qualifying == [] and "飞机" in own.left
    difference = operands("1997年海关征收的进口环节税比关税多出多少亿元？")
    assert difference.op == "−" and "环节税" in difference.left and difference.right == ["关税"]
    assert operands("1997年海关征收的进口环节税是多少？") is None
    # the comparison's 比 is not the one of 比例; a clause before the comparison's own frames both sides
    framed = operands("开展经营承诺的企业比例，邮电通讯行业比文化娱乐场所高出多少个百分点？")
    assert "邮电通讯" in framed.left and "企业" not in framed.left and "娱乐场所" in framed.right


@pytest.mark.parametrize("question, result, working", [
    # the water figure's sentence names only 客运量: the one before it says 水路
    ("1997年全国公路客运量和水路客运量合计多少亿人次？", "116.2亿人次", "114亿人次 + 2.2亿人次"),
    # 940亿元 is 关税和进口环节税 together: neither operand
    ("1997年海关征收的进口环节税比关税多出多少亿元？", "231.8亿元", "585.9亿元 − 354.1亿元"),
    ("1997年我国同韩国和台湾的贸易额加起来一共多少亿美元？", "438.9亿美元", "240.5亿美元 + 198.4亿美元"),
    ("1997年我国和日本、香港的贸易额加起来一共是多少？", "1115.8亿美元", "608.1亿美元 + 507.7亿美元"),
    # 印尼 is 印度尼西亚 by its short name, in the question and on the page
    ("1997年我国同台湾和印尼的贸易额加起来一共多少亿美元？", "243.5亿美元", "198.4亿美元 + 45.1亿美元"),
    # no unit asked: "台湾，198.4亿美元" is labelled by the clause before its figure
    ("1997年我国同台湾和印度尼西亚的贸易额加起来一共多少？", "243.5亿美元", "198.4亿美元 + 45.1亿美元"),
    ("浦东外资银行中获准经营人民币业务的比已开办的多几家？", "3家", "9家 − 6家"),
    # two figures that sit equally well with both operands' words: each is of the one named last before it
    ("1997年外商投资企业的进口比国有企业的进口多多少亿美元？", "167.5亿美元", "777.2亿美元 − 609.7亿美元"),
    # two levels compared as they stand: where each change started (由199.7亿元) is neither
    ("到1997年11月底，农行存款余额比贷款余额多多少？", "83.4亿元", "527.6亿元 − 444.2亿元"),
    # a 累计 total in a paragraph dated by the year asked is that year's, not a sum over years
    ("1997年安徽省农业发展银行投放的夏季和秋季收购资金合计多少？", "90.46亿元", "46.46亿元 + 44亿元"),
    # 计划招收硕士生 qualifies both things summed, though printed once, after the last item (7所党校…)
    ("1998年计划招收硕士生的普通高等学校和科研机构一共有多少所？", "745所", "415所 + 330所"),
    # 比例, what both sides measure, is said by the unit (占74.09%), not printed beside each
    ("承诺后职工素质提高的企业比例比经营效益提高的企业比例高出多少个百分点？", "11.21个百分点", "74.09% − 62.88%"),
])
def test_a_sum_or_difference_takes_one_figure_for_each_operand(assistant, question, result, working):
    answer = assistant.ask(question)
    assert direct(answer) == f"答：{result}。", answer.text
    assert working in answer.text


def test_a_total_the_page_prints_is_the_answer_not_a_sum_of_parts(assistant):
    answer = assistant.ask("通过多种渠道筹集的解困和慰问资金一共是多少？")
    assert direct(answer) == "答：1127.6万元。", answer.text
    assert "计算" not in answer.text


def test_an_approximate_figure_is_not_computed_with(assistant):
    question = "在外资银行开设账户的企业比在浦东开设分行的外资银行多多少家？"
    prepared = assistant.prepare(question, Conversation())
    extractor = assistant.extractive.extractor
    found = extractor.candidates(prepared.question, prepared.hits)
    assert any(c.figure and c.figure.text == "近千家" for c in found)  # printed, and about the question
    operands = _operand_figures(prepared.question, split_question(prepared.question), found, extractor)
    assert operands and not any(c.figure.qualifier for c in operands)


def test_the_measure_both_operands_share_is_printed_with_each(assistant):
    # 进出口1636.6亿美元 and 1526.2亿美元 are not the 进口 asked of either kind of enterprise
    answer = assistant.ask("1997年外商投资企业的进口比国有企业的进口多多少亿美元？")
    assert "1636.6" not in answer.text and "1526.2" not in answer.text, answer.text


def test_a_difference_printed_after_duochu_is_the_answer_as_printed(assistant):
    prepared = assistant.prepare("今年国家银行贷款指导性计划比去年实际新增贷款多出多少？", Conversation())
    printed = printed_difference(prepared.question, prepared.hits, assistant.extractive.extractor)
    assert printed is not None and printed.figure.text == "800亿元以上"


def test_an_amount_per_person_is_never_answered_by_a_total(assistant):
    answer = assistant.ask("高校教职工家庭人均居住面积是多少平方米？")
    assert "1386万平方米" not in direct(answer), answer.text
    question = analyse("人均居住面积是多少？", Tokenizer(), Places.load())

    def total(sentence: str, text: str) -> bool:
        plain = normalise(sentence)
        return total_for_a_per_unit(question, plain, next(f for f in find_figures(plain) if f.text == text))

    assert total("竣工面积１３８６万平方米，人均居住面积提高", "1386万平方米")
    assert not total("高校教职工家庭人均居住面积提高到７．９５平方米", "7.95平方米")
    assert not total("其中：办公楼４８５８元／平方米", "4858元")  # the unit says per what
    assert not total_for_a_per_unit(analyse("每年提供多少个岗位？", Tokenizer(), Places.load()),
                                    "每年提供１５个公务员岗位", find_figures("每年提供１５个公务员岗位")[0])
    speed = analyse("提速以后货车每小时最快跑多少公里？", Tokenizer(), Places.load())
    printed = "货物列车的最高时速从不足６０公里提高到８０公里"
    assert not total_for_a_per_unit(speed, normalise(printed), find_figures(normalise(printed))[-1])  # 时速: per hour
    # 每…都 says every one of them: the count of projects is asked, not an amount per project
    every = analyse("浦东每个投资都在一千万美元以上的大工业项目有多少个？", Tokenizer(), Places.load())
    printed = "已建成投产１０００万美元以上的１１６个大工业项目"
    assert not total_for_a_per_unit(every, normalise(printed), find_figures(normalise(printed))[-1])
    # 亩均, as 人均 and 户均: an amount per mu of land
    per_mu = analyse("用地膜覆盖种花生，每亩能增产多少？", Tokenizer(), Places.load())
    printed = "探索出利用地膜覆盖提高花生产量（亩均增产１００公斤）的办法"
    assert not total_for_a_per_unit(per_mu, normalise(printed), find_figures(normalise(printed))[-1])


def test_parts_listed_after_qizhong_stay_parts_of_their_whole(assistant):
    answer = assistant.ask("1997年外商投资企业的进口是多少？")
    assert direct(answer) == "答：777.2亿美元。", answer.text
    answer = assistant.ask("1997年国有企业的进口是多少？")
    assert direct(answer) == "答：609.7亿美元。", answer.text


def test_the_left_figure_names_the_left_operand_not_only_the_right_one(assistant):
    # 22家 and 9家 are both 外资银行: neither is the count of 企业 (近千家, which is not computed with)
    answer = assistant.ask("在外资银行开设账户的企业比在浦东开设分行的外资银行多多少家？")
    assert "计算" not in answer.text and "13家" not in answer.text, answer.text


def test_one_operand_is_no_answer_to_a_sum(assistant):
    # 近千人 is 红星's alone, with 东风's 600人 beside it; and it is approximate, so nothing is computed
    answer = assistant.ask("1997年红星机械厂和东风纺织厂职工一共多少人？")
    assert "近千人" not in direct(answer) and "600人" not in direct(answer), answer.text
    assert direct(assistant.ask("1997年东风纺织厂职工有多少人？")) == "答：600人。"


HOUSING = """## 教职工住房

据统计，１９９４年至１９９７年城镇中小学教职工住房建设共完成投资４１３亿元，竣工面积６６２６万平方米，城镇中小学教职工家庭人均居住面积已由１９９３年底的６·９８平方米提高到１９９７年底的８．５０平方米。全国普通高校教职工住房建设共完成投资１２９亿元，竣工面积１３８６万平方米，高校教职工家庭人均居住面积已由１９９３年底的６·６８平方米提高到１９９７年底的７·９５平方米。
"""


def test_a_year_printed_after_a_span_of_years_dates_the_figure(tmp_path):
    """"1994年至1997年…完成投资413亿元，…已由1993年底的6.98平方米": the span sums the investment; the
    living space has its own year. And a difference between two subjects is never computed from one
    subject's two years (高校's 7.95 − 6.68)."""
    assistant = page_assistant(tmp_path, "housing", HOUSING, PEOPLES_DAILY_ISSUE, reader="rules")
    assert direct(assistant.ask("1993年底城镇中小学教职工家庭人均居住面积是多少？")) == "答：6.98平方米。"
    answer = assistant.ask("1993年底城镇中小学教职工家庭人均居住面积比普通高校教职工多多少平方米？")
    assert "1.27" not in answer.text, answer.text
    assert direct(answer) == "答：0.3平方米。", answer.text




def test_a_span_of_years_is_not_answered_by_one_years_level():
    """Asked for 1994年至1997年's floor space, "1997年底的7.95平方米" (one year's level, printed in the
    same sentence as the total) is ruled out; the total, and a figure printed after the span, are not."""
    from assistant.flanks import one_year_of_a_span

    question = analyse("1994年至1997年全国普通高校教职工住房竣工面积是多少？", Tokenizer(), Places.load())
    sentence = normalise("全国普通高校教职工住房建设共完成投资１２９亿元，竣工面积１３８６万平方米，"
                         "高校教职工家庭人均居住面积已由１９９３年底的６·６８平方米提高到１９９７年底的７·９５平方米。")
    ruled = {f.text: one_year_of_a_span(question, sentence, f) for f in find_figures(sentence) if f.kind != "date"}
    assert ruled == {"129亿元": False, "1386万平方米": False, "6.68平方米": True, "7.95平方米": True}
    spanned = normalise("１９９４年至１９９７年城镇中小学教职工住房建设竣工面积６６２６万平方米。")
    assert not one_year_of_a_span(question, spanned, next(f for f in find_figures(spanned) if f.kind != "date"))
    assert not one_year_of_a_span(analyse("1997年竣工面积是多少？", Tokenizer(), Places.load()), sentence,
                                  next(f for f in find_figures(sentence) if f.text == "7.95平方米"))


def test_two_years_of_one_subject_are_no_difference_between_two_subjects(tmp_path):
    """Only 高校's 1993 and 1997 levels are printed: asked how far 中小学 is ahead of 高校, the
    assistant computes nothing (never 7.95 − 6.68 = 1.27平方米, a change of 高校 alone)."""
    page = ("## 教职工住房\n\n全国普通高校教职工家庭人均居住面积已由１９９３年底的６·６８平方米"
            "提高到１９９７年底的７·９５平方米。\n")
    assistant = page_assistant(tmp_path, "housing", page, PEOPLES_DAILY_ISSUE, reader="rules")
    answer = assistant.ask("1993年底城镇中小学教职工家庭人均居住面积比普通高校教职工多多少平方米？")
    assert "1.27" not in answer.text and "计算" not in answer.text, answer.text


def test_the_level_a_change_reached_is_printed_not_computed(assistant):
    # "减少到了多少人" asks where the change ended (471人), not how far it went (1080人 − 471人)
    answer = assistant.ask("和县实行农电工归口管理后，农电工减少到了多少人？")
    assert direct(answer) == "答：471人。", answer.text
    assert "计算" not in answer.text


def test_a_rate_is_an_amount_per_unit():
    question = analyse("山西西山矿务局1997年平均每挖一百万吨煤死几个人？", Tokenizer(), Places.load())
    sentence = "生产原煤1709万吨，安全生产百万吨死亡率为0.12"
    total, rate = (f for f in find_figures(sentence) if f.text in ("1709万吨", "0.12"))
    assert total_for_a_per_unit(question, sentence, total) and not total_for_a_per_unit(question, sentence, rate)


def test_a_change_from_a_base_year_reads_the_level_of_the_year_asked(tmp_path):
    """Another figure of the year asked (直接贸易额298亿美元) may rank above the level the change is
    read from ("从1990年的117.7亿美元增加到1997年的489.9亿美元"); the difference is still computed."""
    page = ("## 中美贸易\n\n１９９７年，我国与美国直接贸易额２９８亿美元，占双边贸易总额的６０．８％。"
            "９０年代以来，中美贸易连年增长，从１９９０年的１１７．７亿美元增加到１９９７年的４８９．９亿美元。\n")
    assistant = page_assistant(tmp_path, "trade", page, PEOPLES_DAILY_ISSUE, reader="rules")
    answer = assistant.ask("1997年中美贸易额比1990年多了多少亿美元？")
    assert direct(answer) == "答：372.2亿美元。", answer.text
    assert "489.9亿美元 − 117.7亿美元" in answer.text
