"""The verifier: where the judge refuses, the figures it weighed are read again by a local language
model as yes/no questions, and the likeliest is stated only when the model's margins and the
judge's probabilities together pass the threshold fitted on dev. The model here is a stand-in;
the real one (`make local-llm`) is measured by bench/fit_verifier.py and `eval --verifier local`."""

from __future__ import annotations

import json
import re

import pytest

from assistant.answer import ExtractiveAnswerer
from assistant.chat import Conversation
from assistant.reader.judge import JUDGE_FEATURES, Judge, JudgeModel
from assistant.reader.trees import Trees
from assistant.reader.verifier import FEATURES, VERIFIER_FILE, RescueModel, Verifier, features

QUESTION = "湖南援藏3年来引进企业多少家？"


class SaysYes:
    """A stand-in model: the same margin for every prompt (or `to` one figure only, no to the
    rest), and the prompts it was shown."""

    def __init__(self, margin: float, to: str = "") -> None:
        self.margin = margin
        self.to = to
        self.prompts: list[str] = []

    def yes_margin(self, prompt: str) -> float:
        self.prompts.append(prompt)
        return self.margin if not self.to or f"“{self.to}”" in prompt else -self.margin


def by_margin(pool: int = 1) -> RescueModel:
    return RescueModel(bias=0.0, weights={"margin": 1.0}, threshold=0.5, pool=pool, trained_on={})


BY_MARGIN = by_margin()


def refusing_answerer(assistant, verifier: Verifier | None) -> ExtractiveAnswerer:
    refuses = JudgeModel("test", Trees.constant(JUDGE_FEATURES, 0.1), 0.5, 0.9)
    extractor = assistant.extractive.extractor
    return ExtractiveAnswerer(extractor, judge=Judge(extractor, refuses), verifier=verifier)


def ask(answerer: ExtractiveAnswerer, assistant, text: str):
    prepared = assistant.prepare(text, Conversation())
    return answerer.answer(prepared.question, prepared.hits, asked=text)


def test_a_figure_the_judge_refuses_is_stated_when_the_model_reads_it_as_the_one_asked(assistant):
    model = SaysYes(4.0)
    answer = ask(refusing_answerer(assistant, Verifier(model, BY_MARGIN)), assistant, QUESTION)
    assert answer.text.startswith("答：71家"), answer.text
    assert answer.citations  # stated with its source, as any answer
    (prompt,) = model.prompts  # one reading, of the first candidate: the question, its sentence, its figure
    assert "71家" in prompt and "湖南援藏3年来引进企业多少家" in prompt and "引进" in prompt


def test_a_model_that_says_no_leaves_the_refusal(assistant):
    answer = ask(refusing_answerer(assistant, Verifier(SaysYes(-4.0), BY_MARGIN)), assistant, QUESTION)
    assert answer.text.startswith("资料中没有找到"), answer.text


def test_without_a_verifier_the_judge_decides_alone(assistant):
    answer = ask(refusing_answerer(assistant, None), assistant, QUESTION)
    assert answer.text.startswith("资料中没有找到"), answer.text


def test_an_answer_the_judge_lets_stand_is_not_read_again(assistant):
    model = SaysYes(-4.0)
    extractor = assistant.extractive.extractor
    sure = JudgeModel("test", Trees.constant(JUDGE_FEATURES, 0.9), 0.5, 0.9)
    answerer = ExtractiveAnswerer(extractor, judge=Judge(extractor, sure), verifier=Verifier(model, BY_MARGIN))
    assert ask(answerer, assistant, QUESTION).text.startswith("答：71家")
    assert model.prompts == []  # no model call for a question the judge answers


def test_among_the_figures_weighed_the_one_the_model_reads_as_asked_is_stated(assistant):
    """Not the rule scorer's first: a paraphrase often ranks its figure second or third on words."""
    every = SaysYes(4.0)
    first = ask(refusing_answerer(assistant, Verifier(every, by_margin(3))), assistant, QUESTION)
    assert first.text.startswith("答：71家")  # a tie goes to the rule scorer's first
    weighed = [re.search(r"原文里的“(.+?)”", p).group(1) for p in every.prompts]
    assert len(weighed) == 3 and weighed[0] == "71家"
    # the last figure weighed that may answer "多少家" (a head count never does: counts_another_thing)
    later = next(w for w in reversed(weighed[1:]) if not re.search(r"[名人]$", w))
    model = SaysYes(4.0, to=later)
    answer = ask(refusing_answerer(assistant, Verifier(model, by_margin(3))), assistant, QUESTION)
    assert answer.text.startswith(f"答：{later}"), answer.text
    # and where the model says yes to a head count alone, the answer is a refusal, not 95名 for 多少家
    heads = [w for w in weighed[1:] if re.search(r"[名人]$", w)]
    if heads:
        model = SaysYes(4.0, to=heads[0])
        answer = ask(refusing_answerer(assistant, Verifier(model, by_margin(3))), assistant, QUESTION)
        assert answer.text.startswith("资料中没有找到"), answer.text


def test_a_candidate_is_surer_when_the_model_says_no_to_its_neighbours():
    lone, crowded = features([3.0, -2.0], [0.4, 0.4], False)[0], features([3.0, 2.9], [0.4, 0.4], False)[0]
    assert lone["margin_lead"] == 5.0 and abs(crowded["margin_lead"] - 0.1) < 1e-9
    rescue = RescueModel(bias=-2.0, weights={"margin": 0.5, "margin_lead": 0.5, "judge": 2.0}, threshold=0.7,
                         pool=3, trained_on={})
    assert rescue.probability(lone) > 0.7 > rescue.probability(crowded)
    assert features([1.0], [0.6], True) == [{"margin": 1.0, "margin_lead": 1.0, "judge": 0.6, "judge_lead": 0.6,
                                              "first": 1.0, "rules": 1.0}]


def test_the_shipped_rescue_model_was_fitted_on_dev():
    data = json.loads(VERIFIER_FILE.read_text(encoding="utf-8"))
    assert data["trained_on"]["split"] == "dev" and data["weights"]["margin"] > 0
    model = RescueModel.load()
    assert 0.5 <= model.threshold < 1.0 and model.pool >= 1
    assert set(model.weights) <= set(FEATURES)
    sure, unsure = (features([m, -3.0], [0.6, 0.2], True)[0] for m in (5.0, -5.0))
    assert model.probability(sure) > model.probability(unsure)


def test_asking_for_the_local_verifier_without_the_model_says_what_to_run(tmp_path):
    from assistant.reader.verifier import local_verifier

    with pytest.raises((FileNotFoundError, ImportError), match="make local-llm|GGUF|gguf"):
        local_verifier(str(tmp_path / "missing.gguf"))


@pytest.mark.slow
def test_the_local_model_gives_a_yes_no_margin():
    """Runs only where `make local-llm` has put the model and its runtime on this machine."""
    import importlib.util
    import math

    from assistant.local_llm import MODEL_FILE
    from assistant.reader.verifier import PROMPT, local_verifier

    if not MODEL_FILE.exists() or importlib.util.find_spec("ik_llama_cpp") is None:
        pytest.skip("local model not installed (make local-llm)")
    model = local_verifier().model
    sentence = "湖南援藏3年签约资金80.7亿元，引进企业71家。"
    asked, other = (model.yes_margin(PROMPT.format(figure=f, sentence=sentence, question="湖南援藏三年签约资金多少？"))
                    for f in ("80.7亿元", "71家"))
    assert math.isfinite(asked) and asked > 0  # the figure printed for the very thing asked
    assert asked > other


def test_the_command_line_says_what_to_install_instead_of_a_traceback(seed_settings, seed_index, tmp_path, capsys):
    from assistant.cli import main

    missing = tmp_path / "missing.gguf"
    for flags in (["--verifier", "local"], ["--llm", "local"]):
        code = main([*flags, "--gguf", str(missing), "--corpus", str(seed_settings.corpus_dirs[0]),
                     "--index-dir", str(seed_settings.index_dir), "ask", "湖南援藏三年签约资金多少？"])
        assert code == 2 and "make local-llm" in capsys.readouterr().err


def test_a_local_generative_backend_and_the_verifier_share_one_model(seed_settings, seed_index):
    """`--llm local --verifier local` loads the 1.1 GB model once: the verifier reads with the
    generator's (whose lock makes them take turns)."""
    from assistant.chat import Assistant
    from assistant.local_llm import LocalGGUF

    generator = LocalGGUF()  # not loaded: nothing here calls it
    assistant = Assistant(seed_settings.with_(llm="local", verifier="local"), seed_index, llm=generator)
    assert assistant.extractive.verifier is not None and assistant.extractive.verifier.model is generator
