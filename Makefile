# Two commands matter: `make run` (the embedded default) and `make test` (everything CI runs).
SHELL := /bin/bash
UV := scripts/uv

.PHONY: run run-distributed test install node-tools postgres compose-tool compose-check poppler-tool promtool browser gallery lint typecheck bench-deviations bench-intake bench-backfill bench-reporting bench-event-lag bench-overload

install:
	@$(UV) sync --frozen --quiet

# `make run PORT=8080 VAR_DIR=/tmp/kvalitet HOST=0.0.0.0` (kvalitet-embedded --help lists its flags).
HOST ?= 127.0.0.1
PORT ?= 8000
VAR_DIR ?= var

run: install
	@$(UV) run --no-sync kvalitet-embedded --host $(HOST) --port $(PORT) --var-dir $(VAR_DIR)

# The distributed setup without Docker: four processes on PostgreSQL and Kafka (KAFKA_BOOTSTRAP_SERVERS
# or KAFKA_START), one gateway on :8000, the demo organisation. Ctrl-C stops everything.
run-distributed: install postgres
	@$(UV) run --no-sync kvalitet-distributed

postgres:
	@scripts/ensure-postgres

# The tests' Node.js tools (AsyncAPI parser, oidc-provider), from tools/node/package-lock.json.
node-tools:
	@test tools/node/node_modules/.package-lock.json -nt tools/node/package-lock.json || \
		(cd tools/node && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)

compose-tool:
	@command -v docker-compose >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }

compose-check: compose-tool
	docker-compose -f docker-compose.yml config -q

poppler-tool:
	@command -v pdftoppm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# promtool for the alert rules' checks (deploy/monitoring), taken from Debian's prometheus package.
promtool:
	@scripts/ensure-promtool >/dev/null

# Debian's chromium for the browser test of /docs (driven by playwright-core from tools/node).
browser:
	@scripts/ensure-chromium >/dev/null

# Every document from the demo data (reports as PDF, DOCX, XLSX; mails) with PNG pages: var/gallery/index.html
gallery: install poppler-tool
	$(UV) run --no-sync kvalitet-gallery --out var/gallery

test: install postgres compose-check node-tools poppler-tool promtool browser
	$(UV) run --no-sync pytest

lint: install
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .

typecheck: install
	$(UV) run --no-sync mypy shared/src services/org-svc/src services/deviation-svc/src services/risk-svc/src services/reporting-svc/src deploy/embedded/src

bench-deviations: install postgres
	$(UV) run --no-sync python bench/deviations/run.py

bench-intake: install postgres
	$(UV) run --no-sync python bench/intake/run.py

bench-backfill: install postgres
	$(UV) run --no-sync python bench/intake/backfill.py

bench-reporting: install postgres
	$(UV) run --no-sync python bench/reporting/bench.py

bench-event-lag: install postgres
	$(UV) run --no-sync python bench/events/lag.py

bench-overload: install postgres
	$(UV) run --no-sync python bench/overload/run.py
