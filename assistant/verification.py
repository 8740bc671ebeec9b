"""How well the verifier in front of a generative backend judges drafts, from answer records that
carry the model's draft (`assistant --llm … eval`): of the drafts that state the gold figure, the
share kept; of the drafts that state a wrong figure or answer an unanswerable question, the share
caught. A verifier that throws away right drafts costs users answers; one that lets wrong ones
through shows them false figures."""

from __future__ import annotations

from .evaluate import body_of, expected_refusal
from .figures import find_figures, same_figure
from .llm import REFUSAL
from .verify import stated_figures


def draft_verdict(row: dict, result: dict) -> str | None:
    """right | wrong | refusal | None (no draft: the extractive backend)."""
    draft = result.get("draft") or ""
    if not draft:
        return None
    if draft.strip().startswith(REFUSAL):
        return "refusal"
    if expected_refusal(row):
        return "wrong"  # an answer to a question the pages do not answer
    stated = stated_figures(body_of(draft))
    wanted = [f for a in row.get("accept") or [row["answer"]] for f in find_figures(a, bare_numerals=True)[:1]]
    if wanted and any(same_figure(w, s) for w in wanted for s in stated):
        return "right"
    if wanted:
        return "wrong" if stated else None  # no figure at all: neither right nor a false figure
    return None


def verification_table(pairs: list[tuple[dict, dict]]) -> dict:
    """Counts and shares over (question row, answer record) pairs."""
    right = [r for q, r in pairs if draft_verdict(q, r) == "right"]
    wrong = [r for q, r in pairs if draft_verdict(q, r) == "wrong"]
    kept = sum(1 for r in right if not r.get("replaced"))
    caught = sum(1 for r in wrong if r.get("replaced"))
    return {
        "drafts": sum(1 for q, r in pairs if r.get("draft")),
        "drafts_with_gold_figure": len(right),
        "kept": kept,
        "kept_share": round(kept / len(right), 4) if right else None,
        "drafts_wrong_or_answering_unanswerable": len(wrong),
        "caught": caught,
        "caught_share": round(caught / len(wrong), 4) if wrong else None,
        "replaced": sum(1 for q, r in pairs if r.get("replaced")),
    }
