# Two commands do all set-up: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
DEMO_SUBJECTS ?= 3000
DEMO_ROWS ?= 3000
# `make bench BENCH_ARGS='--rows 20000 --db sqlite'` for a quick run; full size by default.
BENCH_ARGS ?=
export XINYONG_VAR_DIR ?= $(CURDIR)/var
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)

.PHONY: install system-deps messages catalogue demo serve test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP) messages

# Debian packages the suite needs: PostgreSQL for the second database run, Chromium and
# CJK fonts for the browser tests, gettext to compile the English catalogue, Java for
# the evaluation's Spark engine.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	[ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT)" = yes ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "please install:$$missing"; exit 1; fi; \
	fi

messages: $(STAMP)
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory system-deps
	cd src/xinyong && ../../$(BIN)/django-admin compilemessages --ignore=.venv -v 0

# After adding or changing a marked string: update the catalogue, then translate it.
catalogue: $(STAMP)
	cd src/xinyong && ../../$(BIN)/xinyong makemessages -l en --ignore=migrations -v 0

demo: install
	$(BIN)/xinyong keys init
	$(BIN)/xinyong migrate --no-input -v 0
	$(BIN)/xinyong policy load policies/yunnan-2019
	$(BIN)/xinyong demo-data --subjects $(DEMO_SUBJECTS) --seed 2019
	$(BIN)/xinyong demo-records --rows $(DEMO_ROWS) --seed 2019
	$(BIN)/xinyong demo-campaigns
	$(BIN)/xinyong evaluate --scheme all
	$(BIN)/xinyong demo-operator
	@echo "门户 / portal: http://127.0.0.1:$(PORT)/   管理后台 / admin: http://127.0.0.1:$(PORT)/admin/"
	$(BIN)/xinyong runserver 127.0.0.1:$(PORT) --noreload

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

pytest: install system-deps
	mkdir -p test-artifacts
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --postgres

test: lint typecheck pytest

# Ingestion speed on SQLite and PostgreSQL beside the raw load of the same rows (bench/).
bench: install system-deps
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .mypy_cache .ruff_cache
