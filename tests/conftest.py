"""Shared fixtures: one real index over the seed pages, built once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import ROOT, Settings, offline_environment

offline_environment()

SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory) -> Settings:
    return Settings(corpus_dirs=(SEEDS,), index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def seed_index(seed_settings):
    from assistant.index import open_index

    return open_index(seed_settings)


@pytest.fixture(scope="session")
def assistant(seed_settings, seed_index):
    from assistant.chat import Assistant

    return Assistant(seed_settings, seed_index)


@pytest.fixture
def private_settings(tmp_path, seed_settings, seed_index) -> Settings:
    """A corpus and index of the test's own, starting from the seeds; vectors already computed
    for the seeds are reused so only new paragraphs are embedded."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index_dir = tmp_path / "index"
    shutil.copytree(seed_settings.index_dir / "cache", index_dir / "cache")
    return Settings(corpus_dirs=(corpus,), index_dir=index_dir)


def seed_text(name_prefix: str) -> str:
    path = next(p for p in SEEDS.iterdir() if p.name.startswith(name_prefix))
    return path.read_text(encoding="utf-8")


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def page_assistant(root: Path, name: str, page: str, issue: str = "", reader: str = Settings.reader):
    """An Assistant over one small page of its own (and the masthead's date, as a sidecar, when given).
    Tests of how the rule scorer reads print pass reader="rules": on a one-page archive the judge's
    statistics (fitted on two whole corpora) say little."""
    from assistant.chat import Assistant

    write(root / "corpus" / f"{name}.md", page)
    if issue:
        write(root / "corpus" / f"{name}.toml", issue)
    return Assistant(Settings(corpus_dirs=(root / "corpus",), index_dir=root / "index", reader=reader))


PEOPLES_DAILY_ISSUE = 'newspaper = "人民日报"\ndate = "1998-01-20"\n'  # the masthead of a January 1998 page


def direct(answer) -> str:
    """The answer's first line, what it states ("答：231.8亿元。"), without working or sources."""
    return answer.text.split("\n")[0]
