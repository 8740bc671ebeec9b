"""Every prefecture and county of China is a place (not only the ones our seed pages name); a sentence
that opens with its year dates every part of it; two years contrasted in one sentence each keep their
own figure; and a change asked between two years is computed from the two levels printed, even when
the newer one is printed without its year, as reports print the present."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chat import Assistant
from assistant.config import Settings
from assistant.figures import find_figures
from assistant.flanks import another_year
from assistant.gazetteer import short_name
from assistant.question import Places, analyse
from assistant.text import Tokenizer

from .conftest import write

PAGE = """## “一体两翼”富象山

象山县位于浙江省东部沿海，县城西北有山“形如伏象”而得名。

海洋经济是象山的特色经济，产品远销日本、韩国、香港和上海。去年全县水产品产量达36万吨。

## 淮阴经济步入良性轨道

1997年，全市完成国内生产总值120亿元，比上年增14%；财政收入15.2亿元，增18.1%；农民人均纯收入达2010元。

## 消费者协会调查

调查显示，在受到欺诈后，只有22.17%的消费者采取“忍了”的态度，而在1996年，采取同样态度的多达43.2%。

1996年，78.4%的消费者受到过商业欺诈，而去年，这一人数为47.6%。
"""
ISSUE = 'newspaper = "人民日报"\ndate = "1998-01-27"\n'


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    root: Path = tmp_path_factory.mktemp("places")
    write(root / "corpus" / "page.md", PAGE)
    write(root / "corpus" / "page.toml", ISSUE)
    return Assistant(Settings(corpus_dirs=(root / "corpus",), index_dir=root / "index"))


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


@pytest.mark.parametrize("question, figure, working", [
    ("1997年采取“忍了”态度的消费者比1996年少了多少个百分点？", "21.03个百分点", "43.2% − 22.17%"),
    ("受到过商业欺诈的消费者比例从1996年到去年下降了多少个百分点？", "30.8个百分点", "78.4% − 47.6%"),
])
def test_a_change_between_two_years_is_computed_from_the_levels(assistant, question, figure, working):
    answer = assistant.ask(question)
    assert answer.text.startswith(f"答：{figure}。"), answer.text
    assert f"计算：{working}" in answer.text
