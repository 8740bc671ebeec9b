"""A bounded fuzzer for `assistant serve`, over loopback only: hostile and broken requests of every
kind the outside security test tried, plus random ones. It prints counts by status code and by
kind of input, 5xx responses, crashes (the server process died), hangs (no answer in 10 s), and
the server's RSS before and after.

    python bench/fuzz_api.py [--requests 3000] [--seconds 300] [--clients 4] [--seed 1]

Exit status 1 when any request got a 5xx, the server crashed, or a request hung.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "fuzz-admin-token"
HANG_S = 10.0
EXPANDING = [chr(c) for c in range(0x110000)
             if not 0xD800 <= c <= 0xDFFF and len(unicodedata.normalize("NFKC", chr(c))) > 3]
WORDS = ["湖南", "援藏", "签约资金", "多少", "那安徽呢", "？", "2025年", "亿元", "%", "巴宜区", "旅游收入", "同比"]


class Request:
    def __init__(self, kind: str, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                 chunked: bool = False) -> None:
        self.kind, self.method, self.path, self.body = kind, method, path, body
        self.headers, self.chunked = headers or {}, chunked


def random_text(rng: random.Random, n: int) -> str:
    pools = [lambda: rng.choice(WORDS), lambda: rng.choice(EXPANDING), lambda: chr(rng.randrange(0x20, 0x3000)),
             lambda: chr(rng.randrange(0x3000, 0x110000)), lambda: rng.choice("\x00\x07\n\t\u200b\ufeff\u202e")]
    return "".join(rng.choice(pools)() for _ in range(n))


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "fuzz" + os.urandom(6).hex()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/markdown\r\n\r\n").encode("utf-8", "surrogatepass") + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def ask_requests(rng: random.Random) -> Request:
    choice = rng.randrange(12)
    json_headers = {"Content-Type": "application/json"}
    if choice == 0:
        return Request("ask: expanding chars", "POST", "/api/ask",
                       json.dumps({"question": rng.choice(EXPANDING) * rng.randrange(1, 500)}).encode(), json_headers)
    if choice == 1:
        return Request("ask: random unicode", "POST", "/api/ask",
                       json.dumps({"question": random_text(rng, rng.randrange(1, 400))}).encode(), json_headers)
    if choice == 2:
        raw = '{"question": "湖南\\ud800援藏' + "\\udfff" * rng.randrange(3) + '"}'
        return Request("ask: lone surrogates", "POST", "/api/ask", raw.encode(), json_headers)
    if choice == 3:
        raw = b'{"question": "' + bytes(rng.randrange(0x80, 0x100) for _ in range(rng.randrange(1, 40))) + b'"}'
        return Request("ask: invalid utf-8", "POST", "/api/ask", raw, json_headers)
    if choice == 4:
        body = json.dumps({"question": "长" * rng.randrange(400, 40_000)}).encode()
        return Request("ask: long", "POST", "/api/ask", body, json_headers)
    if choice == 5:
        return Request("ask: chunked huge", "POST", "/api/ask", b"x" * rng.randrange(100_000, 3_000_000),
                       json_headers, chunked=True)
    if choice == 6:
        value = rng.choice([42, None, [], {}, ["湖南"], True, 1e308, "", " ", {"a": [1] * 100}])
        return Request("ask: wrong types", "POST", "/api/ask", json.dumps({"question": value}).encode(), json_headers)
    if choice == 7:
        depth = rng.randrange(10, 5000)
        return Request("ask: deep nesting", "POST", "/api/ask", ("[" * depth + "]" * depth).encode(), json_headers)
    if choice == 8:
        body = json.dumps({"question": "那安徽呢？", "conversation_id": random_text(rng, rng.randrange(1, 100))}).encode()
        return Request("ask: odd conversation id", "POST", "/api/ask", body, json_headers)
    if choice == 9:
        return Request("ask: garbage", "POST", "/api/ask", os.urandom(rng.randrange(0, 5000)),
                       {"Content-Type": rng.choice(["application/json", "text/plain", "multipart/form-data"])})
    if choice == 10:
        question = "".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 8)))
        return Request("ask: plausible", "POST", "/api/ask", json.dumps({"question": question}).encode(), json_headers)
    return Request("ask: control chars", "POST", "/api/ask",
                   json.dumps({"question": "问" + "".join(chr(rng.randrange(0, 32)) for _ in range(5))}).encode(),
                   json_headers)


def upload_requests(rng: random.Random) -> Request:
    choice = rng.randrange(10)
    token = {"Authorization": f"Bearer {TOKEN}"}
    if choice == 0:
        body, ctype = multipart("a.md", "## 标题\n\n某县新建学校3所。".encode())
        auth = rng.choice([{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}, {"Authorization": ""}])
        return Request("ingest: no or bad token", "POST", "/api/ingest", body, {"Content-Type": ctype, **auth})
    if choice == 1:
        return Request("ingest: unauthenticated chunked", "POST", "/api/ingest", b"x" * 2_000_000,
                       {"Content-Type": "multipart/form-data; boundary=x"}, chunked=True)
    if choice == 2:
        name = rng.choice(["..", "../", "../../etc/passwd", ".md", "", "a.pdf", "\u202e.md", "con.md", "a" * 500 + ".md"])
        body, ctype = multipart(name, "## 标题\n\n某县新建学校3所。".encode())
        return Request("ingest: bad names", "POST", "/api/ingest", body, {"Content-Type": ctype, **token})
    if choice == 3:
        content = bytes([rng.randrange(256)]) * rng.randrange(1000, 40_000)
        body, ctype = multipart("repeat.md", content)
        return Request("ingest: repeated byte", "POST", "/api/ingest", body, {"Content-Type": ctype, **token})
    if choice == 4:
        body, ctype = multipart("poison.md", ("## 标题\n\n" + rng.choice(EXPANDING) * 100 + "\n\n某县新建学校3所。").encode())
        return Request("ingest: expanding chars", "POST", "/api/ingest", body, {"Content-Type": ctype, **token})
    if choice == 5:
        body, ctype = multipart("many.md", ("## 标题\n\n" + "\n\n".join(f"第{i}段。" for i in range(5000))).encode())
        return Request("ingest: too many paragraphs", "POST", "/api/ingest", body, {"Content-Type": ctype, **token})
    if choice == 6:
        return Request("ingest: not multipart", "POST", "/api/ingest", os.urandom(rng.randrange(0, 3000)),
                       {"Content-Type": rng.choice(["application/json", "multipart/form-data", "text/plain"]), **token})
    if choice == 7:
        return Request("ingest: unknown job", "GET", "/api/ingest/" + os.urandom(6).hex(), headers=token)
    if choice == 8:  # a PDF, DOCX or HTML page that is only its file header and noise
        name, head = rng.choice([("a.pdf", b"%PDF-1.4\n1 0 obj\n<<"), ("a.docx", b"PK\x03\x04"), ("a.html", b"<html><body>")])
        body, ctype = multipart(name, head + os.urandom(rng.randrange(0, 5000)))
        return Request("ingest: broken documents", "POST", "/api/ingest", body, {"Content-Type": ctype, **token})
    body, ctype = multipart("binary.md", os.urandom(rng.randrange(10, 5000)))
    return Request("ingest: random bytes", "POST", "/api/ingest", body, {"Content-Type": ctype, **token})


def page_requests(rng: random.Random) -> Request:
    choice = rng.randrange(6)
    json_headers = {"Content-Type": "application/json"}
    if choice == 0:
        body = {"fn_index": rng.choice([99, -1, 2**40, 0, 3]), "data": [random_text(rng, 5)],
                "session_hash": os.urandom(4).hex()}
        return Request("page: run/predict", "POST", "/gradio_api/run/predict", json.dumps(body).encode(), json_headers)
    if choice == 1:
        body = {"fn_index": rng.choice([99, 0, 1, 5]), "data": [random_text(rng, 5), [], None],
                "session_hash": os.urandom(4).hex(), "trigger_id": rng.randrange(100)}
        return Request("page: queue/join", "POST", "/gradio_api/queue/join", json.dumps(body).encode(), json_headers)
    if choice == 2:
        return Request("page: call unknown", "POST", f"/gradio_api/call/{os.urandom(3).hex()}",
                       json.dumps({"data": []}).encode(), json_headers)
    if choice == 3:
        return Request("page: chunked huge", "POST", "/gradio_api/queue/join", b"{" * 1_000_000, json_headers,
                       chunked=True)
    if choice == 4:
        path = "/api/paragraphs/" + rng.choice(["..%2F..%2Fetc%2Fpasswd", "x" * 5000, "%00", "001_0d3c75e96ce2502d-p022"])
        return Request("read: paragraphs", "GET", path)
    path = rng.choice(["/", "/api/health", "/docs", "/openapi.json", "/../../etc/passwd", "/gradio_api/file=/etc/passwd",
                       "/api/" + "x" * 3000, "/gradio_api/info", "/config"])
    return Request("read: paths", rng.choice(["GET", "HEAD", "OPTIONS", "DELETE", "PUT"]), path)


def send(base: tuple[str, int], req: Request) -> tuple[int | None, float]:
    """Raw HTTP/1.1 over a socket: stops sending once the server has answered (an early 413/401)."""
    started = time.monotonic()
    try:
        with socket.create_connection(base, timeout=HANG_S) as sock:
            head = [f"{req.method} {req.path} HTTP/1.1", f"Host: {base[0]}:{base[1]}", "Connection: close"]
            head += [f"{k}: {v}" for k, v in req.headers.items()]
            if req.chunked:
                head.append("Transfer-Encoding: chunked")
            elif req.body or req.method in ("POST", "PUT"):
                head.append(f"Content-Length: {len(req.body)}")
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("utf-8", "surrogatepass"))
            step = 65536
            for start in range(0, len(req.body), step):
                if select.select([sock], [], [], 0)[0]:
                    break
                piece = req.body[start: start + step]
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if req.chunked else piece)
            else:
                if req.chunked:
                    sock.sendall(b"0\r\n\r\n")
            reply = sock.recv(64)
            status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else None
    except TimeoutError:
        return -1, time.monotonic() - started  # hang
    except (BrokenPipeError, ConnectionResetError, OSError):
        status = None  # the server closed early; judged by whether it is still alive
    return status, time.monotonic() - started


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(work: Path) -> tuple[subprocess.Popen, tuple[str, int]]:
    index = work / "index"
    if (ROOT / "index" / "cache").exists():  # reuse computed vectors: the fuzzer is not a build bench
        shutil.copytree(ROOT / "index" / "cache", index / "cache")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ASSISTANT_ADMIN_TOKEN": TOKEN, "TMPDIR": str(work)}
    log = open(work / "server.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "--index-dir", str(index), "serve",
                                "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return process, ("127.0.0.1", port)
        except (urllib.error.URLError, OSError):
            pass
        if process.poll() is not None:
            break
        time.sleep(0.5)
    sys.exit("服务器没有启动：\n" + (work / "server.log").read_text()[-3000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    makers = [ask_requests] * 5 + [upload_requests] * 2 + [page_requests] * 3
    work = Path(tempfile.mkdtemp(prefix="fuzz-"))
    process, base = start_server(work)
    rss_before = rss_mb(process.pid)
    by_status: Counter = Counter()
    by_kind: dict[str, Counter] = {}
    five_xx, hangs, sent = [], [], 0
    started = time.monotonic()
    requests = [rng.choice(makers)(rng) for _ in range(args.requests)]
    with ThreadPoolExecutor(args.clients) as pool:
        futures = []
        for req in requests:
            futures.append((req, pool.submit(send, base, req)))
        for req, future in futures:
            if time.monotonic() - started > args.seconds:
                future.cancel()
                continue
            status, elapsed = future.result()
            sent += 1
            label = "hang" if status == -1 else ("closed" if status is None else str(status))
            by_status[label] += 1
            by_kind.setdefault(req.kind, Counter())[label] += 1
            if status is not None and status >= 500:
                five_xx.append((req.kind, status))
            if status == -1 or elapsed > HANG_S:
                hangs.append((req.kind, round(elapsed, 1)))
            if sent % 500 == 0 and process.poll() is None:
                print(f"  after {sent} requests: server RSS {rss_mb(process.pid):.0f} MB", flush=True)
            if process.poll() is not None:
                break
    crashed = process.poll() is not None
    rss_after = rss_mb(process.pid) if not crashed else 0.0
    if not crashed:
        process.terminate()
        process.wait(timeout=30)
    print(f"requests tried: {sent} in {time.monotonic() - started:.0f} s ({args.clients} clients, seed {args.seed})")
    print("by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())))
    for kind, counts in sorted(by_kind.items()):
        print(f"  {kind:<32} " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    print(f"5xx: {len(five_xx)}  crashes: {int(crashed)}  hangs over {HANG_S:.0f} s: {len(hangs)}")
    print(f"server RSS: {rss_before:.0f} MB before, {rss_after:.0f} MB after ({rss_after - rss_before:+.0f} MB)"
          if not crashed else "server RSS: crashed")
    for kind, status in five_xx[:10]:
        print(f"  5xx {status} on {kind}")
    stray = [p for p in work.rglob("*") if p.is_file() and p.relative_to(work).parts[0] not in
             ("index", "gradio", "server.log")]
    print(f"temporary files left by the server: {len(stray)}")
    if crashed:
        print((work / "server.log").read_text()[-3000:])
    shutil.rmtree(work, ignore_errors=True)
    return 1 if (five_xx or crashed or hangs or stray) else 0


if __name__ == "__main__":
    sys.exit(main())
