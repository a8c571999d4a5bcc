# GovMall: `make demo` serves the demo mall; `make test` runs every check and the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000
# Two workers: the suite is CPU-bound and CI machines have two cores.
PYTEST_ARGS ?= -n 2

.PHONY: demo test venv lint typecheck migrations-check pytest lock messages bench clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python >= 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(STAMP)

demo: venv
	DJANGO_DEBUG=1 $(BIN)/govmall demo --port $(PORT)

test: venv lint typecheck migrations-check pytest

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: venv
	DJANGO_DEBUG=1 $(BIN)/mypy

migrations-check: venv
	DJANGO_DEBUG=1 $(BIN)/govmall makemigrations --check --dry-run

pytest: venv
	$(BIN)/pytest $(PYTEST_ARGS)

# Speed benchmarks (PostgreSQL; figures in docs/benchmarks.md).
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/govmall_bench
bench: venv
	DATABASE_URL=$(BENCH_DB) $(BIN)/python benchmarks/queue_page.py
	DATABASE_URL=$(BENCH_DB) $(BIN)/python benchmarks/rescreen.py
	DATABASE_URL=$(BENCH_DB)_catalog $(BIN)/python benchmarks/catalog_generate.py --listings 1000000
	DATABASE_URL=$(BENCH_DB)_catalog $(BIN)/python benchmarks/search_mix.py --rounds 20
	DATABASE_URL=$(BENCH_DB)_review $(BIN)/python benchmarks/review_throughput.py
	DATABASE_URL=$(BENCH_DB) $(BIN)/python benchmarks/orders_http.py --runs 3

# Re-resolve the lock file after changing dependencies in pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
		-o requirements.lock

# Refresh and compile the translation catalogues (needs gettext's msgfmt).
messages: venv
	cd src/govmall && DJANGO_DEBUG=1 ../../$(BIN)/govmall makemessages -l zh_Hans -l en \
		--ignore=migrations --no-obsolete
	cd src/govmall && DJANGO_DEBUG=1 ../../$(BIN)/govmall compilemessages

clean:
	rm -rf $(VENV) var/screenshots .pytest_cache .mypy_cache .ruff_cache
