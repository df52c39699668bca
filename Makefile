# Two commands for a newcomer: `make run` and `make test`. Everything else is detail.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
WEB_PORT ?= 8000

.PHONY: run test lint audit bench install migrate clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# GOV.UK Frontend from the npm registry (pinned in package-lock.json), built into frontend/build/, which
# the settings serve as static files: the Sass with its assets path, the fonts and images, the script.
FRONTEND := frontend/build
$(FRONTEND)/.built: package.json package-lock.json frontend/application.scss frontend/application.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	mkdir -p $(FRONTEND)/govuk
	rm -rf $(FRONTEND)/govuk/assets
	cp -R node_modules/govuk-frontend/dist/govuk/assets $(FRONTEND)/govuk/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js frontend/application.mjs $(FRONTEND)/
	mv $(FRONTEND)/govuk-frontend.min.js $(FRONTEND)/govuk/
	touch $@

install: $(BIN)/.installed $(FRONTEND)/.built

# These targets are for a development machine: DEBUG is on unless the environment says otherwise
# (with DEBUG off the settings refuse to start without a SECRET_KEY of their own).
run migrate: export DEBUG ?= true

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Web on http://127.0.0.1:$(WEB_PORT), a Celery worker and beat, on SQLite and the embedded broker
# unless DATABASE_URL and REDIS_URL say otherwise. Ctrl-C stops all three and ends quietly; a process
# that fails on its own makes `make run` fail (bin/run).
run: migrate
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo
	@echo "Starting web, worker and beat: open http://127.0.0.1:$(WEB_PORT)/ and sign in with a demo login above. Ctrl-C stops all."
	exec env WEB_PORT=$(WEB_PORT) PATH="$(abspath $(BIN)):$$PATH" bin/run

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the pinned packages (pip-audit, npm audit) and bandit's checks of our code.
audit: install
	BIN=$(BIN) bin/audit

# The benchmark table (docs/performance.md): the service measured with SIZES cases in PostgreSQL, each size in
# a database of its own (<stem>_<size>, kept for the next run), loaded by locust against gunicorn.
SIZES ?= 10000,100000,1000000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/csprp_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15
bench: install
	$(BIN)/python -m benchmarks.run --sizes $(SIZES) --database $(BENCH_DATABASE_URL) --redis $(BENCH_REDIS_URL)

clean:
	rm -rf $(VENV) var node_modules $(FRONTEND)
