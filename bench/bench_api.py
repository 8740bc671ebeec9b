"""Load on the HTTP API over loopback: N concurrent clients asking for T seconds (both bounded).

    python bench/bench_api.py [--clients 20] [--seconds 120] [--url http://127.0.0.1:PORT]

Without --url it starts `assistant serve` on a free loopback port over the seed corpus and stops it
afterwards. Prints throughput, latency p50/p95/max and the error count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "湖南援藏三年签约资金多少？", "湖北每年提供多少个公务员岗位？", "巴宜区2025年旅游收入多少？",
    "安徽签约资金多少？", "西藏籍群众在区外就业多少人？", "岳阳援藏工作组组长是谁？",
    "雪社区服装三厂合作社分红多少钱？", "阿里地区新增落地招商引资项目多少个？",
]
MAX_CLIENTS, MAX_SECONDS = 64, 600


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/api/health", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--url")
    args = parser.parse_args()
    clients, seconds = min(args.clients, MAX_CLIENTS), min(args.seconds, MAX_SECONDS)
    process, url = (None, args.url) if args.url else start_server()
    if urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("load is only ever sent to loopback")
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
    if process is not None:
        process.terminate()
        process.wait(timeout=10)
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
    print(json.dumps({
        "clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies), "errors": len(errors),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(p95, 1), "max_ms": round(ordered[-1], 1) if ordered else None,
        "error_kinds": sorted({str(e) for e in errors}),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
