# Kết Nối — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The documented demo pair (README); override for anything but a demo.
export KETNOI_ADMIN_EMAIL ?= organiser@ketnoi.demo
export KETNOI_ADMIN_PASSWORD ?= ketnoi-organiser-2026

.PHONY: help run test test-sqlite test-postgres lint fmt bench migrate demo system-deps venv lock messages clean

help:
	@echo "make run     install, migrate ./var/ketnoi.sqlite3, load the demo event, serve http://$(HOST):$(PORT)"
	@echo "make test    lint, then the test suite on SQLite and (when available) PostgreSQL"
	@echo "make bench   benchmarks (scheduler, PDF agendas, pages at scale), printing measured ratios and times"
	@echo "make lint | fmt | migrate | demo | lock | messages | clean"

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	@echo "Installing Python packages into $(VENV) (pinned by constraints.txt)…"
	@set -o pipefail; $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]" 2>&1 | { grep -v "^WARNING: Location" || true; }
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	@$(BIN)/ketnoi migrate

demo: migrate
	@$(BIN)/ketnoi demo

# Every absolute link (e-mails, calendar feeds) starts with the address served, unless set.
run: export KETNOI_BASE_URL ?= http://$(HOST):$(PORT)
run: system-deps venv
	@mkdir -p var
	@$(BIN)/ketnoi migrate
	@$(BIN)/ketnoi demo
	@echo
	@echo "Open http://$(HOST):$(PORT) — log in as organiser@ketnoi.demo / ketnoi-organiser-2026"
	@echo "                          or as delegate@ketnoi.demo / ketnoi-delegate-2026"
	@echo "Stop with Ctrl+C."
	@$(BIN)/ketnoi serve --host $(HOST) --port $(PORT)

LINT_PATHS := $(wildcard app tests migrations bench)

lint: venv
	@$(BIN)/ruff check $(LINT_PATHS)
	@$(BIN)/ruff format --check $(LINT_PATHS)
	@$(BIN)/mypy app
	@$(BIN)/mypy tests

fmt: venv
	@$(BIN)/ruff check --fix $(LINT_PATHS)
	@$(BIN)/ruff format $(LINT_PATHS)

test: system-deps venv lint
	@bash scripts/run-tests.sh

test-sqlite: venv
	@KETNOI_TEST_DATABASE_URL= $(BIN)/pytest -m "not bench" -q

bench: venv
	@$(BIN)/python bench/scheduling_bench.py
	@$(BIN)/python bench/objectives_bench.py
	@$(BIN)/python bench/pdf_bench.py
	@$(BIN)/python bench/reminders_bench.py
	@$(BIN)/python bench/scale_bench.py
	@$(BIN)/python bench/load_bench.py

lock: venv
	@{ echo "# Lock file: exact versions of every package, direct and transitive. Regenerate with 'make lock'."; \
	   $(BIN)/python -m pip freeze --exclude-editable 2>/dev/null | grep -v "^-e"; } > constraints.txt
	@echo "constraints.txt updated"

messages: venv
	@$(BIN)/python -m app.i18n.extract
	@echo "Translate the empty msgstr entries in app/i18n/locales/vi/LC_MESSAGES/messages.po"

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
