"""A real server process on loopback for API and browser tests, and the way to stop one that runs
worker processes (also used by bench/bench_api.py, so this module imports neither pytest nor conftest)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from assistant.config import ROOT

SEEDS = ROOT / "seeds"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(process: subprocess.Popen, timeout_s: float = 20) -> None:
    """Stop a server started with `start_new_session=True`, and every process it started.

    `assistant serve --workers N` runs uvicorn, whose workers are children of the process we started:
    `process.terminate()` ends only that parent, and a parent that died hard (SIGKILL, a crash) leaves
    its workers running, holding the port and the conversation store. So the whole process group (the
    session the server leads) is signalled: SIGTERM, so that everything shuts down cleanly, SIGKILL
    after `timeout_s`, then SIGKILL once more to sweep members left behind by a parent already gone.

    Only for processes that lead their own group: for any other there is no group of that id, so
    nothing would be signalled and the server would be left running. Such a process is killed alone
    and ValueError raised."""
    if process.poll() is None and os.getpgid(process.pid) != process.pid:
        process.kill()
        process.wait()
        raise ValueError(f"process {process.pid} does not lead its own group: start it with start_new_session=True")
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()
    _signal_group(process.pid, signal.SIGKILL)  # workers that outlived their parent


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:  # nobody left in the group
        pass


@contextmanager
def running_server(index_dir: Path | None, workdir: Path, env: dict | None = None, ready: bool = True,
                   process_out: list | None = None):
    """`assistant serve` on a free port, over a private copy of the seed corpus and index (none: the
    server builds one). `ready`: wait until the index is loaded, else only until it listens.
    `process_out` receives the process, for tests that signal it."""
    corpus = workdir / "corpus"
    shutil.copytree(SEEDS, corpus, dirs_exist_ok=True)
    private_index = workdir / "index"
    if index_dir is not None:
        shutil.copytree(index_dir, private_index, dirs_exist_ok=True)
    port = free_port()
    log = open(workdir / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "--corpus", str(corpus), "--index-dir", str(private_index),
         "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    if process_out is not None:
        process_out.append(process)
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except urllib.error.HTTPError:
                if not ready:
                    break  # listening, still building
            except OSError:
                pass
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError("server did not start: " + (workdir / "server.log").read_text())
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def request(base: str, method: str, path: str, body=None, headers=None, raw: bytes | None = None):
    """(status, parsed JSON or text) without raising on 4xx/5xx."""
    data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, payload = r.status, r.read()
    except urllib.error.HTTPError as err:
        status, payload = err.code, err.read()
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, payload.decode("utf-8", "replace")
