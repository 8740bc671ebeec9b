"""Understanding questions: what kind of answer, whose figure, and follow-ups."""

import pytest

from assistant.chat import QuestionError, check_question, in_context, resolve_followup
from assistant.question import Places, Synonyms, analyse
from assistant.text import Tokenizer


@pytest.fixture(scope="module")
def understand():
    tokenizer, places = Tokenizer(), Places.load()
    return lambda text: analyse(text, tokenizer, places)


@pytest.mark.parametrize(
    ("question", "asks", "unit"),
    [
        ("湖南援藏三年签约资金多少？", "money", ""),
        ("湖北每年提供多少个公务员岗位？", "count", "个"),
        ("培训了多少人次？", "people", "人次"),
        ("旅游收入同比增长多少？", "percent", ""),
        ("洛桑阿旺身高增长了多少？", "growth", ""),
        ("工作组什么时候启程？", "date", ""),
        ("岳阳援藏工作组组长是谁？", "person", ""),
        ("航天育种实验室建在哪里？", "place", ""),
        ("哪所高校率先设立驻山南办事处？", "organisation", ""),
        ("分红分发到多少户？", "count", "户"),
        ("哪个农场创造了最高劳动生产率？", "fact", ""),  # names a farm; the rate is what it did
        ("哪个矿几十年靠政策补贴过日子？", "fact", ""),  # 几十年 is a rough count that asks nothing
        ("十几个县一共投入多少资金？", "money", ""),  # so is 十几个
        ("家庭农场在种地上花了多少本钱？", "money", ""),  # 本 begins 本钱 here: no measure word
        # an official's terse question, no question word: the quantity it ends on is what is asked
        ("1997年记账式国债发行额？", "money", ""),  # 额: an amount of money
        ("1997年安徽省粮食入库量？", "number", ""),
        ("1997年全国新增高速公路通车里程？", "measure", ""),
        ("全国人均占有肉类产品多少公斤？", "measure", "公斤"),  # 占有 is having, not a share (占…多少)
        ("全省有多少名干部驻村？", "people", "名"),
        # the unit after a magnitude says what is measured, not the magnitude (多少万 is no money here)
        ("1997年首钢钢产量是多少万吨？", "measure", "吨"),
        ("全区完成造林面积多少万亩？", "measure", "亩"),
        # 这几年 / 那几家 point at something: they ask nothing
        ("晋城这几年从外地招来了多少名专门人才？", "people", "名"),
        ("四川省国有困难企业一共有多少职工？", "people", ""),  # the people counted, named after 多少: no 家
        ("他们办的那几家厂子，一年能消化多少土豆？", "number", ""),
        # 天 opens 天然气: no count of days
        ("1997年海洋石油工业全年产了多少天然气？", "number", ""),
        # a ratio named by 比 or 系数 is a rate, as any …率 is, whatever it is a ratio of
        ("中国银行人民币存贷款的贷存比是多少？", "percent", ""),
        ("千户大型企业的货币资金占用系数达到多少？", "percent", ""),
        ("1997年全球跨国旅游人数降幅？", "percent", ""),  # a rate of fall, as 增幅 is one of rise
        # a firm asked for by name, though money words (贷款) describe it
        ("长宁区为居民购房提供抵押贷款担保专门成立的公司叫什么？", "organisation", ""),
        ("截至1997年底我国邮件运输线路总长？", "measure", ""),  # a terse question ending on a length
        ("北京把山里的农户挪了出来，一共挪了多少口人？", "people", ""),  # people counted by mouths
        ("据海关统计，1997年上半年我国出口增长幅度是多少？", "percent", ""),  # a 幅度 is a rate
        ("“八五”那几年，乡镇企业平均每年增长速度是多少？", "percent", ""),
        ("东南亚国家钱一贬值，过一年以后它们的出口能多长多少？", "growth", ""),  # 多长 = 多增长, no length
        ("1997年中国旅游一共挣了多少美元？", "money", "美元"),  # any currency is money
        # terse questions that end on a count named by 数, perhaps with a note in brackets
        ("汕头市建设廉租公房总套数？", "count", ""),
        ("到1997年底河北脱贫特困村数？", "number", ""),
        ("1997年批准因私出国旅游人员总数（含边境游）？", "number", ""),
        # a terse question ending on the change asks the change (增长 is no title, as 市长 is)
        ("1997年全国教职工住房竣工面积比1996年增长？", "growth", ""),
        # 哪几个 asks which ones, as 哪些 does, not how many; 哪几天 still asks when
        ("1997年竣工通航的4个民航支线机场是哪几个？", "fact", ""),
        ("1998年全国硕士研究生入学考试初试是哪几天举行的？", "date", ""),
    ],
)
def test_kind_of_answer(understand, question, asks, unit):
    q = understand(question)
    assert (q.asks, q.unit) == (asks, unit)


def test_a_terse_count_is_asked_of_the_thing_counted(understand):
    """Print says "1945个特困村", never 特困村数: 数 is how the question asks, not a word to find."""
    assert "特困村" in understand("到1997年底河北脱贫特困村数？").focus
    assert not any("数" in w for w in understand("汕头市建设廉租公房总套数？").focus)


def test_a_terse_question_ending_on_money_asks_money_not_a_count(understand):
    """"…发放工资性贷款金额？" names the amount of money: 413家 (how many firms got loans) is no answer,
    as it may be to "投资项目多少" (money read from the topic only)."""
    q = understand("四川省去年向国有困难企业发放工资性贷款金额？")
    assert (q.asks, q.answer_kind) == ("money", "money")
    assert understand("这些企业得到贷款多少？").answer_kind == "money_by_topic"


@pytest.mark.parametrize(("question", "dimension"), [
    ("截至1997年底我国邮件运输线路总长？", "length"),
    # how big a home is, or how much land was renewed, is an area: 81.8% does not answer it
    ("上市出售的已购公房平均每户（套）多大？", "area"),
    ("到1997年底，城镇中小学老师家里平均每人住多大地方？", "area"),
    ("杭州把那些破旧的老城区翻新了多大一片？", "area"),
    ("这家企业的规模有多大？", ""),
])
def test_the_dimension_asked_is_read_from_what_is_measured(understand, question, dimension):
    assert understand(question).dimension == dimension


@pytest.mark.parametrize(
    ("question", "place"),
    [("湘援藏签约资金多少？", "湖南"), ("在鄂就业的西藏籍学生有多少？", "湖北"), ("赴皖跟岗学习多少人次？", "安徽"),
     ("皖援藏干部多少人？", "安徽"), ("岳阳工作组邀请了多少家企业？", "岳阳")],
)
def test_aliases_name_the_place(understand, question, place):
    assert place in understand(question).places


def test_a_dates_unit_is_not_read_as_part_of_the_next_word(understand):
    """jieba cuts "1996年产值" as 1996/年产值 and "1997年前11个月" as 1997/年前: the page prints 产值, and
    年前 is no word of the question; 年底 is a time of the year and stays."""
    assert understand("浙江象山县的建筑业，1996年产值做到了多少？").focus == ["建筑业", "产值", "做到"]
    assert "年前" not in understand("1997年前11个月全国办公楼销售价格？").focus
    assert "年底" in understand("到1997年底，晋城市达到小康水平的乡镇占多少？").focus


def test_a_change_against_last_year_is_asked_by_its_verb(understand):
    # news prints "财政收入15.2亿元，增18.1%": the word asked is the change verb, not "比上年增长"
    assert understand("1997年淮阴市财政收入比上年增长多少？").focus == ["财政收入", "增长"]
    assert understand("出口同比增长多少？").focus == ["出口", "增长"]
    assert understand("咱们国家的重工业比前一年增长了百分之几？").focus == ["国家", "重工业", "增长"]


def test_what_is_left_after_a_change_is_asked_by_what_changed(understand):
    # "由1080人减少到471人": the end of the change answers "精简以后还剩多少人", whose 以后 and 剩 print never says
    assert understand("和县农电工精简以后还剩多少人？").focus == ["和县", "农电工", "精简"]
    assert understand("精简之后剩下多少人？").focus == ["精简"]


def test_chinese_numerals_in_questions_read_as_digits(understand):
    assert understand("湖南援藏三年签约资金多少？").text.startswith("湖南援藏3年")


def test_place_hierarchy():
    places = Places.load()
    assert places.covers("湖南", "岳阳")
    assert places.covers("山南", "桑日")
    assert not places.covers("湖北", "岳阳")
    assert places.siblings("湖南", "湖北")


@pytest.mark.parametrize(
    ("previous", "followup", "standalone"),
    [
        ("湖南援藏三年签约资金多少？", "那安徽呢？", "安徽援藏3年签约资金多少？"),
        ("湖南援藏三年到位资金多少？", "签约资金呢？", "湖南援藏3年签约资金多少？"),
        ("湖南引进企业多少家？", "签约资金呢？", "湖南签约资金是多少？"),
        ("巴宜区2025年旅游收入多少？", "同比增长了多少？", "巴宜区2025年旅游收入同比增长了多少？"),
        ("湖北每年提供多少个公务员岗位？", "事业单位岗位呢？", "湖北每年提供多少个事业单位岗位？"),
        ("湖南引进企业多少家？", "岳阳援藏工作组组长是谁？", "岳阳援藏工作组组长是谁？"),
        # a comparison, a rank or a part goes on about the previous subject
        ("截至1997年11月末千户企业存款余额是多少？", "比年初增长了多少？", "截至1997年11月末千户企业存款余额比年初增长了多少？"),
        # a share of what was counted: the count's own question word goes, the share is asked alone
        ("1997年山西省有多少户军属脱贫？", "占全省军属贫困户的比重是多少？", "1997年山西省有军属脱贫占全省军属贫困户的比重是多少？"),
        ("到1997年底晋城市有多少农村人口达到小康水平？", "占农村人口总数的比例呢？",
         "到1997年底晋城市有农村人口达到小康水平占农村人口总数的比例是多少？"),
        ("1997年中国旅游收入是多少？", "在世界上排第几？", "1997年中国旅游收入在世界上排第几？"),
        # a rate for a rate: 转岗培训率 → 再就业率
        ("北京下岗职工转岗培训率达到多少？", "再就业率呢？", "北京下岗职工再就业率达到多少？"),
        # the same question of another time: its time replaced (年初级产品 is no 年初), or put in front
        ("1980年初级产品在我国出口额中的比重是多少？", "1997年呢？", "1997年初级产品在我国出口额中的比重是多少？"),
        ("桐柏县目前已种植两松多少亩？", "到2000年呢？", "桐柏县到2000年已种植两松多少亩？"),
        ("桐柏县种植两松多少亩？", "去年呢？", "去年桐柏县种植两松多少亩？"),
        ("汕头市区现在人均居住面积多少？", "1978年的时候呢？", "汕头市区1978年人均居住面积多少？"),  # as 1978年呢
        # the same place, another thing done with it: the rest of the question still holds
        ("1997年我国对美国出口多少？", "从美国进口呢？", "1997年我国从美国进口多少？"),
        # the counterpart with the same head (出口 / 进口) is swapped; of which kind of trade still holds
        ("1997年我国对美国的加工贸易出口是多少？", "那进口呢？", "1997年我国对美国的加工贸易进口是多少？"),
        # the new words take the place of the old ones they line up with
        ("有多少企业承诺的服务标准等于规定标准？", "低于规定标准的呢？", "有多少企业承诺的服务标准低于规定标准？"),
        ("经过6年努力，晋城市有百分之几的贫困村越过了温饱线？", "贫困人口呢？",
         "经过6年努力，晋城市有百分之几的贫困人口越过了温饱线？"),
        # a share asked again, of the same route (经香港实现)
        ("1997年我国对美国出口中有多大比例是经香港实现的？", "那从美国进口的呢？",
         "1997年我国从美国进口中有多大比例是经香港实现的？"),
        # another thing of the same subject and time, asked the same way (占多少 stays a share)
        ("1997年淮阴市国内生产总值是多少？", "财政收入呢？", "1997年淮阴市财政收入是多少？"),
        ("文化娱乐场所开展经营承诺活动的企业占多少？", "邮电通讯行业呢？", "邮电通讯行业占多少？"),
        # a change of the same figure; another county of the same time
        ("1997年浦东全年外贸出口完成多少？", "同比增长呢？", "1997年浦东全年外贸出口完成同比增长是多少？"),
        ("1997年淮阴市财政收入是多少？", "那安阳县呢？", "1997年安阳县财政收入是多少？"),
        ("化州各个庄园已种下优质龙眼、荔枝多少亩？", "占全市宜果山岭面积多少？",
         "化州各个庄园已种下优质龙眼、荔枝占全市宜果山岭面积多少？"),
        # the thing counted is replaced and the rest of the subject (海上油田, 采了) holds; its unit was
        # the old thing's. A noun before the question word goes with its own verb: not swapped
        ("1997年我国海上油田一共采了多少万吨原油？", "那天然气呢？", "1997年我国海上油田一共采了多少天然气？"),
        ("1998年全年计划核销银行呆坏账多少？", "住房贷款规模呢？", "1998年全年住房贷款规模是多少？"),
        # 那 and another place, with nothing new of its own ("挣" is how one asks of 收入): the same question
        ("1997年美国的旅游收入是多少？", "那咱们中国挣了多少？", "1997年中国的旅游收入是多少？"),
        # 这些 points back at the subject and time just asked about
        ("1997年贵州全省有多少个单位派干部包村扶贫？", "那这些单位一共派下去多少名干部？",
         "1997年贵州这些单位一共派下去多少名干部？"),
    ],
)
def test_followups_become_standalone_questions(understand, previous, followup, standalone):
    places = Places.load()
    assert resolve_followup(followup, understand(previous), understand(followup), places) == standalone


def test_another_item_of_the_list_shown_takes_the_place_of_the_item_asked(understand):
    # the answer shown quoted "…向5000名特困职工每人每月半价供应15公斤大米、0.5公斤食油": 食油 is
    # another item, beside its own figure as 大米 is; 特困 belongs to the lead all items share
    shown = "答：15公斤。\n依据：“向5000名特困职工每人每月半价供应15公斤大米、0.5公斤食油、1公斤猪肉”[1]"
    previous = understand("贵阳市给特困职工每人每月半价供应多少大米？")
    assert resolve_followup("食油呢？", previous, understand("食油呢？"), Places.load(), shown) \
        == "贵阳市给特困职工每人每月半价供应多少食油？"


@pytest.mark.parametrize(
    ("followup", "standalone"),
    [
        ("受益职工有多少？", "四川省受益职工有多少？"),
        ("它的受益职工有多少？", "四川省受益职工有多少？"),  # 它的 stands for the subject carried over
        ("湖南有多少？", "湖南有多少？"),  # a place of its own
        ("全国有多少人参加了这次统一考试？", "全国有多少人参加了这次统一考试？"),  # long enough to say what it is about
    ],
)
def test_a_short_question_is_asked_of_the_conversations_subject(understand, followup, standalone):
    previous = understand("四川省有多少户企业建立起工资预留户？")
    assert in_context(followup, previous, understand(followup)) == standalone


@pytest.mark.parametrize(("previous", "followup", "standalone"), [
    # the nouns the question opened with are whose it was: a firm jieba tags as no organisation
    ("1997年浙江富润集团又兼并了多少家商贸企业？", "接收了多少职工？", "1997年浙江富润集团接收了多少职工？"),
    ("1997年全国国有铁路完成基建投资？", "1998年初步安排多少？", "全国国有铁路1998年初步安排多少？"),
    # one noun before a preposition is the topic: "本钢对多少个主体厂矿…"
    ("本钢对多少个主体厂矿的产品实行优质优价？", "涉及多少个产品？", "本钢涉及多少个产品？"),
    # not the first member of a list
    ("贵州德江、务川、天柱等12个国家级贫困县的农民人均纯收入是多少？", "人均占有粮食多少？", "贵州人均占有粮食多少？"),
])
def test_a_short_question_is_asked_of_the_subject_the_last_one_opened_with(understand, previous, followup, standalone):
    assert in_context(followup, understand(previous), understand(followup)) == standalone


def test_the_quantity_last_asked_is_not_carried_as_a_subject(understand):
    carried = in_context("比上年增长多少？", understand("1997年国有企业出口额是多少？"), understand("比上年增长多少？"))
    assert "出口额" not in carried


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "空"), ("   ", "空"), ("问" * 501, "太长"), ("签约资金\x00多少", "控制字符"), ("\x1b[31m红色", "控制字符"),
     (None, "文字")],
)
def test_bad_questions_get_a_clear_error(text, reason):
    with pytest.raises(QuestionError, match=reason):
        check_question(text)


def test_a_long_but_allowed_question_passes():
    assert check_question("问" * 500) == "问" * 500


def test_when_a_report_appeared_is_not_the_time_asked_about(understand):
    """"据1998年初的报道" dates the report, "跟1992年比" names the base of a change: neither is the
    year whose figure is asked for."""
    assert understand("据1998年初的报道，河南桐柏县一年能收多少带壳的花生？").years == []
    assert understand("1998年初报道，杭州城里平均每人住多少平方米的房子？").years == []
    assert understand("据1998年初的报道，1997年全球贸易增长率是多少？").years == ["1997"]
    assert understand("跟1992年比，如今杭州城里人平均每人住的房子宽敞了百分之几？").years == []


def test_who_says_so_is_not_what_is_asked_about(understand):
    # the source named before the time it speaks of is no word the figure's sentence prints
    assert understand("农业部说1997年全国乡镇企业一共亏了多少钱？").focus == ["全国", "乡镇企业", "亏了"]
    assert understand("统计局预计今年全国完成商品房投资多少？").focus == ["全国", "完成", "商品房", "投资"]
    assert "预计" in understand("1997年全国房地产新开工面积预计多少？").focus  # an estimate asked, not a source


def test_an_amount_for_each_is_read_as_print_abbreviates_it(understand):
    # "平均每人" / "每人平均" is printed "人均", "平均每年" "年均": the short form is the word to find,
    # and the spelt-out form still stands for it where a page prints that
    assert "人均" in understand("河南桐柏县1997年农民平均每人纯收入有多少？").focus
    assert "人均" in understand("1998年初杭州市区每人平均住房多大？").focus
    assert "年均" in understand("“八五”期间乡镇企业平均每年增长速度是多少？").focus
    assert "平均每人" in Synonyms.load().of("人均")
    assert "日均" in understand("1998年春运平均每天发送旅客多少人次？").focus
    assert {"平均每天", "平均每日"} <= set(Synonyms.load().of("日均"))  # as the page may print it
    assert "人均" in understand("1997年全国平均每人摊到的水产品有多少公斤？").focus  # not 人 / 均摊
