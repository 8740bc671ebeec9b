"""What a user sees: given a question, the exact figure, the right paragraph cited, honest refusals."""

import pytest

from assistant.chat import Assistant, Conversation, resolve_followup
from assistant.figures import find_figures
from assistant.verify import unsupported_figures

from .conftest import PEOPLES_DAILY_ISSUE, direct, page_assistant

P000, P001 = "000_3cc3c21d9f8b25fb", "001_0d3c75e96ce2502d"


FIGURE_QUESTIONS = [
    ("湖南援藏三年签约资金多少？", "80.7亿元", "签约资金达80.7亿元"),
    ("湘援藏签约资金达到多少？", "80.7亿元", "签约资金达80.7亿元"),
    ("湖南引进企业多少家？", "71家", "引进企业71家"),
    ("湖南累计签约招商引资项目多少个？", "41个", "引资项目41个"),  # across a repaired break
    ("湖北每年提供多少个公务员岗位？", "15个", "15个公务员岗位"),
    ("在鄂就业的西藏籍学生有多少人？", "近600人", "近600人"),
    ("湖南培训受援地干部人才多少人次？", "1.54万人次", "1.54万人次"),
    ("湖南累计征集省内就业援藏岗位多少个？", "1.6万余个", "1.6万余个"),
    ("西藏青年企业家商会2025年促成企业合作意向多少？", "超6000万元", "超6000万元"),
    ("巴宜区2025年旅游收入多少？", "51.32亿余元", "51.32亿余元"),
    ("雪社区服装三厂合作社分红多少钱？", "122万元", "122万元"),
    ("分红分发到多少户合作社成员？", "78户", "78户"),
    ("洛桑阿旺身高增长了多少？", "26厘米", "26厘米"),
    ("阿里地区在建招商引资项目计划总投资多少？", "140.2亿元", "140.2亿元"),
    ("阿里地区积极参与区内外招商引资推介活动多少场次？", "13场次", "介活动13场次"),
    ("岳阳援藏工作组邀请了多少家企业提供岗位？", "43家", "43家企业"),
    ("山南市第二高级中学智慧校园建设项目总投资多少？", "4500万元", "4500万元"),
    ("湖北高校援藏联盟梳理了多少项需求？", "71项", "梳理71项需求"),
]


@pytest.fixture(scope="module")
def rule_reader(seed_settings, seed_index):
    return Assistant(seed_settings.with_(reader="rules"), seed_index)


@pytest.mark.parametrize(("question", "figure", "cited"), FIGURE_QUESTIONS)
def test_figure_questions_get_the_exact_figure_and_its_paragraph(rule_reader, question, figure, cited):
    """The rule reader finds, states and cites the exact figure (what the judge then weighs)."""
    answer = rule_reader.ask(question)
    assert not answer.refused, answer.text
    assert answer.text.startswith(f"答：{figure}"), answer.text
    assert figure in answer.citations[0].text and cited in answer.citations[0].text
    assert answer.citations[0].highlight == figure


def test_the_default_reader_states_the_exact_figure_or_refuses(assistant):
    """With the judge (the default), an answer is the exact figure, cited, or a refusal: never
    another figure; and it still answers nearly all of these plain questions."""
    answered = 0
    for question, figure, cited in FIGURE_QUESTIONS:
        answer = assistant.ask(question)
        if answer.refused:
            continue
        answered += 1
        assert answer.text.startswith(f"答：{figure}"), answer.text
        assert cited in answer.citations[0].text
    assert answered >= len(FIGURE_QUESTIONS) - 2


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("岳阳援藏工作组组长是谁？", "彭典"),
        ("岳阳援藏工作组副组长是谁？", "阳郑"),
        ("安徽的航天育种实验室建在哪里？", "错那市"),
        ("哪所高校率先设立驻山南办事处？", "三峡大学"),
        ("湖北援藏的智算中心叫什么？", "雅江1号"),
    ],
)
def test_who_where_which_questions_name_the_answer(assistant, question, name):
    answer = assistant.ask(question)
    assert not answer.refused
    assert name in answer.body().splitlines()[0], answer.text


@pytest.mark.parametrize(
    "question",
    [
        "安徽签约资金多少？",  # only 湖南 reports 签约资金: never borrow its figure
        "鄂援藏三年引进了多少家企业？",
        "岳阳援藏工作组为多少名藏族老人做了白内障手术？",
        "巴宜区2024年的地铁客运量是多少？",
        "桑日县的人均GDP是多少？",
    ],
)
def test_questions_the_sources_do_not_answer_are_refused(assistant, question):
    answer = assistant.ask(question)
    assert answer.refused, answer.text
    assert answer.text.startswith("资料中没有找到")
    assert not answer.text.startswith("答：")


def test_refusal_never_gives_a_neighbouring_figure(assistant):
    answer = assistant.ask("安徽签约资金多少？")
    assert "80.7亿" not in answer.body()


def test_several_sources_with_different_figures_are_all_given(assistant):
    answer = assistant.ask("西藏籍群众在区外就业多少人？")
    assert not answer.refused
    body = answer.body()
    assert "291人" in body and "380余名" in body
    assert len(answer.citations) >= 2


def test_every_number_in_an_answer_is_in_a_cited_paragraph(assistant):
    questions = ["湖南援藏三年签约资金多少？", "西藏籍群众在区外就业多少人？", "安徽签约资金多少？",
                 "巴宜区2025年接待游客多少人次？", "湖北援藏的智算中心叫什么？", "岳阳援藏工作组组长是谁？"]
    for question in questions:
        answer = assistant.ask(question)
        assert unsupported_figures(answer.body(), [c.text for c in answer.citations]) == [], question


def test_number_check_catches_an_invented_figure():
    cited = ["3年来，累计签约招商引资项目41个，签约资金达80.7亿元。"]
    assert unsupported_figures("答：80.7亿元。[1]", cited) == []
    assert [f.text for f in unsupported_figures("答：8.07亿元，共42个项目。[1]", cited)] == ["8.07亿元", "42个"]


def test_citations_carry_id_article_and_file(assistant, seed_index):
    answer = assistant.ask("湖南援藏三年签约资金多少？")
    (citation,) = answer.citations
    paragraph = seed_index.paragraph(citation.paragraph_id)
    assert citation.paragraph_id.startswith(P001)
    assert citation.source_file == f"{P001}.txt"
    assert citation.article == "同心凝聚合力 共谱雅砻新曲" == paragraph.article
    assert citation.text == paragraph.text
    assert citation.label == f"《西藏日报》2026年1月20日 ·《{citation.article}》"  # from the seed's sidecar
    assert f"[1] {citation.label}" in answer.text and citation.paragraph_id in answer.text


def test_followups_in_one_conversation(assistant):
    conversation = Conversation()
    first = assistant.ask("湖南援藏三年签约资金多少？", conversation)
    assert first.text.startswith("答：80.7亿元")
    anhui = assistant.ask("那安徽呢？", conversation)
    assert anhui.standalone_question.startswith("安徽")
    assert anhui.refused and "80.7" not in anhui.body()

    conversation = Conversation()
    assistant.ask("湖南引进企业多少家？", conversation)
    assert assistant.ask("到位资金呢？", conversation).text.startswith("答：25.6亿元")
    assert assistant.ask("签约资金呢？", conversation).text.startswith("答：80.7亿元")

    conversation = Conversation()
    assert assistant.ask("巴宜区2025年旅游收入多少？", conversation).text.startswith("答：51.32亿余元")
    assert assistant.ask("同比增长了多少？", conversation).text.startswith("答：26.43%")
    conversation = Conversation()
    assistant.ask("巴宜区2025年接待游客多少人次？", conversation)
    assert assistant.ask("同比增长了多少？", conversation).text.startswith("答：10.82%")

    conversation = Conversation()
    assert assistant.ask("湖北每年提供多少个公务员岗位？", conversation).text.startswith("答：15个")
    assert assistant.ask("事业单位岗位呢？", conversation).text.startswith("答：60个")


def test_conversations_do_not_share_state(assistant):
    mine, theirs = Conversation(), Conversation()
    assistant.ask("湖南援藏三年签约资金多少？", mine)
    assistant.ask("巴宜区2025年旅游收入多少？", theirs)
    assert assistant.ask("那安徽呢？", mine).standalone_question.startswith("安徽援藏")
    assert len(theirs.turns) == 1


def test_photo_credit_names_the_photographer(assistant):
    answer = assistant.ask("雪社区合作社分红现场的照片是谁拍的？")
    assert answer.text.startswith("答：王敏")
    assert answer.citations[0].text == "本报记者 王敏 摄"


def test_sums_and_differences_show_their_working(assistant):
    answer = assistant.ask("湖南签约资金比到位资金多多少？")
    assert answer.text.startswith("答：55.1亿元")
    assert "计算：80.7亿元 − 25.6亿元 = 55.1亿元" in answer.text
    assert unsupported_figures(answer.body(), [c.text for c in answer.citations]) == []
    total = assistant.ask("湖北每年提供的公务员和事业单位岗位一共多少个？")
    assert total.text.startswith("答：75个") and "15个 + 60个 = 75个" in total.text


def test_a_wrong_working_is_caught():
    cited = ["签约资金达80.7亿元，到位资金25.6亿元"]
    assert unsupported_figures("答：55.1亿元。\n计算：80.7亿元 − 25.6亿元 = 55.1亿元", cited) == []
    assert unsupported_figures("答：56亿元。\n计算：80.7亿元 − 25.6亿元 = 56亿元", cited)


def test_a_part_is_not_answered_with_the_total(assistant):
    answer = assistant.ask("在鄂就业的西藏籍学生中在事业单位的有多少人？")
    assert answer.text.startswith("答：177人")
    conversation = Conversation()
    assistant.ask("在鄂就业的西藏籍学生中在事业单位的有多少人？", conversation)
    assert assistant.ask("企业呢？", conversation).text.startswith("答：400余人")


def test_a_followup_is_not_answered_with_the_figure_just_given(tmp_path):
    """"长期内呢？" asks for something other than the short-term 12% just answered."""
    page = ("## 东南亚金融危机\n\n据国际货币基金组织测算，东南亚国家汇率贬值在短期内会使其出口增长１２％，"
            "在长期内（一年以后）会使出口增长５６％（考虑经济衰退的影响，则为４６％）。\n")
    assistant = page_assistant(tmp_path, "crisis", page, PEOPLES_DAILY_ISSUE, reader="rules")
    conversation = Conversation()
    first = assistant.ask("据国际货币基金组织测算，东南亚国家汇率贬值短期内会使其出口增长多少？", conversation)
    assert direct(first) == "答：12%。"
    assert direct(assistant.ask("长期内呢？", conversation)) == "答：56%。"


def test_a_followup_naming_the_other_thing_keeps_whose_it_was(tmp_path):
    """"进口呢？" after a question about 国有企业's 出口额 asks for 国有企业's imports, not the country's:
    the subject stays though jieba names no organisation in it."""
    page = "## 外贸\n\n１９９７年，国有企业进出口１６３６．７亿美元。\n"
    assistant = page_assistant(tmp_path, "trade", page, PEOPLES_DAILY_ISSUE, reader="rules")
    # the first question refused: no quoted list to read the new item's name from
    before, now = assistant.analyse("1997年我国国有企业出口额是多少？"), assistant.analyse("进口呢？")
    assert resolve_followup("进口呢？", before, now, assistant.places, "资料中没有找到这个问题的答案。") \
        == "1997年我国国有企业进口是多少？"


def test_people_do_not_answer_a_count_of_things(tmp_path):
    """"建了多少套" is not answered by "11万人", nor "多少项" by a head count: the page prints no count of
    the things asked, so the answer is a refusal, not a figure of another kind."""
    page = ("## 汕头住房\n\n十多年间汕头统建补贴出售住房，解决了１１万人的居住问题。"
            "去年推广新技术，培训技术人员１７４名。\n")
    assistant = page_assistant(tmp_path, "shantou", page, PEOPLES_DAILY_ISSUE, reader="rules")
    assert assistant.ask("汕头十多年统建补贴出售住房建了多少套？").refused
    assert assistant.ask("汕头去年推广了多少项新技术？").refused


def test_a_terse_followup_of_a_terse_figure_question_gets_a_figure(tmp_path):
    """"利税呢？" after "大庆石化总厂1997年工业总产值？" asks the figure of 利税 as the question before asked
    one: the answer states 13.1亿元, not a sentence introduced by 据资料记载."""
    page = ("## 大庆石化总厂消化减利因素\n\n本报讯大庆石油化工总厂去年全年实现工业总产值５７．５５亿元，"
            "销售收入１１７．５亿元，实现利税１３．１亿元。\n")
    assistant = page_assistant(tmp_path, "daqing", page, PEOPLES_DAILY_ISSUE, reader="rules")
    conversation = Conversation()
    assert direct(assistant.ask("大庆石化总厂1997年工业总产值？", conversation)) == "答：57.55亿元。"
    assert assistant.prepare("利税呢？", conversation).question.wants_figure
    assert direct(assistant.ask("利税呢？", conversation)) == "答：13.1亿元。"


def test_a_terse_question_without_a_question_word_gets_the_figure(tmp_path):
    """"1997年记账式国债发行额？" asks for a figure as "…是多少" does: the answer states it, never a
    sentence introduced by 据资料记载."""
    page = ("## 国债发行\n\n１９９７年国债发行总额２４１２．０３亿元，其中记账式国债３４４．０６亿元，"
            "凭证式国债１６４３．３３亿元。\n")
    assistant = page_assistant(tmp_path, "bonds", page, PEOPLES_DAILY_ISSUE, reader="rules")
    assert direct(assistant.ask("1997年记账式国债发行额？")) == "答：344.06亿元。"
    assert direct(assistant.ask("1997年凭证式国债发行额？")) == "答：1643.33亿元。"


def test_a_terse_question_ending_on_a_count_of_people_asks_for_it(tmp_path):
    """"…旅游者人次？" names what it counts as "…人数？" does: a figure, never 据资料记载."""
    page = "## 来华旅游\n\n１９９７年１—１１月，来华外国旅游者６８６．８１万人次，同比增长１０．８５％。\n"
    assistant = page_assistant(tmp_path, "tourism", page, PEOPLES_DAILY_ISSUE, reader="rules")
    assert direct(assistant.ask("1997年1-11月来华外国旅游者人次？")) == "答：686.81万人次。"


def test_a_figure_labelled_with_another_quantity_of_the_same_kind_is_no_answer(tmp_path):
    """The page prints the industry's value added (增加值), not its gross output (总产值): asked for
    the gross output, the assistant refuses rather than give the other value; asked for exports
    (出口额), the total printed as 出口总额 still answers."""
    page = ("## 工业生产\n\n１９９７年全国乡及乡以上工业完成工业增加值２０４７６亿元，比上年增长１１％。\n\n"
            "１９９７年全国出口总额达１８２７亿美元，比上年增长２０．９％。\n")
    assistant = page_assistant(tmp_path, "industry", page, PEOPLES_DAILY_ISSUE, reader="rules")
    assert direct(assistant.ask("1997年全国乡及乡以上工业增加值多少？")) == "答：20476亿元。"
    assert assistant.ask("1997年全国乡及乡以上工业完成工业总产值多少？").refused
    assert direct(assistant.ask("1997年全国出口额多少？")) == "答：1827亿美元。"


def test_another_provinces_figure_is_never_given(assistant):
    conversation = Conversation()
    assistant.ask("湖南培训受援地干部人才多少人次？", conversation)
    answer = assistant.ask("那安徽呢？", conversation)
    assert "95名" not in answer.body() and "1.54万" not in answer.body()


def test_a_sum_is_only_of_the_unit_asked(assistant):
    """Asked for a total in 项, two head-counts (名) in the same sentence are never added up."""
    from assistant.arithmetic import compose

    question = assistant.analyse("引进短期援藏专业技术人才和小短援一共多少项？")
    hits = assistant.retriever.search(question.text)
    assert compose(question, hits, assistant.extractive.extractor) is None
    people = assistant.analyse("引进短期援藏专业技术人才和小短援一共多少名？")
    total = compose(people, assistant.retriever.search(people.text), assistant.extractive.extractor)
    assert total is not None and total.text == "174名"


def test_a_measure_or_an_amount_asked_is_never_a_count_printed(assistant):
    """"多少公里" is not answered by "12条", "多少亿元" not by "56个"; but people counted with 个 in
    speech ("多少个娃娃") may be answered in 名, which only weighs against it."""
    extractor = assistant.extractive.extractor
    paragraph = extractor.index.paragraphs[0]
    sentence = "我国邮政网新开通了12条普件汽车邮路，新增邮路33万公里，投资56亿元"
    figures = {f.text: f for f in find_figures(sentence)}

    def ruled(question: str, figure: str) -> bool:
        return extractor.ruled_out(assistant.analyse(question), sentence, figures[figure], paragraph, [], list(figures.values()))

    assert ruled("新增航空邮路多少公里？", "12条") and not ruled("新增邮路多少公里？", "33万公里")
    assert ruled("邮政投资多少亿元？", "12条") and ruled("新开通了多少条邮路？", "56亿元")
    assert not ruled("新开通了多少条邮路？", "12条")
    children = "为41名藏族儿童做了先心病筛查"
    assert not extractor.ruled_out(assistant.analyse("给多少个藏族娃娃做了筛查？"), children,
                                   find_figures(children)[0], paragraph, [], find_figures(children))


def test_a_followup_keeps_the_span_of_years_asked(assistant):
    """"1994到1997年…" then "那一共…多少？": the follow-up asks of the whole span, not of its last year."""
    conversation = Conversation()
    assistant.ask("2023到2025年湖南援藏一共投了多少资金？", conversation)
    prepared = assistant.prepare("那一共引进了多少家企业？", conversation)
    assert prepared.standalone.startswith("2023到2025年"), prepared.standalone
    assert prepared.question.years == ["2023", "2025"]


def test_a_title_asks_for_a_person_by_name(tmp_path):
    """"副市长是谁": an organisation in the sentence is no answer, nor a sentence quoted without a name;
    where the page names the person, the name is the answer."""
    page = ("## 再就业\n\n武汉再就业赶集大会现场，市商委、卫生局、旅游局分别组织１０家商场进行清岗腾岗。\n\n"
            "武汉市副市长张明在大会上说，戏要大家唱。\n")
    assistant = page_assistant(tmp_path, "jobs", page, PEOPLES_DAILY_ISSUE, reader="rules")
    answer = assistant.ask("在武汉再就业赶集大会上组织商场清岗腾岗的副市长是谁？")
    assert answer.refused or "张明" in direct(answer), answer.text
    assert "卫生局" not in direct(answer) and "据资料记载" not in direct(answer)


def test_which_firm_of_a_place_names_that_places_firm(tmp_path):
    """Among firms listed together, "宝鸡哪家企业" is answered by 宝鸡's, not by the first listed."""
    page = ("## 质量抽查\n\n有３家企业的产品在国家监督抽查中连续两次不合格：余姚市易通线缆有限公司、"
            "广东省蕉岭县电池厂、宝鸡电池厂。\n")
    assistant = page_assistant(tmp_path, "quality", page, PEOPLES_DAILY_ISSUE, reader="rules")
    assert direct(assistant.ask("国家监督抽查里，宝鸡哪家企业的产品连续两次不合格？")) == "答：宝鸡电池厂。"


def test_a_question_put_as_a_headline_is_answered_by_the_figure_its_words_label(tmp_path):
    """"人均占有粮食？" asks with no question word, as a headline names a figure: the figure printed
    right after those words answers it. A headline that ends on a title ("总经理？") asks who holds it."""
    page = ("## 贵州扶贫\n\n本报贵阳１月１３日电　去年，德江、务川、天柱等１２个国家级贫困县基本解决温饱，"
            "农民人均纯收入１１００元，人均占有粮食３２５公斤。\n\n"
            "## 海洋石油\n\n中国海洋石油总公司总经理王彦说，１９９７年全公司原油产量１６６４．７万吨。\n")
    assistant = page_assistant(tmp_path, "headline", page, PEOPLES_DAILY_ISSUE, reader="rules")
    assert direct(assistant.ask("1997年贵州12个国家级贫困县人均占有粮食？", Conversation())) == "答：325公斤。"
    assert direct(assistant.ask("1997年贵州国家级贫困县农民人均纯收入？", Conversation())) == "答：1100元。"
    assert direct(assistant.ask("1997年中国海洋石油总公司总经理？", Conversation())) == "答：王彦。"
