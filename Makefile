# The course's commands. Everything runs from a local virtual environment (.venv)
# built from the pinned lock; nothing is installed globally.
#
#   make lab        set everything up and open the course in JupyterLab
#   make test       set everything up and run the whole test suite
#   make test-fast  the fast tier: what a contributor runs before each commit
#   make help       list every target
#
# Without make (Windows, macOS): `python course.py lab` does what `make lab` does; the
# environment itself is always built by course.py, which first checks the Python.

PYTHON ?= python3
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
# nbgrader calls `alembic` from PATH, so the environment's bin folder goes first.
export PATH := $(BIN):$(PATH)

.DEFAULT_GOAL := help
.PHONY: help setup setup-instructor setup-dev lab test test-fast test-python lint typecheck format notebooks check-notebooks lock check-platforms bench classroom classroom-down clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# course.py names the supported Pythons in one line, before installing anything, when
# $(PYTHON) is not one of them (e.g. `make setup PYTHON=python3.12` to choose another).
$(VENV)/.runtime: requirements.txt pyproject.toml course.py
	$(PYTHON) course.py setup

# The instructor's tools are their own distribution (instructor/): learners never get them.
$(VENV)/.instructor: $(VENV)/.runtime instructor/pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps -e instructor
	touch $@

$(VENV)/.dev: $(VENV)/.instructor requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime ## Create .venv from the lock (learners' environment)

setup-instructor: $(VENV)/.instructor ## Add the instructor's tools (notebooks, grading, sandbox, bench)

setup-dev: $(VENV)/.dev ## Add the instructor's tools and the test and lint tools

# course.py opens it without the instructor's menus, or says where it already runs.
lab: setup ## Set up and open the course in JupyterLab at the start notebook
	$(BIN)/python course.py lab

test: setup-dev ## Set up and run the whole test suite
	$(BIN)/python -m pytest

test-fast: setup-dev ## The fast tier (no kernel, no browser; < 1 min): run it before each commit
	$(BIN)/python -m pytest -m "not slow and not browser"

# Another supported Python, in an environment of its own under test-artifacts/ (ignored).
PY ?= python3.13
PY_ENV = $(abspath test-artifacts/venv-$(notdir $(PY)))
test-python: ## PY=python3.13: the lock, the fast tier and every student notebook on another Python
	$(PY) course.py check-python
	rm -rf $(PY_ENV)
	$(PY) -m venv $(PY_ENV)
	$(PY_ENV)/bin/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(PY_ENV)/bin/python -m pip install --quiet --no-deps -e . -e instructor
	PATH=$(PY_ENV)/bin:$$PATH $(PY_ENV)/bin/python -m pytest -q -p no:cacheprovider -m "not slow and not browser"
	PATH=$(PY_ENV)/bin:$$PATH $(PY_ENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_notebooks.py -k student_notebook_runs_headless

lint: setup-dev ## Check code and notebooks with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src instructor/src tests

# The configuration (files, strictness, untyped third-party modules) is pyproject.toml's
# [tool.mypy]; the fast tier runs the same check (tests/test_types.py).
typecheck: setup-dev ## Check the types of both packages with mypy
	$(BIN)/mypy

format: setup-dev ## Format code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format src instructor/src tests

notebooks: setup-instructor ## Regenerate notebooks/ from the answer key in assignments/source
	$(BIN)/postparis-instructor build-notebooks

check-notebooks: setup-instructor ## Fail if notebooks/ is out of date with the answer key
	$(BIN)/postparis-instructor build-notebooks --check

# One universal lock for Linux, macOS and Windows and every supported Python: packages
# needed on one platform only (pywinpty, appnope, colorama) carry environment markers.
LOCK_ARGS := --quiet --universal --python-version 3.11.5
lock: setup-dev ## Recompile the universal locks from requirements*.in; copy the lock to binder/
	$(BIN)/uv pip compile $(LOCK_ARGS) --output-file requirements.txt requirements.in
	$(BIN)/uv pip compile $(LOCK_ARGS) --output-file requirements-dev.txt requirements-dev.in
	cp requirements.txt binder/requirements.txt
	cd deploy/jupyterhub && $(BIN)/uv pip compile --quiet --python-version 3.11.5 \
		--output-file requirements-hub.txt requirements-hub.in

check-platforms: setup-dev ## Check (no install) that every pin has a wheel or sdist for Windows and macOS on each supported Python
	$(BIN)/python .ci/check_platforms.py requirements.txt requirements-dev.txt

bench: setup-dev ## Measure widgets, notebooks, autograding and set-up (writes benchmarks/results.*)
	$(BIN)/postparis-instructor bench

classroom: ## Start a local JupyterHub classroom (as root): an instructor and two learners
	$(PYTHON) deploy/jupyterhub/classroom.py up

classroom-down: ## Stop the local classroom (ARGS=--purge also deletes its accounts)
	$(PYTHON) deploy/jupyterhub/classroom.py down $(ARGS)

clean: ## Remove the environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
