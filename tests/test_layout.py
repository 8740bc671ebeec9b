"""Layout repair on the seed pages: every kind of print-conversion damage they carry."""

import pytest

from assistant.layout import parse_page
from assistant.schema import BYLINE, CAPTION, CREDIT

from .conftest import seed_text


@pytest.fixture(scope="module")
def page0():
    return parse_page(seed_text("000_"), "000_3cc3c21d9f8b25fb.txt")


@pytest.fixture(scope="module")
def page1():
    return parse_page(seed_text("001_"), "001_0d3c75e96ce2502d.txt")


def paragraphs_with(paragraphs, fragment):
    return [p for p in paragraphs if fragment in p.text]


@pytest.mark.parametrize(
    ("page", "joined"),
    [
        ("page1", "累计签约招商引资项目41个"),
        ("page0", "起步决定后程"),
        ("page0", "草履虫在跳舞"),
        ("page0", "组织桑日医务骨干"),
        ("page1", "在园区建设、农牧产业"),
        ("page0", "招商引资推介活动13场次"),
        ("page0", "向全体成员发放"),
        ("page0", "78户合作社成员手中"),
        ("page0", "“共同奋斗、共同富裕”"),
        ("page0", "严的氛围不动摇"),
        ("page0", "长远之策"),
        ("page0", "廉洁用权,当好遵守制度的带头人"),  # across a misplaced heading
    ],
)
def test_sentences_cut_by_blank_lines_are_rejoined(request, page, joined):
    _, paragraphs = request.getfixturevalue(page)
    found = paragraphs_with(paragraphs, joined)
    assert len(found) == 1, joined
    assert any("rejoined" in r for r in found[0].repairs)


def test_sentence_across_misplaced_heading_goes_to_its_article(page0):
    _, paragraphs = page0
    (p,) = paragraphs_with(paragraphs, "廉洁用权")
    assert p.article == "以三个“更加”为指引 坚持不懈推进全面从严治党"
    assert p.text.startswith("“更加科学有效地把权力关进制度笼子”")


def test_duplicated_passages_are_indexed_once(page0):
    _, paragraphs = page0
    assert len(paragraphs_with(paragraphs, "数据最有说服力")) == 1
    assert len(paragraphs_with(paragraphs, "这个‘小城Time’的Logo太有特色了")) == 1
    assert len(paragraphs_with(paragraphs, "为打响区域品牌")) == 1
    # repeated from mid-sentence ("圈”:抖音…") is the tail of the full paragraph
    (full,) = paragraphs_with(paragraphs, "抖音、小红书")
    assert full.text.startswith("数字化手段更让文旅消费“火出圈”")


def test_paragraphs_under_the_wrong_heading_go_to_their_article(page0):
    _, paragraphs = page0
    for fragment in ("巴宜人的周末’线路玩了3天", "364万元元旅游补贴", "数据最有说服力", "火出圈"):
        (p,) = paragraphs_with(paragraphs, fragment)
        assert p.article == "“人城旅”点燃城市烟火气", fragment
    (cooperative,) = paragraphs_with(paragraphs, "分红大会")
    assert cooperative.article == "居民变股东"


def test_kicker_above_title_is_read_as_kicker_and_title(page0, page1):
    articles0, _ = page0
    titles = {a.title: a for a in articles0}
    assert titles["促成企业合作意向超6000万元"].kicker == "西藏青年企业家商会"
    assert titles["招商引资规模与质量实现双提升"].kicker == "阿里地区"
    assert "西藏青年企业家商会" not in titles
    assert titles["发展手牵手 援藏心连心"].subtitle.startswith("——湖南省岳阳市")
    assert titles["发展手牵手 援藏心连心"].byline.startswith("本报记者 武沛涛")
    (main,) = page1[0]
    assert main.title == "同心凝聚合力 共谱雅砻新曲"
    assert main.kicker == "湖北、湖南、安徽三省援藏干部人才："
    assert main.banner == "接力援藏 共谱新篇"


def test_section_heading_split_over_two_levels_is_one_section(page1):
    _, paragraphs = page1
    (p,) = paragraphs_with(paragraphs, "湖南援藏充分发挥自身资源优势")
    assert p.section == "深耕产业援藏——激活经济新引擎"


def test_captions_credits_and_bylines_keep_their_own_kind(page0, page1):
    kinds = {p.text: p.kind for p in page0[1] + page1[1]}
    assert kinds["图①：安徽省援藏干部人才招引的措美哲古风电场。"] == CAPTION
    assert kinds["图为雪社区服装三厂合作社分红现场。"] == CAPTION
    assert kinds["本报记者 王敏 摄"] == CREDIT
    assert kinds["本报记者 武沛涛 本报通讯员 侯勇 嘉措"] == BYLINE


def test_half_width_punctuation_is_normalised_for_search_only(page0):
    _, paragraphs = page0
    (p,) = paragraphs_with(paragraphs, "向云端")
    assert p.text.startswith("向云端,向高原。")  # shown as printed
    assert p.search_text.startswith("向云端，向高原。")
    (quake,) = paragraphs_with(paragraphs, "6.8级")
    assert "6.8级" in quake.search_text and "218.2万元" in quake.search_text


def test_every_paragraph_is_traceable_and_ids_are_stable(page0):
    articles, paragraphs = page0
    ids = [p.paragraph_id for p in paragraphs]
    assert len(ids) == len(set(ids))
    assert ids[0] == "000_3cc3c21d9f8b25fb-p001"
    assert all(p.source_file == "000_3cc3c21d9f8b25fb.txt" and p.article for p in paragraphs)
    assert [p.position for p in paragraphs] == list(range(1, len(paragraphs) + 1))
    again = parse_page(seed_text("000_"), "000_3cc3c21d9f8b25fb.txt")[1]
    assert [(p.paragraph_id, p.text) for p in again] == [(p.paragraph_id, p.text) for p in paragraphs]


def test_malformed_markdown_does_not_break_parsing():
    text = "####### 太多井号\n#\n\n正文没有标题，也没有句号\n\n```\n代码块里的文字。\n```\n\n| 表格 | 行 |\n"
    articles, paragraphs = parse_page(text, "odd.md")
    assert paragraphs and all(p.text for p in paragraphs)
