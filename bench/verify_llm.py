"""How well the verifier judges a generative backend's drafts, on dev questions (never test).

    python bench/verify_llm.py --suite seeds --sample eval/llm_sample_dev.jsonl --drafts eval/llm/drafts-seeds.jsonl [--generate]

`--generate` runs the local model (`make local-llm`) over the sample and records its drafts; without
it, the recorded drafts are replayed through the current verifier (the model is greedy, so a replay
judges exactly what it wrote, in seconds instead of ten minutes). Prints and writes to
eval/llm/verification.json: of the drafts that state the gold figure, the share kept; of the drafts
that state a wrong figure or answer an unanswerable question, the share caught; and the resulting
accuracy and confident-wrong rate beside the extractive reader's on the same questions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import offline_environment  # noqa: E402


def replaying_llm():
    from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
    from llama_index.core.llms.callbacks import llm_completion_callback

    class Replay(CustomLLM):
        """Answers every prompt with the draft recorded for the question being asked."""

        draft: str = ""

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(context_window=4096, num_output=256, model_name="replay")

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs) -> CompletionResponse:
            return CompletionResponse(text=self.draft)

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs):
            yield CompletionResponse(text=self.draft, delta=self.draft)

    return Replay()


def score(pairs: list[tuple[dict, dict]], index) -> dict:
    from assistant.evaluate import score_row, squash, summarise

    scored = []
    for row, result in pairs:
        quote = squash(row.get("source_quote") or "")
        gold = {p.paragraph_id for p in index.paragraphs if quote and quote in squash(p.text)}
        scored.append(score_row(row, result, gold))
    m = summarise(scored)
    wrong = sum(1 for s in scored if not s.correct and not s.result.get("refused")) / max(len(scored), 1)
    return {"accuracy": m["accuracy"], "confident_wrong": round(wrong, 4), "false_refusals": m["false_refusals"],
            "number_fidelity": m["number_fidelity"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", default="seeds")
    parser.add_argument("--sample", type=Path, required=True)
    parser.add_argument("--drafts", type=Path, required=True)
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "llm" / "verification.json")
    args = parser.parse_args()
    offline_environment()
    from assistant.chat import Assistant, answer_record
    from assistant.index import open_index
    from assistant.reader.train import suite_settings
    from assistant.verification import verification_table

    rows = [json.loads(line) for line in args.sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    if any(r.get("split") != "dev" for r in rows):
        sys.exit("只在 dev 问题上衡量核对器（test 集不用于调整）")
    settings = suite_settings(args.suite)
    index = open_index(settings)
    if args.generate:
        local = Assistant(settings.with_(llm="local"), index)
        args.drafts.parent.mkdir(parents=True, exist_ok=True)
        with open(args.drafts, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(answer_record(local, row), ensure_ascii=False) + "\n")
    recorded = {r["id"]: r for r in map(json.loads, args.drafts.read_text(encoding="utf-8").splitlines())}
    llm = replaying_llm()
    generative = Assistant(settings.with_(llm="openai-like"), index, llm=llm)
    generative.answerer.rewrite = lambda history, question: question  # follow-ups as the extractive path resolves them
    extractive = Assistant(settings, index)
    pairs, baseline = [], []
    for row in rows:
        if row["id"] not in recorded:
            continue
        llm.draft = recorded[row["id"]].get("draft", "")
        pairs.append((row, answer_record(generative, row)))
        baseline.append((row, answer_record(extractive, row)))
    table = verification_table(pairs)
    report = {"suite": args.suite, "sample": args.sample.name, "questions": len(pairs), **table,
              "generative": score(pairs, index), "extractive": score(baseline, index)}
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    previous[args.suite] = report
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(previous, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
