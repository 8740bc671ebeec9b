"""The judge: on the rule scorer's candidates, the answer or the refusal is decided by weights
fitted on dev, with a threshold chosen out of fold where a wrong answer costs two refusals."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.chat import Assistant, Conversation
from assistant.reader.judge import BY_MEANING, JUDGE_FEATURES, SHORTLIST, Judge, JudgeModel, answer_key
from assistant.reader.scorer import Head
from assistant.reader.train_judge import JudgedQuestion, choose_threshold, outcomes


def ranked(assistant, text: str):
    prepared = assistant.prepare(text, Conversation())
    return prepared.question, assistant.extractive.extractor.candidates(prepared.question, prepared.hits)


def constant_head(probability: float, threshold: float) -> Head:
    n = len(JUDGE_FEATURES)
    logit = float(np.log(probability / (1 - probability)))
    return Head(JUDGE_FEATURES, np.zeros(n), np.ones(n), np.zeros(n), logit, threshold)


def test_the_shortlist_holds_distinct_answers_with_their_evidence(assistant):
    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    judge = Judge(assistant.extractive.extractor)
    listed = judge.shortlist(question, found, found[0])
    keys = [answer_key(s.candidate) for s in listed]
    assert len(keys) == len(set(keys)) and len(listed) <= SHORTLIST + 1 + BY_MEANING
    assert listed[0].candidate is found[0]  # the rule scorer's best is always weighed
    rows = np.vstack([s.features for s in listed])
    assert rows.shape == (len(listed), len(JUDGE_FEATURES)) and np.isfinite(rows).all()
    first = rows[0]
    assert first[JUDGE_FEATURES.index("is_rule_first")] == 1.0 and first[JUDGE_FEATURES.index("score_gap")] == 0.0
    assert 0.5 < first[JUDGE_FEATURES.index("clause_meaning")] <= 1.0  # the clause vectors stored at index time


def test_a_word_the_pages_never_print_is_evidence_of_other_words(assistant):
    judge = Judge(assistant.extractive.extractor)
    question, _ = ranked(assistant, "湖南援藏3年来拉来了多少家企业？")
    plain, _ = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    assert judge.unprinted_share(question) > judge.unprinted_share(plain) == 0.0


def test_without_a_fitted_head_the_rule_pick_stands_and_the_shortlist_is_collected(assistant):
    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    seen = []
    judge = Judge(assistant.extractive.extractor, None, sink=lambda q, listed, pick: seen.append((listed, pick)))
    assert judge.choose(question, found, found[0])[0] is found[0]
    assert judge.choose(question, found, None)[0] is None
    assert len(seen) == 2 and seen[0][1] is found[0]


def test_the_judge_lets_the_rule_answer_stand_at_its_threshold_and_never_adds_one(assistant):
    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    sure = Judge(assistant.extractive.extractor, constant_head(0.9, 0.5))
    unsure = Judge(assistant.extractive.extractor, constant_head(0.3, 0.5))
    assert sure.choose(question, found, found[0])[0] is found[0]
    assert sure.choose(question, found, None)[0] is None  # what the rules refuse stays refused
    picked, probability = unsure.choose(question, found, found[0])
    assert picked is None and probability == pytest.approx(0.3)


def test_the_threshold_is_the_best_utility_out_of_fold():
    def asked(answerable: bool, right: bool, pick: int | None = 0) -> JudgedQuestion:
        return JudgedQuestion("q", answerable, np.zeros((1, len(JUDGE_FEATURES))), np.array([right]), pick)

    questions = [asked(True, True), asked(True, False), asked(False, False), asked(True, True), asked(True, True, None)]
    probabilities = [np.array([0.9]), np.array([0.6]), np.array([0.5]), np.array([0.7]), np.array([0.99])]
    # from 0.7 the two right answers stand and nothing wrong; from 0.6 one wrong costs two refusals; the
    # question the rules refuse stays refused whatever its probability
    assert choose_threshold(questions, probabilities) == pytest.approx(0.7)
    assert outcomes(questions, probabilities, 0.7) == (3, 0, 2)  # the unanswerable one, refused, is right
    assert outcomes(questions, probabilities, 0.5) == (2, 2, 1)


def test_the_shipped_judge_was_fitted_on_this_evidence():
    model = JudgeModel.load()
    assert model.head.features == JUDGE_FEATURES and 0.0 < model.head.threshold < 1.0
    assert model.trained_on["dev_questions"]


def test_a_model_fitted_on_other_evidence_is_refused(tmp_path):
    model = JudgeModel.load()
    stale = JudgeModel(model.version, Head(("coverage",), np.zeros(1), np.ones(1), np.zeros(1), 0.0, 0.5))
    stale.save(tmp_path / "judge.json")
    with pytest.raises(ValueError, match="train-reader"):
        JudgeModel.load(tmp_path / "judge.json")


def test_the_judged_reader_answers_with_citations(seed_settings, seed_index):
    judged = Assistant(seed_settings.with_(reader="judged"), seed_index)
    assert judged.extractive.judge is not None
    answer = judged.ask("湖南援藏3年来引进企业多少家？")
    assert "71家" in answer.text.split("\n")[0] and answer.citations
