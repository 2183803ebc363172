# Two commands for a fresh machine: `make run` (SQLite + demo data + printed login) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1
RUN_ADDR ?= 127.0.0.1:8000

.PHONY: run test lint fuzz format migrate serve-prod worker beat clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo --if-empty
	$(DEV_ENV) $(PY) manage.py ensure_staff_login
	@# A Celery worker (with the periodic sweep, --beat) beside the web server, on the broker of
	@# CELERY_BROKER_URL or, without one, on the embedded filesystem transport under var/. It is
	@# stopped when runserver stops (Ctrl-C reaches both; the trap covers any other exit).
	@mkdir -p var
	@$(DEV_ENV) $(VENV)/bin/celery -A ecommerce_admin worker --beat -c 2 -l warning \
		-s var/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver $(RUN_ADDR)

test: $(VENV)/.installed lint
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -c bandit.yaml -r ecommerce_admin customers sales analytics audit jobs privacy -x '*/tests/*,*/migrations/*'
	$(VENV)/bin/lint-imports --no-cache

# Longer schema-driven fuzzing of every API operation (make test runs the same with 15 examples).
fuzz: $(VENV)/.installed
	SCHEMA_FUZZ_EXAMPLES=$${SCHEMA_FUZZ_EXAMPLES:-200} $(PY) -m pytest -p no:logging ecommerce_admin/tests/test_schema_fuzz.py

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Production-shaped local run: debug off, static files collected, gunicorn (see README).
serve-prod: $(VENV)/.installed
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn ecommerce_admin.wsgi --config gunicorn.conf.py

# Production-shaped job processes (see README "Background jobs"): any number of workers, one beat.
worker: $(VENV)/.installed
	$(VENV)/bin/celery -A ecommerce_admin worker -l info

beat: $(VENV)/.installed
	@mkdir -p var
	$(VENV)/bin/celery -A ecommerce_admin beat -l info -s var/celerybeat-schedule

clean:
	rm -rf $(VENV) .cache staticfiles var
