"""Load on the HTTP API over loopback: N concurrent clients asking for T seconds (both bounded).

    python bench/bench_api.py [--clients 20] [--seconds 30] [--workers 1,2] [--url http://127.0.0.1:PORT]

Without --url it starts `assistant serve --workers W` on a free loopback port over the seed corpus
for each W in turn (conversations in a temporary SQLite file, shared by the workers), sends a few
seconds of unmeasured warm-up, measures, and stops it. Prints throughput, latency p50/p95/max and
the error count per W, then how W compares with the first. A third of the questions are follow-ups
("那安徽呢？" on the client's last conversation), so the conversation store is on the path.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as `python bench/bench_api.py`: tests/ is importable from the repo root

from tests.servers import free_port, stop_process_group  # noqa: E402

QUESTIONS = [
    "湖南援藏三年签约资金多少？", "湖北每年提供多少个公务员岗位？", "巴宜区2025年旅游收入多少？",
    "安徽签约资金多少？", "西藏籍群众在区外就业多少人？", "岳阳援藏工作组组长是谁？",
    "雪社区服装三厂合作社分红多少钱？", "阿里地区新增落地招商引资项目多少个？",
]
MAX_CLIENTS, MAX_SECONDS, MAX_WORKERS, WARM_UP_S = 64, 600, 8, 5


def start_server(workers: int, conversations: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # a session of its own: the workers are stopped with their parent
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
                                "--workers", str(workers), "--conversations", f"sqlite:{conversations}"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url + "/api/health", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.5)
    stop_process_group(process)
    sys.exit("server did not start")


def client(url: str, stop_at: float, latencies: list, errors: list, n: int) -> None:
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conversation = None
    i = n
    while time.time() < stop_at:
        body = {"question": QUESTIONS[i % len(QUESTIONS)]}
        if conversation and i % 3 == 0:
            body = {"question": "那安徽呢？", "conversation_id": conversation}
        i += 1
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/ask", json.dumps(body, ensure_ascii=False).encode(),
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            payload = response.read()
            if response.status != 200:
                errors.append(response.status)
                continue
            conversation = json.loads(payload)["conversation_id"]
            latencies.append((time.perf_counter() - started) * 1000)
        except (OSError, http.client.HTTPException, ValueError) as err:
            errors.append(type(err).__name__)
            conn.close()
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.close()


def load(url: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list = []
    stop_at = time.time() + seconds
    threads = [threading.Thread(target=client, args=(url, stop_at, latencies, errors, n)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
    return {
        "clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies), "errors": len(errors),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(p95, 1), "max_ms": round(ordered[-1], 1) if ordered else None,
        "error_kinds": sorted({str(e) for e in errors}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per server")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2")
    parser.add_argument("--url", help="measure this running server instead (loopback only)")
    args = parser.parse_args()
    clients, seconds = min(args.clients, MAX_CLIENTS), min(args.seconds, MAX_SECONDS)
    if args.url:
        if urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("load is only ever sent to loopback")
        print(json.dumps(load(args.url, clients, seconds), ensure_ascii=False))
        return
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for workers in [min(max(int(w), 1), MAX_WORKERS) for w in args.workers.split(",")]:
            process, url = start_server(workers, Path(scratch) / f"conversations-{workers}.sqlite3")
            try:
                load(url, clients, WARM_UP_S)  # every worker up and warm before measuring
                result = {"workers": workers, **load(url, clients, seconds)}
            finally:
                stop_process_group(process)
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    if len(results) > 1:  # throughput relative to the first worker count, on this many CPUs
        base = max(results[0]["throughput_rps"], 1e-9)
        print(json.dumps({"cpus": os.cpu_count(), "throughput_x": {
            f"workers_{r['workers']}": round(r["throughput_rps"] / base, 2) for r in results}}))

if __name__ == "__main__":
    main()
