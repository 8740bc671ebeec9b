"""Adding pages: good pages land once, bad pages are refused with a reason and change nothing."""

import pytest

from assistant.ingest import IngestError, decode_page, ingest_files, load_corpus, page_files

from .conftest import write

PAGE = "# 测试日报\n\n## 某县招商引资再创新高\n\n本报讯 2025年，某县引进企业12家，签约资金达3.5亿元。\n"


def test_utf8_and_gbk_pages_are_read():
    assert "签约资金" in decode_page(PAGE.encode("utf-8"), "a.md")
    assert "签约资金" in decode_page(PAGE.encode("gbk"), "a.md")
    assert "签约资金" in decode_page(PAGE.encode("gb18030"), "a.md")
    assert "签约资金" in decode_page(b"\xef\xbb\xbf" + PAGE.encode("utf-8"), "a.md")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "空"),
        (b"   \n\n", "空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "二进制"),
        (b"plain english only", "没有中文"),
        (bytes(range(0x80, 0xFF)) * 4, "编码"),
    ],
)
def test_bad_files_get_a_clear_reason(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode_page(data, "bad.md")


def test_ingest_adds_once_and_rejects_bad_files_without_touching_the_corpus(tmp_path, private_settings):
    settings = private_settings
    before = load_corpus(settings).fingerprint
    bad = [write(tmp_path / "empty.md", b""), write(tmp_path / "photo.md", b"\x00\x01binary"),
           write(tmp_path / "notes.pdf", PAGE)]
    results = ingest_files(bad, settings)
    assert [r.status for r in results] == ["error"] * 3
    assert load_corpus(settings).fingerprint == before

    good = write(tmp_path / "new_page.md", PAGE.encode("gbk"))
    (added,) = ingest_files([good], settings)
    assert added.status == "added"
    corpus = load_corpus(settings)
    assert corpus.fingerprint != before
    assert any(p.source_file == "new_page.md" and "3.5亿元" in p.text for p in corpus.paragraphs)
    stored = settings.pages_dir / "new_page.md"
    assert stored.read_text(encoding="utf-8").startswith("# 测试日报")  # kept as UTF-8

    after = corpus.fingerprint
    (again,) = ingest_files([good], settings)
    assert again.status == "unchanged"
    (renamed,) = ingest_files([write(tmp_path / "copy.md", PAGE)], settings)
    assert renamed.status == "unchanged"  # same text under another name is not added twice
    (clash,) = ingest_files([write(tmp_path / "other" / "new_page.md", PAGE + "\n另一段内容。")], settings)
    assert clash.status == "error" and "同名" in clash.message
    assert load_corpus(settings).fingerprint == after
    assert [p.name for p in page_files(settings)].count("new_page.md") == 1


def test_unreadable_path_is_an_error(tmp_path, private_settings):
    (result,) = ingest_files([tmp_path / "missing.md"], private_settings)
    assert result.status == "error" and "无法读取" in result.message
