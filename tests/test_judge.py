"""The judge: on the rule scorer's candidates, the answer or the refusal is decided by boosted
trees fitted on dev, with two thresholds chosen out of fold where a wrong answer costs three
refusals: one for the rule pick, one for answering where the rules refuse."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.chat import Assistant, Conversation
from assistant.reader.candidates import time_marks
from assistant.reader.judge import BY_MEANING, JUDGE_FEATURES, SHORTLIST, Judge, JudgeModel, answer_key
from assistant.reader.train_judge import JudgedQuestion, choose_thresholds, outcomes
from assistant.reader.trees import Trees


def ranked(assistant, text: str):
    prepared = assistant.prepare(text, Conversation())
    return prepared.question, assistant.extractive.extractor.candidates(prepared.question, prepared.hits)


def constant_model(probability: float, threshold: float, rescue: float = 1.0) -> JudgeModel:
    return JudgeModel("test", Trees.constant(JUDGE_FEATURES, probability), threshold, rescue)


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


def test_the_sentence_before_counts_for_the_question_words_as_the_rules_count_it(assistant):
    """"其中出口749亿美元": whose figure it is, printed in the sentence before, is not a word missing."""
    from dataclasses import replace

    from assistant.text import normalise, share_heads

    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    judge = Judge(assistant.extractive.extractor)
    best = found[0]
    plain = share_heads(normalise(best.sentence))
    assert "援藏" not in plain and judge._terms(question, best, plain)["missing_near"] > 0
    assert judge._terms(question, replace(best, antecedent="湖南援藏三年来"), plain)["missing_near"] == 0


def test_a_sentence_naming_no_one_is_weighed_as_such_for_a_who_question(assistant):
    question, found = ranked(assistant, "岳阳援藏工作组组长是谁？")
    judge = Judge(assistant.extractive.extractor)
    rows = {s.candidate.sentence: s.features[JUDGE_FEATURES.index("names_one")]
            for s in judge.shortlist(question, found, found[0])}
    assert any(v == 1.0 for sentence, v in rows.items() if "彭典" in sentence)
    assert all(v == 0.0 for sentence, v in rows.items() if "彭典" not in sentence and "组长" not in sentence)


def test_a_word_the_pages_never_print_is_evidence_of_other_words(assistant):
    judge = Judge(assistant.extractive.extractor)
    question, _ = ranked(assistant, "湖南援藏3年来拉来了多少家企业？")
    plain, _ = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    assert judge.unprinted_share(question) > judge.unprinted_share(plain) == 0.0


def test_without_a_fitted_head_the_rule_pick_stands_and_the_shortlist_is_collected(assistant):
    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    seen = []
    judge = Judge(assistant.extractive.extractor, None, sink=lambda q, listed, pick: seen.append((listed, pick)))
    assert judge.choose(question, found, found[0]).answer is found[0]
    assert judge.choose(question, found, None).answer is None
    assert len(seen) == 2 and seen[0][1] is found[0]


def test_the_judge_lets_the_rule_answer_stand_at_its_threshold(assistant):
    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    sure = Judge(assistant.extractive.extractor, constant_model(0.9, 0.5))
    unsure = Judge(assistant.extractive.extractor, constant_model(0.3, 0.5))
    assert sure.choose(question, found, found[0]).answer is found[0]
    assert sure.choose(question, found, None).answer is None  # below the rescue threshold, refused stays refused
    verdict = unsure.choose(question, found, found[0])
    assert verdict.answer is None and verdict.probability == pytest.approx(0.3)


def test_where_the_rules_refuse_the_judge_states_its_best_only_above_the_rescue_threshold(assistant):
    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    rescuing = Judge(assistant.extractive.extractor, constant_model(0.8, 0.5, rescue=0.75))
    verdict = rescuing.choose(question, found, None)
    assert verdict.answer is found[0] and verdict.probability == pytest.approx(0.8)  # all tie: the rule scorer's first
    strict = Judge(assistant.extractive.extractor, constant_model(0.7, 0.5, rescue=0.75))
    assert strict.choose(question, found, None).answer is None
    assert strict.choose(question, found, found[0]).answer is found[0]  # the rule pick has a threshold of its own


def test_a_figure_sharing_no_word_with_the_question_is_never_rescued(assistant):
    """However sure the trees are, a figure the rules refuse is stated only where some of the
    question is printed around it."""
    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    sure = Judge(assistant.extractive.extractor, constant_model(0.99, 0.5, rescue=0.6))
    assert sure.choose(question, found, None).answer is found[0]
    for c in found:
        c.coverage = 0.0
    assert sure.choose(question, found, None).answer is None


def test_times_agree_by_what_they_mean_not_how_they_are_printed():
    """In a 1998 paper 去年 is 1997; "前11个月" and "1—11月" are one period, and "全年" another."""
    assert time_marks("去年前11个月", 1998) == ({"1997"}, {"1-11月"})
    assert time_marks("1997年1—11月全国财政支出", 1998) == ({"1997"}, {"1-11月"})
    assert time_marks("今年一季度", 1998) == ({"1998"}, {"Q1"})
    assert time_marks("本报北京1月13日讯 全年", 1998) == (set(), {"全年"})  # a dateline is no period


def test_the_thresholds_are_the_best_utility_out_of_fold():
    def asked(answerable: bool, right: list[bool], pick: int | None = 0) -> JudgedQuestion:
        features = np.zeros((len(right), len(JUDGE_FEATURES)))
        features[:, JUDGE_FEATURES.index("coverage")] = 0.5  # some of the question printed around each
        return JudgedQuestion("q", answerable, features, np.array(right), pick)

    questions = [asked(True, [True]), asked(True, [False]), asked(False, [False]), asked(True, [True]),
                 asked(True, [False, True], None), asked(False, [False], None)]
    probabilities = [np.array([0.9]), np.array([0.6]), np.array([0.5]), np.array([0.7]),
                     np.array([0.3, 0.85]), np.array([0.62])]
    # the rule picks: from 0.625 both right answers stand and nothing wrong; where the rules refuse, the
    # judge's best (0.85, right) is worth stating and the unanswerable one (0.62) is not
    threshold, rescue = choose_thresholds(questions, probabilities)
    assert 0.6 < threshold <= 0.7 and 0.62 < rescue <= 0.85
    assert outcomes(questions, probabilities, threshold, rescue) == (5, 0, 1)
    assert outcomes(questions, probabilities, threshold) == (4, 0, 2)  # without rescue: refused
    assert outcomes(questions, probabilities, 0.5, 0.6) == (3, 3, 0)


def test_the_trees_read_with_numpy_give_what_scikit_learn_gives():
    from sklearn.ensemble import HistGradientBoostingClassifier

    from assistant.reader.trees import TREE_PARAMETERS

    rng = np.random.default_rng(0)
    rows = rng.normal(size=(600, 4))
    labels = (rows[:, 0] + rows[:, 1] * rows[:, 2] > 0).astype(int)
    rows[::17, 3] = np.nan  # a missing value follows the side the fit chose for it
    trees = Trees.fit(("a", "b", "c", "d"), rows, labels)
    fitted = HistGradientBoostingClassifier(**TREE_PARAMETERS).fit(rows, labels)
    assert np.allclose(trees.probability(rows), fitted.predict_proba(rows)[:, 1], atol=1e-12)
    again = Trees.from_dict(json.loads(json.dumps(trees.to_dict())))
    assert np.array_equal(again.probability(rows), trees.probability(rows))


def test_the_shipped_judge_was_fitted_on_this_evidence():
    model = JudgeModel.load()
    assert model.trees.features == JUDGE_FEATURES and model.trees.trees
    assert 0.0 < model.threshold < 1.0 and 0.0 < model.rescue_threshold <= 1.0
    assert model.trained_on["dev_questions"]


def test_a_model_fitted_on_other_evidence_is_refused(tmp_path):
    model = JudgeModel.load()
    stale = JudgeModel(model.version, Trees.constant(("coverage",), 0.5), 0.5, 0.9)
    stale.save(tmp_path / "judge.json")
    with pytest.raises(ValueError, match="train-reader"):
        JudgeModel.load(tmp_path / "judge.json")


def test_the_judged_reader_answers_with_citations(seed_settings, seed_index):
    judged = Assistant(seed_settings.with_(reader="judged"), seed_index)
    assert judged.extractive.judge is not None
    answer = judged.ask("湖南援藏3年来引进企业多少家？")
    assert "71家" in answer.text.split("\n")[0] and answer.citations


def test_a_refusal_keeps_the_candidates_the_judge_found_closest_most_probable_first(assistant):
    """What the judge weighed and could not be sure of is what a refusal shows as related: a
    paraphrase shares too few printed words with the question for the rule scorer's coverage."""
    question, found = ranked(assistant, "湖南援藏3年来引进企业多少家？")
    unsure = Judge(assistant.extractive.extractor, constant_model(0.3, 0.5))
    verdict = unsure.choose(question, found, found[0])
    assert verdict.answer is None and verdict.closest and verdict.closest[0] is found[0]
    hopeless = Judge(assistant.extractive.extractor, constant_model(0.05, 0.5))
    assert hopeless.choose(question, found, found[0]).closest == []  # too improbable to show


def test_a_refused_question_shows_the_closest_sentence_marked_as_not_the_answer(assistant):
    from assistant.answer import ExtractiveAnswerer

    prepared = assistant.prepare("湖南援藏3年来引进企业多少家？", Conversation())
    extractor = assistant.extractive.extractor
    unsure = ExtractiveAnswerer(extractor, judge=Judge(extractor, constant_model(0.3, 0.5)))
    answer = unsure.answer(prepared.question, prepared.hits, asked=prepared.asked)
    assert answer.refused and "未用作答案" in answer.text
    best = extractor.candidates(prepared.question, prepared.hits)[0]
    assert best.paragraph.paragraph_id in {c.paragraph_id for c in answer.citations}
    assert "答：" not in answer.text
