# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
KG     := $(VENV)/bin/kg
SEEDS  ?= ../shared/seeds
OUT    ?= out

.PHONY: install demo test test-fast bench bench-serve score train readme clean help

help:
	@echo "make demo       build the graph from $(SEEDS) on the embedded store, answer canned queries, write $(OUT)/graph.html, vllm.html, vllm-claims.html and .png"
	@echo "make test       install everything (Neo4j 5.26 included), start Neo4j, run the whole suite, stop Neo4j"
	@echo "make test-fast  the suite without Neo4j (its tests are skipped)"
	@echo "make score      score against the dev gold, the project's labels, 5-fold cross-validation over the real abstracts, and every blind batch's first score"
	@echo "make readme     regenerate the generated parts of README.md and docs/*.md (the seed graph's counts, the canned-query table) with cog"
	@echo "make train      rebuild the learned extraction models (loaders/learn/models/*.json) from the labels, deterministically"
	@echo "make bench      issue 11 and 23 benchmarks at 10k and 100k papers, kg serve under load on both backends included (BENCH_ARGS=--quick: 500 and 2,000), then make bench-serve -> benchmarks/results/"
	@echo "make bench-serve  kg serve under load on the loopback: 2,000 requests, 20 in flight, on the seeds (SERVE_ARGS=--backend neo4j: the Neo4j of NEO4J_*) -> benchmarks/results/serve-load.md"
	@echo "make neo4j-up / neo4j-down / neo4j-status / neo4j-reset / neo4j-fetch   the local Neo4j server for dev (kg neo4j ...)"

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	@src="$(SEEDS)"; if [ ! -d "$$src" ]; then echo "($(SEEDS) not found: loading the bundled example listing)"; src=loaders/examples; fi; \
	set -e; \
	$(KG) load "$$src"; \
	echo; $(KG) stats; \
	echo; echo "== The baselines papers compare against most often"; $(KG) query most-compared -p limit=8; \
	echo; echo "== Papers that compare against vLLM, and by how much"; $(KG) query papers-comparing-to -p name=vLLM; \
	echo; echo "== Papers targeting TPUs"; $(KG) query papers-targeting -p hardware=TPU; \
	echo; echo "== Pictures (open them in a browser; they work offline)"; \
	$(KG) viz -o $(OUT)/graph.html; \
	$(KG) viz vLLM -o $(OUT)/vllm.html; \
	$(KG) chart vLLM -o $(OUT)/vllm-claims.html; \
	$(KG) chart vLLM -o $(OUT)/vllm-claims.png; \
	echo "   overview          $(OUT)/graph.html"; \
	echo "   vLLM's neighbours $(OUT)/vllm.html"; \
	echo "   claims vs vLLM    $(OUT)/vllm-claims.html and $(OUT)/vllm-claims.png"; \
	echo; echo "kg lives in $(VENV)/bin: run '. $(VENV)/bin/activate' to put it on your PATH, then try 'kg show vLLM' or 'kg queries'."

# `make test` runs the suite against a throw-away Neo4j of its own (the tests clear the database):
# its own cache directory and ports, so the dev server of `make neo4j-up` (7687/7474) is never touched.
TEST_NEO4J_HOME      ?= .cache/neo4j-test
TEST_NEO4J_BOLT_PORT ?= 7688
TEST_NEO4J_HTTP_PORT ?= 7475
TEST_NEO4J_ENV = KG_NEO4J_HOME=$(TEST_NEO4J_HOME) NEO4J_URI=bolt://127.0.0.1:$(TEST_NEO4J_BOLT_PORT) \
	NEO4J_BOLT_PORT=$(TEST_NEO4J_BOLT_PORT) NEO4J_HTTP_PORT=$(TEST_NEO4J_HTTP_PORT)
PYTEST_ARGS ?=

test: install
	@export $(TEST_NEO4J_ENV); \
	trap '$(KG) neo4j down' EXIT; trap 'exit 130' INT TERM; \
	$(KG) neo4j up || exit $$?; \
	status=0; KG_REQUIRE_NEO4J=1 $(PY) -m pytest -q $(PYTEST_ARGS) || status=$$?; \
	exit $$status

readme: install
	$(VENV)/bin/cog -r -I scripts README.md $(wildcard docs/*.md)

test-fast: install
	$(PY) -m pytest -q -m "not neo4j"

score: install
	@mkdir -p $(OUT)
	rm -rf $(OUT)/score-store  # a fresh store: edges of older rules must not linger
	$(KG) --store $(OUT)/score-store load -q $(SEEDS)
	$(KG) --store $(OUT)/score-store export -o $(OUT)/graph.jsonl
	$(PYTHON) ../shared/eval/score.py --export $(OUT)/graph.jsonl --gold ../shared/eval/dev_gold.jsonl
	@echo; echo "== the project's own 325 labelled papers (tests/data/project_gold.jsonl)"
	$(PYTHON) ../shared/eval/score.py --export $(OUT)/graph.jsonl --gold tests/data/project_gold.jsonl
	@echo; echo "== claims of 62 labelled seed papers (tests/data/claims_gold_b*.jsonl)"
	@cat tests/data/claims_gold_b*.jsonl > $(OUT)/claims_gold.jsonl
	$(PYTHON) ../shared/eval/score.py --export $(OUT)/graph.jsonl --gold $(OUT)/claims_gold.jsonl
	@echo; echo "== 112 abstracts written in phrasings the seeds do not use (tests/data/fresh)"
	rm -rf $(OUT)/fresh-store
	$(KG) --store $(OUT)/fresh-store load -q tests/data/fresh
	$(KG) --store $(OUT)/fresh-store export -o $(OUT)/fresh.jsonl
	@cat tests/data/fresh_gold_b*.jsonl > $(OUT)/fresh_gold.jsonl
	$(PYTHON) ../shared/eval/score.py --export $(OUT)/fresh.jsonl --gold $(OUT)/fresh_gold.jsonl
	@echo; echo "== real arXiv abstracts (tests/data/real): 5-fold cross-validation by paper, folds fixed by arXiv id"
	$(PY) -m loaders.learn.train --cv
	@echo; echo "== the first score of each blind batch of real abstracts, taken before any rule or model saw it"
	$(PY) -m loaders.learn.evaluate table

# `make train` rebuilds the learned models from the labels (scikit-learn, fixed seeds; a few seconds on 2 cores).
train: install
	$(PY) -m loaders.learn.train

# `make bench` measures 10k and 100k synthetic papers (about 20 minutes on 2 cores, plus kg serve under
# load), with a Neo4j of its own (.cache/neo4j-bench, bolt 7695, http 7481) that it starts and stops.
# BENCH_ARGS=--quick: 500 and 2,000.
BENCH_ARGS ?=
SERVE_ARGS ?=
bench: install
	$(PY) -m pip install -q --disable-pip-version-check -e '.[bench]'
	$(PY) -m benchmarks.run $(BENCH_ARGS)
	$(PY) -m benchmarks.serve_load

bench-serve: install
	$(PY) -m pip install -q --disable-pip-version-check -e '.[bench]'
	$(PY) -m benchmarks.serve_load $(SERVE_ARGS)

clean:
	rm -rf $(VENV) .kg $(OUT) *.egg-info .pytest_cache .hypothesis

-include neo4j.mk
