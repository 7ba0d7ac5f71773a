# Hindsight: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test serve bench soak clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Hindsight is running at http://$(HOST):$(PORT)/"
	@echo "  Log in as  demo / hindsight-demo  (viewer-only: viewer / hindsight-viewer)"
	@echo ""
	@echo "  Notifications: the task worker runs beside the web server; see them at /notifications/"
	@# The worker (db_worker) runs in the background of this shell; Ctrl-C reaches both, and the trap stops the
	@# worker whenever runserver ends, however it ends.
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info

# --- Performance and production (see README "Performance" and "Production") ---------------------------------
BENCH_SCALE        ?= 0.1
BENCH_DATABASE_URL ?= sqlite:////tmp/hindsight-bench.sqlite3
BENCH_SECONDS      ?= 15
SOAK_DATABASE_URL  ?= postgres://postgres@127.0.0.1:5432/hs_soak
SOAK_CLIENTS       ?= 50
SOAK_SECONDS       ?= 60
SERVE_PORT         ?= 18080
SERVE_ENV = PRODUCTION=1 SECURE_SSL_REDIRECT=0 SECRET_KEY="$$(cat $(VENV)/serve-secret-key)"

# Seed BENCH_DATABASE_URL at BENCH_SCALE, time every page, then a bounded throughput run (gunicorn + wrk).
bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null || echo "wrk missing: throughput run skipped"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench --scale $(BENCH_SCALE) --output $(CURDIR)/bench-results.json
	if command -v wrk >/dev/null; then DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench_throughput \
		--seconds $(BENCH_SECONDS) --output $(CURDIR)/bench-results.json; fi

# 50 clients against gunicorn on a fresh PostgreSQL database, restarting PostgreSQL mid-run; fails on any lost
# write, server error or unfriendly outage page. Not part of `make test`.
soak: $(STAMP)
	psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS hs_soak" -c "CREATE DATABASE hs_soak"
	DATABASE_URL=$(SOAK_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(SOAK_DATABASE_URL) $(BIN)/python manage.py soak --clients $(SOAK_CLIENTS) \
		--seconds $(SOAK_SECONDS) --restart-database

# Production mode locally (hashed static files, secure cookies, CSP, gunicorn) on http://localhost:$(SERVE_PORT)/
serve: $(STAMP)
	@test -s $(VENV)/serve-secret-key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(64))" > $(VENV)/serve-secret-key
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput -v0
	@echo "  Hindsight (production mode) at http://localhost:$(SERVE_PORT)/"
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(SERVE_PORT) GUNICORN_ACCESS_LOG=- $(BIN)/gunicorn -c deploy/gunicorn.conf.py
