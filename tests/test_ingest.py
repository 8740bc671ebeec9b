"""Adding pages: good pages land once, bad pages are refused with a reason and change nothing."""

import pytest

from assistant.ingest import IngestError, decode_page, ingest_files, load_corpus, page_files

from .conftest import write

PAGE = "# 测试日报\n\n## 某县招商引资再创新高\n\n本报讯 2025年，某县引进企业12家，签约资金达3.5亿元。\n"


def test_utf8_and_gbk_pages_are_read():
    assert "签约资金" in decode_page(PAGE.encode("utf-8"))
    assert "签约资金" in decode_page(PAGE.encode("gbk"))
    assert "签约资金" in decode_page(PAGE.encode("gb18030"))
    assert "签约资金" in decode_page(b"\xef\xbb\xbf" + PAGE.encode("utf-8"))


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
        decode_page(data)


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


def _rare(ch: str) -> bool:
    for encoding in ("gb2312", "big5"):
        try:
            ch.encode(encoding)
            return False
        except UnicodeEncodeError:
            pass
    return True


RARE = [chr(c) for c in range(0x4E00, 0x9FFF) if _rare(chr(c))]


@pytest.mark.parametrize(("data", "reason"), [
    (b"\xf5" * 20_000, "不是正常的文字"),  # 20 KB of one byte: GB18030 decodes it as 貂貂貂…
    ("援藏资金多少".encode() * 3000, "重复"),
    ("".join(RARE[:400]).encode(), "罕用字"),  # what random bytes decoded as GBK mostly give
])
def test_text_that_is_not_plausibly_language_is_refused(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode_page(data)


@pytest.mark.parametrize("name", ["..", "../", ".md", "a.jpg", "a.doc", "", "../../x"])
def test_names_that_are_not_pages_are_refused(name):
    from assistant.ingest import page_name

    with pytest.raises(IngestError, match="只接受"):
        page_name(name)


def test_page_names_lose_their_folders():
    from assistant.ingest import page_name

    assert page_name("../../etc/今日 要闻.MD") == "今日_要闻.md"
    assert page_name("C:\\pages\\a.txt") == "a.txt"


class PickyEmbedding:
    """An embedding model that fails on one kind of paragraph, as a native engine might."""

    @staticmethod
    def make():
        from llama_index.core.embeddings import MockEmbedding

        class Picky(MockEmbedding):
            def _get_text_embedding(self, text: str) -> list[float]:
                if "坏段落" in text:
                    raise RuntimeError("engine failure")
                return super()._get_text_embedding(text)

            def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
                return [self._get_text_embedding(t) for t in texts]

        return Picky(embed_dim=8)


def test_a_page_the_model_fails_on_is_left_out_of_the_build_not_fatal(tmp_path):
    from assistant.config import Settings
    from assistant.index import open_index

    from .conftest import SEEDS

    corpus = tmp_path / "corpus"
    write(corpus / "good.md", PAGE)
    write(corpus / "bad.md", "## 坏消息\n\n这是一个坏段落，模型算不出它的向量。\n")
    write(corpus / "junk.md", b"\x00\x01")
    settings = Settings(corpus_dirs=(corpus, SEEDS), index_dir=tmp_path / "index")
    index = open_index(settings, embedding=PickyEmbedding.make())
    assert set(index.manifest["skipped"]) == {"bad.md", "junk.md"}
    assert {p.source_file for p in index.paragraphs} >= {"good.md"}
    assert not any(p.source_file == "bad.md" for p in index.paragraphs)


def test_ingest_never_commits_a_page_the_index_cannot_be_built_from(tmp_path, private_settings):
    from assistant.index import embedding_check

    page = write(tmp_path / "bad.md", "## 坏消息\n\n这是一个坏段落，模型算不出它的向量。\n")
    (result,) = ingest_files([page], private_settings, check=embedding_check(private_settings, PickyEmbedding.make()))
    assert result.status == "error" and "无法计算向量" in result.message
    assert not (private_settings.pages_dir / "bad.md").exists()
