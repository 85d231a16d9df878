# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The embedded default needs no configuration: debug mode (no secret key needed), SQLite, eager Celery.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run test install install-dev lint format migrate catalog worker beat clean

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

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

catalog: migrate
	$(RUN_ENV) $(BIN)/python manage.py import_genres
	$(RUN_ENV) $(BIN)/python manage.py load_catalog --if-empty
	$(RUN_ENV) $(BIN)/python manage.py train_recommender --if-needed

run: catalog
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	# The browser tests drive Debian's Chromium (Playwright downloads no browser of its own).
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A moviesyoudidntwatch worker --loglevel=INFO --queues=default,enrichment

beat: install
	$(BIN)/celery -A moviesyoudidntwatch beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles
