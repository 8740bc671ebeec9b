"""Names read off a sentence for who / which / what-is-it-called questions: an organisation is the
run of characters up to its suffix, cut after the last everyday verb or particle inside it; a common
noun left alone (建厂, 棉纺织厂) describes and names nothing; the kind of thing asked (什么公司, 哪个
行业, 庄园叫什么名字) picks the name of that kind; a person asked as "…的人" is the person the
sentence names."""

from __future__ import annotations

import pytest

from assistant.names import asked_noun, entity, headed_name, organisations
from assistant.question import Places, analyse
from assistant.text import Tokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer()


@pytest.mark.parametrize(("sentence", "names"), [
    # 加快 is what 本钢 does to its 主线厂; 组建 is what it did to make the company
    ("本钢加快主线厂的改革，把初轧厂、连轧厂、炼钢厂“合三为一”，组建本钢板材股份有限公司",
     ["主线厂", "连轧厂", "本钢板材股份有限公司"]),
    # "有建厂120周年、我国第一家棉纺织厂申新九厂": two descriptions, then the name
    ("今天参加敲锭的5家企业中，有建厂120周年、我国第一家棉纺织厂申新九厂，其敲锭规模达5.5万锭", ["申新九厂"]),
    ("同年12月,经中南大学湘雅医院多学科联合救治", ["中南大学", "湘雅医院"]),  # 经 links, it names nothing
    ("据中国海洋石油总公司总经理王彦介绍", ["中国海洋石油总公司"]),
])
def test_organisations_are_names_not_descriptions(tokenizer, sentence, names):
    assert organisations(sentence, tokenizer) == names


@pytest.mark.parametrize(("question", "noun"), [
    ("辽宁本钢把初轧厂、连轧厂和炼钢厂合三为一，组建的是什么公司？", "公司"),
    ("1998年1月上海首批压锭，哪家棉纺企业敲掉的纱锭最多？", "企业"),
    ("长宁区专门成立的公司叫什么？", "公司"),
    ("开展经营承诺的企业比例最高的是哪个行业？", "行业"),
    ("参加敲锭的企业中规模最大的是哪家厂？", "厂"),
    ("陕西宝鸡的那家叫什么？", ""),
])
def test_the_noun_a_which_question_asks_about(question, noun):
    assert asked_noun(question) == noun


def test_a_thing_of_the_kind_asked_is_named_by_its_printed_name(tokenizer):
    assert headed_name("其中邮电通讯行业开展经营承诺的企业最多，占97.3%", "行业", "哪个行业", tokenizer) == "邮电通讯行业"
    assert headed_name("形成了一份科学务实的《岳阳援藏三年工作规划》", "规划", "形成了一份什么规划", tokenizer) \
        == "《岳阳援藏三年工作规划》"
    # "现代农业庄园" restates the 农业庄园 asked about; 龙汇庄园 is its name
    assert headed_name("梁汝堂投资兴办的现代农业庄园——龙汇庄园，已初具规模", "庄园", "农业庄园叫什么名字", tokenizer) \
        == "龙汇庄园"


@pytest.mark.parametrize(("question", "sentence", "name"), [
    ("辽宁本钢把初轧厂、连轧厂和炼钢厂合三为一，组建的是什么公司？",
     "在放活辅线的同时，本钢加快主线厂的改革，把初轧厂、连轧厂、炼钢厂“合三为一”，组建本钢板材股份有限公司", "本钢板材股份有限公司"),
    ("参加敲锭的企业中规模最大的是哪家厂？", "有建厂120周年、我国第一家棉纺织厂申新九厂，其敲锭规模达5.5万锭", "申新九厂"),
    ("武汉那位辞掉公职、带着下岗姊妹办窗帘公司的人叫什么名字？",
     "张裕民原是武汉一家工厂的中层干部，1993年辞去公职，带领家里6个下岗姊妹办起了裕民窗帘公司", "张裕民"),
    # one firm, though of another place than the one the question names (赴湘): still the answer
    ("哪家基金会与工作组共同资助洛桑阿旺赴湘治疗？",
     "工作组与北京海鹰脊柱健康公益基金会共同伸出援手,全程资助重度脊柱侧弯患者洛桑阿旺赴湘治疗", "北京海鹰脊柱健康公益基金会"),
])
def test_the_name_asked_is_read_off_the_sentence(tokenizer, question, sentence, name):
    places = Places.load()
    assert entity(analyse(question, tokenizer, places), sentence, places, tokenizer) == name


@pytest.mark.parametrize("question", [
    "1998年度船舶工业工作会议上李鹏总理题词的内容？",
    "李鹏总理为船舶工业工作会议题的词是什么？",  # the noun split in the asking
    "李鹏总理给题的词是啥？",
])
def test_a_saying_asked_for_is_the_quote_printed_after_its_noun(tokenizer, question):
    places = Places.load()
    sentence = "李鹏总理的题词是：“振兴百年产业，争创世界造船大国”。"
    assert entity(analyse(question, tokenizer, places), sentence, places, tokenizer) == "“振兴百年产业，争创世界造船大国”"
    # a sentence that only reports the saying was given holds no saying to state
    assert entity(analyse(question, tokenizer, places), "国务院总理李鹏为会议题了词，吴邦国副总理发来贺信。",
                  places, tokenizer) == ""


def test_a_quote_after_another_noun_is_not_the_saying_asked():
    tokenizer = Tokenizer()
    places = Places.load()
    question = analyse("李鹏总理题词的内容是什么？", tokenizer, places)
    assert entity(question, "桐柏的自然条件是“七山一水二分田”", places, tokenizer) == ""


@pytest.mark.parametrize(("question", "place"), [
    ("“帮战友”活动发源于哪个省？", "山西省"),  # not 太原, where the report was filed
    ("“帮战友”活动发源于什么地方？", "山西省"),
])
def test_a_place_asked_is_not_the_dateline_and_is_of_the_rank_asked(question, place):
    sentence = "新华社太原１月２１日电全国广大军属盛赞的“帮战友”活动的发源地———山西省实施“军属扶贫工程”"
    q = analyse(question, Tokenizer(), Places.load())
    assert entity(q, sentence, Places.load(), Tokenizer()) == place


def test_a_province_asked_is_printed_before_a_city_in_it():
    sentence = "这项活动由山西省太原市首创"
    q = analyse("这项活动是哪个省首创的？", Tokenizer(), Places.load())
    assert entity(q, sentence, Places.load(), Tokenizer()) == "山西省"


@pytest.mark.parametrize(("question", "sentence", "name"), [
    # a foreign name after a title is read whole, its parts joined by a middle dot
    ("联合国秘书长是谁？", "联合国秘书长科菲·安南２日在纽约总部举行的记者招待会上说", "科菲·安南"),
    # the noun the question calls the person by stands as a title would
    ("承包荒山的那位温州老板叫什么名字？", "１９９６年，温州的老板陈志强承包了这片荒山", "陈志强"),
    # the place printed in brackets right after the name asked about, not another item's
    ("受到表扬的江苏汽配商城在什么地方？",
     "上海灯具城、江苏汽配商城（江苏南京）、庞口汽车农机配件市场（河北高阳）受到表扬", "江苏南京"),
])
def test_a_name_is_read_beside_the_noun_that_introduces_it(tokenizer, question, sentence, name):
    places = Places.load()
    assert entity(analyse(question, tokenizer, places), sentence, places, tokenizer) == name
