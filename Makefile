# Two commands matter: `make run` (the embedded default) and `make test` (everything CI runs).
SHELL := /bin/bash
UV := scripts/uv

.PHONY: run test install postgres compose-tool compose-check poppler-tool gallery lint typecheck bench-deviations bench-reporting

install:
	@$(UV) sync --frozen --quiet

run: install
	@$(UV) run --no-sync kvalitet-embedded

postgres:
	@scripts/ensure-postgres

compose-tool:
	@command -v docker-compose >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }

compose-check: compose-tool
	docker-compose -f docker-compose.yml config -q

poppler-tool:
	@command -v pdftoppm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# Every document from the demo data (reports as PDF, DOCX, XLSX; mails) with PNG pages: var/gallery/index.html
gallery: install poppler-tool
	$(UV) run --no-sync kvalitet-gallery --out var/gallery

test: install postgres compose-check poppler-tool
	$(UV) run --no-sync pytest

lint: install
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .

typecheck: install
	$(UV) run --no-sync mypy shared/src services/org-svc/src services/deviation-svc/src services/risk-svc/src services/reporting-svc/src deploy/embedded/src

bench-deviations: install postgres
	$(UV) run --no-sync python bench/deviations/run.py

bench-reporting: install postgres
	$(UV) run --no-sync python bench/reporting/bench.py
