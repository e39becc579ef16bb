# The course's commands. Everything runs from a local virtual environment (.venv)
# built from the pinned lock; nothing is installed globally.
#
#   make lab     set everything up and open the course in JupyterLab
#   make test    set everything up and run the whole test suite
#   make help    list every target

PYTHON ?= python3
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
# nbgrader calls `alembic` from PATH, so the environment's bin folder goes first.
export PATH := $(BIN):$(PATH)
# Running JupyterLab as root (e.g. in a container) needs an explicit flag.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := help
.PHONY: help setup setup-instructor setup-dev lab test test-fast lint format notebooks check-notebooks lock bench classroom classroom-down clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

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

lab: setup ## Set up and open the course in JupyterLab at the start notebook
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/00-start-here.ipynb

test: setup-dev ## Set up and run the whole test suite
	$(BIN)/python -m pytest

test-fast: setup-dev ## Run the tests that do not execute notebooks or browsers
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: setup-dev ## Check code and notebooks with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src instructor/src tests

format: setup-dev ## Format code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format src instructor/src tests

notebooks: setup-instructor ## Regenerate notebooks/ from the answer key in assignments/source
	$(BIN)/postparis-instructor build-notebooks

check-notebooks: setup-instructor ## Fail if notebooks/ is out of date with the answer key
	$(BIN)/postparis-instructor build-notebooks --check

lock: setup-dev ## Recompile the locks from requirements*.in and copy the lock to binder/
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements-dev.txt requirements-dev.in
	cp requirements.txt binder/requirements.txt

bench: setup-dev ## Measure widgets, notebooks, autograding and set-up (writes benchmarks/results.*)
	$(BIN)/postparis-instructor bench

classroom: ## Start a local JupyterHub classroom (as root): an instructor and two learners
	$(PYTHON) deploy/jupyterhub/classroom.py up

classroom-down: ## Stop the local classroom (ARGS=--purge also deletes its accounts)
	$(PYTHON) deploy/jupyterhub/classroom.py down $(ARGS)

clean: ## Remove the environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
