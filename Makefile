# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The embedded default needs no configuration: SQLite, eager Celery, and a secret key of this machine's own,
# made on first start into a git-ignored file only its owner can read (DJANGO_SECRET_KEY still wins).
SECRET_KEY_FILE ?= $(CURDIR)/.secret_key
RUN_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY_FILE=$(SECRET_KEY_FILE)
DEV_ENV := DJANGO_DEBUG=true DJANGO_SECRET_KEY_FILE=$(SECRET_KEY_FILE)
# `make run` serves as the Dockerfile does: gunicorn, 4 processes x 2 threads with a listening socket each,
# debug off, access log on stdout (tests/core/test_make_run.py starts `make serve` and checks these flags
# against the Dockerfile).
SERVE := $(BIN)/gunicorn moviesyoudidntwatch.wsgi --bind 127.0.0.1:$(PORT) --workers 4 --threads 2 \
	--reuse-port --access-logfile -

.PHONY: run serve dev test typecheck install install-dev lint format migrate catalog worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: $(BIN)/python requirements/base.txt requirements/nodeps.txt
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -r requirements/nodeps.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.base-installed requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.base-installed

install-dev: $(VENV)/.dev-installed

# Made once: 50 random URL-safe characters, mode 0600 from the start (umask), never overwritten.
$(SECRET_KEY_FILE):
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@.tmp && mv $@.tmp $@

migrate: install $(SECRET_KEY_FILE)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

catalog: migrate
	$(RUN_ENV) $(BIN)/python manage.py import_genres
	$(RUN_ENV) $(BIN)/python manage.py load_catalog --if-empty
	$(RUN_ENV) $(BIN)/python manage.py train_recommender --if-needed

run: catalog
	@$(MAKE) --no-print-directory serve

# The serving step of `make run` alone (after a first `make run`): static files collected for whitenoise,
# then the production server on 127.0.0.1.
serve: $(SECRET_KEY_FILE)
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) exec $(SERVE)

# The development server: debug pages and autoreload, same database and key.
dev: catalog
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/mypy
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	# The browser tests drive Debian's Chromium (Playwright downloads no browser of its own).
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	# On every core (pytest-xdist, options in pyproject.toml); `make test PYTEST_ARGS="-n 0"` runs serially.
	$(BIN)/pytest $(PYTEST_ARGS)

# mypy alone, as `make test` runs it (settings in pyproject.toml).
typecheck: install-dev
	$(BIN)/mypy

lint: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install $(SECRET_KEY_FILE)
	$(RUN_ENV) $(BIN)/celery -A moviesyoudidntwatch worker --loglevel=INFO --queues=default,enrichment

beat: install $(SECRET_KEY_FILE)
	$(RUN_ENV) $(BIN)/celery -A moviesyoudidntwatch beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles
