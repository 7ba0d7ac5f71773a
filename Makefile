# Hindsight: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install lock run test lint browser pgbouncer serve bench soak clean

# Installs exactly what requirements.lock pins (every file checked against its hash), then Hindsight itself.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Refresh requirements.lock from pyproject.toml (after changing a dependency), with uv's resolver and hashes.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python $(BIN)/python -o requirements.lock

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

# Browser tests drive Chromium through Playwright: Debian's package where apt can install it (as root), otherwise
# Playwright's own build. The webhook tests drive Debian's prometheus-alertmanager. Nothing to do when both are there.
browser: $(STAMP)
	@if command -v chromium >/dev/null || [ -n "$$HINDSIGHT_CHROMIUM" ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q chromium >/dev/null 2>&1 || \
			{ apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	else \
		echo "Installing Playwright's Chromium for the browser tests…"; \
		$(BIN)/python -m playwright install chromium; \
	fi
	@if ! command -v prometheus-alertmanager >/dev/null && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's prometheus-alertmanager for the webhook tests…"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q prometheus-alertmanager >/dev/null 2>&1 || \
			{ apt-get update -q >/dev/null && apt-get install -y -q prometheus-alertmanager >/dev/null; }; \
	fi

# The PgBouncer test (tests/scaling) starts its own pgbouncer: Debian's package, installed as root when missing,
# without starting the system's service. The test is skipped where neither is possible.
pgbouncer:
	@if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ] && command -v apt-get >/dev/null \
			&& [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's pgbouncer for the PgBouncer test…"; \
		export DEBIAN_FRONTEND=noninteractive; \
		if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
			chmod +x /usr/sbin/policy-rc.d; trap 'rm -f /usr/sbin/policy-rc.d' EXIT; fi; \
		apt-get install -y -q pgbouncer >/dev/null 2>&1 || \
			{ apt-get update -q >/dev/null && apt-get install -y -q pgbouncer >/dev/null; } || \
			echo "pgbouncer could not be installed: the PgBouncer test will be skipped"; \
	fi

test: $(STAMP) browser pgbouncer
	HINDSIGHT_CHROMIUM="$${HINDSIGHT_CHROMIUM:-$$(command -v chromium || true)}" $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# Lint: ruff's checks and its formatter decide style, mypy (with django-stubs) the types; CI fails on any.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info

# --- Performance and production (see README "Performance" and "Production") ---------------------------------
BENCH_SCALE        ?= 0.1
BENCH_DATABASE_URL ?= sqlite:////tmp/hindsight-bench.sqlite3
BENCH_SECONDS      ?= 15
# The bench's own Redis database (the tests use 15, the soak 14).
BENCH_REDIS_URL    ?= redis://127.0.0.1:6379/13
# e.g. --port 18741 --bare-port 18742 when another bench is running on this machine.
BENCH_HTTP_FLAGS   ?=
SOAK_DATABASE      ?= hs_soak
SOAK_DATABASE_URL  ?= postgres://postgres@127.0.0.1:5432/$(SOAK_DATABASE)
SOAK_CLIENTS       ?= 50
SOAK_SECONDS       ?= 60
SOAK_PORT          ?= 18741
# SOAK_NODES=2: two gunicorn nodes behind HAProxy on SOAK_PORT (nodes on the next two ports, HAProxy's statistics
# on the third), sharing the database and the Redis cache SOAK_CACHE_URL; one node is killed mid-run and restarted.
SOAK_NODES         ?= 1
SOAK_CACHE_URL     ?= redis://127.0.0.1:6379/14
# CI runs a short soak without restarting the shared PostgreSQL: SOAK_FLAGS= (empty).
SOAK_FLAGS         ?= --restart-database
SERVE_PORT         ?= 18080
SERVE_ENV = PRODUCTION=1 SECURE_SSL_REDIRECT=0 SECRET_KEY="$$(cat $(VENV)/serve-secret-key)"

# Seed BENCH_DATABASE_URL at BENCH_SCALE and count every page's queries in-process, then every page over HTTP:
# gunicorn + wrk on loopback (BENCH_SECONDS per run, two runs per page), as ratios to a bare Django project's
# floors served beside it. With no CACHE_URL/REDIS_URL and a Redis answering on 127.0.0.1:6379, the bench uses
# BENCH_REDIS_URL (emptied first) as the shared cache, as a multi-node deployment would (Insights caches only then).
bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null || \
		{ apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; } || echo "wrk missing: HTTP runs skipped"
	@set -e; export DATABASE_URL=$(BENCH_DATABASE_URL); \
	shared=$$($(BIN)/python -m perf.shared_cache $(BENCH_REDIS_URL)); \
	if [ -n "$$shared" ]; then export CACHE_URL="$$shared"; echo "make bench: Redis answers, shared cache $$shared"; fi; \
	$(BIN)/python manage.py migrate --noinput -v0; \
	$(BIN)/python manage.py bench --scale $(BENCH_SCALE) --output $(CURDIR)/bench-results.json; \
	if command -v wrk >/dev/null; then \
		$(BIN)/python manage.py bench_http --seconds $(BENCH_SECONDS) $(BENCH_HTTP_FLAGS) --output $(CURDIR)/bench-results.json; fi

# 50 clients against gunicorn on a fresh PostgreSQL database, restarting PostgreSQL mid-run; fails on any lost
# write, server error, unfriendly outage page, unprovoked 4xx or write kind never acknowledged. Not part of
# `make test`; .ci/run runs a short one (no restart) on its own database.
soak: $(STAMP)
	@if [ "$(SOAK_NODES)" != 1 ] && ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then \
		if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's haproxy for the two-node soak…"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -q haproxy >/dev/null 2>&1 || \
				{ apt-get update -q >/dev/null && apt-get install -y -q haproxy >/dev/null; }; \
		else echo "SOAK_NODES=$(SOAK_NODES) needs haproxy (apt-get install haproxy)"; exit 1; fi; \
	fi
	psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $(SOAK_DATABASE)" \
		-c "CREATE DATABASE $(SOAK_DATABASE)"
	DATABASE_URL=$(SOAK_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(SOAK_DATABASE_URL) $(BIN)/python manage.py soak --clients $(SOAK_CLIENTS) \
		--seconds $(SOAK_SECONDS) --port $(SOAK_PORT) --nodes $(SOAK_NODES) --cache-url $(SOAK_CACHE_URL) \
		$(SOAK_FLAGS) $(if $(SOAK_OUTPUT),--output $(SOAK_OUTPUT))

# Production mode locally (hashed static files, secure cookies, CSP, gunicorn) on http://localhost:$(SERVE_PORT)/
serve: $(STAMP)
	@test -s $(VENV)/serve-secret-key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(64))" > $(VENV)/serve-secret-key
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput -v0
	@echo "  Hindsight (production mode) at http://localhost:$(SERVE_PORT)/"
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(SERVE_PORT) GUNICORN_ACCESS_LOG=- $(BIN)/gunicorn -c deploy/gunicorn.conf.py
