"""Answers hold as the archive grows: the seed pages (a Tibetan daily, where nearly every article
names 西藏) indexed together with another newspaper's pages still answer as they did alone."""

from __future__ import annotations

import shutil

import pytest

from assistant.chat import Assistant
from assistant.config import Settings

from .conftest import SEEDS, direct, write

OTHER_PAPER = {
    "rmrb_a.md": "## 北大荒粮食连续增产\n\n本报讯北大荒1997年的粮食总产量逾85.2亿公斤，比上年增长13亿公斤。\n",
    "rmrb_b.md": "## 铁路建设成就显著\n\n到1997年底，我国铁路营业里程已达6.6万公里，电气化铁路达到11999公里。\n",
}
# the same month's paper reports a quake elsewhere: not what a question about a Tibetan county asks
OTHER_PAPER["rmrb_d.md"] = "## 抗灾救灾\n\n本报讯：西藏那曲严重雪灾，河北张家口地区发生6.2级地震，各地纷纷捐款捐物。\n"
# more articles than the seed pages hold (9), none naming 西藏: over the whole archive 西藏 is no
# longer named in most articles, but it still is in the Tibetan daily's
OTHER_PAPER["rmrb_c.md"] = "\n\n\n".join(
    f"## 第{i}个县农业生产稳定\n\n该县1997年粮食产量{100 + i}万吨，比上年增长{i}%。" for i in range(1, 13)) + "\n"


@pytest.fixture(scope="module")
def archive(tmp_path_factory, seed_settings, seed_index) -> Assistant:
    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(SEEDS, root / "seeds")
    for name, text in OTHER_PAPER.items():
        write(root / "other" / name, text)
        write(root / "other" / name.replace(".md", ".toml"), 'newspaper = "人民日报"\ndate = "1998-01-05"\n')
    shutil.copytree(seed_settings.index_dir / "cache", root / "index" / "cache")  # the seeds' vectors
    return Assistant(Settings(corpus_dirs=(root / "seeds", root / "other"), index_dir=root / "index"))


def test_the_home_region_of_one_paper_stays_home_in_a_merged_archive(archive):
    assert "西藏" in archive.extractive.extractor.home


@pytest.mark.parametrize("question, figure", [
    ("湖北每年提供多少个公务员岗位？", "15个"),
    ("北大荒1997年的粮食总产量有多少？", "逾85.2亿公斤"),
])
def test_questions_answered_alone_are_answered_in_the_archive(archive, question, figure):
    answer = archive.ask(question)
    assert answer.text.startswith(f"答：{figure}。"), answer.text


def test_a_county_of_the_home_region_is_not_answered_by_another_place(archive):
    # 巴宜区 lies in 林芝: neither 那曲 (another city of 西藏) nor 河北张家口 is where it is, though
    # 西藏, named in nearly every article of the Tibetan daily, tells no source apart
    assert archive.ask("西藏巴宜区发生的地震是几级？").refused


# pages with no masthead, as a heap cut from many papers: 美国 and 中国 are named in most articles
UNKNOWN_PAPER = "\n\n\n".join([
    "## 世界旅游组织公布去年旅游收入\n\n去年旅游收入最多的国家仍然是美国，为750亿美元，比上年增加7%。",
    "## 中国旅游业稳步发展\n\n1997年，中国的旅游收入为120亿美元，比上年增加18%。\n\n来自美国的游客增多。",
    "## 中美贸易\n\n中美贸易连年增长，中国对美国出口增加。",
    "## 美国经济\n\n美国经济增长较快，中国企业前往美国投资。",
]) + "\n"


def test_pages_of_no_known_newspaper_make_no_home_region(tmp_path):
    from .conftest import page_assistant

    heap = page_assistant(tmp_path, "heap", UNKNOWN_PAPER, reader="rules")
    assert heap.extractive.extractor.home == set()
    # 美国 named in every article still names whose figure is asked
    assert direct(heap.ask("1997年美国的旅游收入是多少？")) == "答：750亿美元。"
