"""The chat page in a real headless Chromium: ask, watch the answer stream in, check the figure and
the sources panel, follow up, and make sure pasted HTML and script never execute."""

import shutil
import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .servers import running_server

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def page_url(seed_settings, seed_index, tmp_path_factory):
    with running_server(seed_settings.index_dir, tmp_path_factory.mktemp("web")) as base:
        yield base + "/"


@pytest.fixture
def browser_page(page_url):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1300, "height": 950})
        page.outside_requests = []
        page.dialogs = []
        page.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                or page.outside_requests.append(r.url))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(page_url, wait_until="load")
        page.wait_for_selector("#question textarea", timeout=60_000)
        # the server answers while it still builds the index; the title says so until a reload after
        # it is built (slow on a busy machine)
        deadline = time.time() + 180
        while "正在建立索引" in page.inner_text("body") and time.time() < deadline:
            time.sleep(2)
            page.reload(wait_until="load")
            page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


def wait_for(locator, text: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while text not in locator.inner_text():
        assert time.time() < deadline, locator.inner_text()
        time.sleep(0.2)


def ask(page, question: str, expect: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    wait_for(page.locator("#chat"), expect)


def test_ask_followup_and_sources(browser_page):
    page = browser_page
    assert "个段落" in page.locator("h1").first.inner_text() + page.inner_text("body")
    ask(page, "湖南援藏三年签约资金多少？", "来源：")
    chat = page.locator("#chat").inner_text()
    assert "答：80.7亿元" in chat and "[1]" in chat
    sources = page.locator("#sources")
    wait_for(sources, "同心凝聚合力 共谱雅砻新曲")  # filled once the streamed answer is complete
    assert sources.locator("mark").first.inner_text() == "80.7亿元"
    # cited like a newspaper, the file and paragraph id in small print and in the tooltip
    where = sources.locator(".where").first
    assert where.is_visible() and where.inner_text().startswith("《西藏日报》2026年1月20日 ·《同心凝聚合力 共谱雅砻新曲》")
    assert "001_0d3c75e96ce2502d.txt" in where.get_attribute("title")
    assert sources.locator(".pid").first.inner_text().startswith("001_0d3c75e96ce2502d-p")
    # the source list streams in after "来源：": wait until its first line is whole
    wait_for(page.locator("#chat"), "[1] 《西藏日报》2026年1月20日")
    ask(page, "那安徽呢？", "资料中没有找到")
    assert "理解为：安徽援藏3年签约资金多少？" in page.locator("#chat").inner_text()
    wait_for(sources, "没有找到答案")
    shots = ROOT / "eval" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "chat.png"), full_page=True)
    assert page.outside_requests == []  # no fonts, scripts or analytics from outside


def test_new_conversation_forgets_the_old_one(browser_page):
    page = browser_page
    ask(page, "湖南援藏三年签约资金多少？", "答：")
    page.locator("#new").click()  # while the answer may still be streaming
    deadline = time.time() + 20
    while "80.7亿元" in page.locator("#chat").inner_text():
        assert time.time() < deadline, page.locator("#chat").inner_text()
        time.sleep(0.2)
    wait_for(page.locator("#sources"), "提问后")
    ask(page, "那安徽呢？", "资料中没有找到")
    assert "理解为" not in page.locator("#chat").inner_text()


def test_bad_input_gets_a_message(browser_page):
    page = browser_page
    ask(page, "长" * 501, "太长")
    page.locator("#question textarea").fill("")
    page.locator("#send").click()
    deadline = time.time() + 20
    while "空" not in page.locator("#chat").inner_text():
        assert time.time() < deadline
        time.sleep(0.2)


def test_pasted_html_and_script_stay_inert(browser_page):
    page = browser_page
    payload = '<img src=x onerror="alert(1)"> <script>alert(2)</script> [点我](javascript:alert(3))'
    ask(page, payload, "<script>alert(2)</script>")
    time.sleep(1.5)
    chat = page.locator("#chat")
    assert chat.locator("img[src='x']").count() == 0
    assert chat.locator("script").count() == 0
    assert chat.locator("a[href^='javascript']").count() == 0
    assert "[点我](javascript:alert(3))" in chat.inner_text()
    assert page.dialogs == []
    shutil.rmtree(ROOT / "eval" / "screenshots" / "tmp", ignore_errors=True)


def test_two_browsers_never_share_a_conversation(browser_page, page_url):
    mine = browser_page
    ask(mine, "湖南援藏三年签约资金多少？", "答：80.7亿元")
    theirs = mine.context.browser.new_context().new_page()
    theirs.goto(page_url, wait_until="load")
    theirs.wait_for_selector("#question textarea", timeout=60_000)
    assert "80.7亿元" not in theirs.locator("#chat").inner_text()
    ask(theirs, "那安徽呢？", "资料中没有找到")
    assert "理解为" not in theirs.locator("#chat").inner_text()  # no earlier turn to follow up on
    theirs.context.close()
