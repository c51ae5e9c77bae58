# layerlab: two commands matter.
#   make lab    set up .venv, copy the lessons to lessons/ (git-ignored) and start JupyterLab
#               there, on 00-index.ipynb
#   make test   set up .venv with the test tools and run the whole suite
# `make reset-lessons` puts fresh copies in lessons/ (the old ones are kept in lessons/.old-*/).
# (Authors: `make notebooks` writes notebooks/NN-topic.ipynb from notebooks/src/NN-topic.py.)
#
# Set-up is idempotent and fast the second time: pip runs again only when pyproject.toml
# changes (the .venv/.installed-* stamps depend on it).

PYTHON ?= python3
PORT ?= 8888
PYTEST_ARGS ?=

VENV := .venv
PY := $(VENV)/bin/python
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check -q
IS_ROOT := $(filter 0,$(shell id -u))
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends

.PHONY: lab lessons reset-lessons test setup lint bench docs notebooks clean distclean dot

# Students work on copies in lessons/ (git-ignored): the tracked notebooks/ stay clean whatever
# JupyterLab autosaves, and the authoring sources (notebooks/src, notebooks/_tools) are not in
# the file browser. JupyterLab opens 00-index.ipynb; jupyter/lab-settings/overrides.json turns
# off the news prompt and the update check.
LESSONS := lessons
LAB_SETTINGS := $(CURDIR)/jupyter/lab-settings

lab: $(VENV)/.installed-lab dot lessons
	@echo "Starting JupyterLab on $(LESSONS)/ at http://127.0.0.1:$(PORT)/lab (it prints the URL with its token below; Ctrl-C stops it)"
	$(PY) -m jupyterlab --notebook-dir=$(LESSONS) --ip=127.0.0.1 --port=$(PORT) --no-browser \
	  --LabApp.default_url=/lab/tree/00-index.ipynb --LabApp.app_settings_dir=$(LAB_SETTINGS) \
	  $(if $(IS_ROOT),--allow-root)

# Copy each lesson missing from lessons/; never overwrites a student's copy.
lessons:
	@mkdir -p $(LESSONS)
	@for nb in notebooks/[0-9][0-9]-*.ipynb; do \
	  [ -e "$(LESSONS)/$${nb##*/}" ] || { cp "$$nb" "$(LESSONS)/" && echo "lessons: copied $${nb##*/}"; }; \
	done

# Fresh copies of every lesson; the student's old ones move to lessons/.old-<date-time>/.
reset-lessons:
	@if ls $(LESSONS)/*.ipynb >/dev/null 2>&1; then \
	  old="$(LESSONS)/.old-$$(date +%Y%m%d-%H%M%S)"; mkdir -p "$$old" && mv $(LESSONS)/*.ipynb "$$old"/ && \
	  echo "reset-lessons: your previous copies are in $$old"; \
	fi
	@$(MAKE) --no-print-directory lessons

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed-test dot

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-logo --no-cache  # contracts: [tool.importlinter] in pyproject.toml

bench: setup
	@set -e; found=; for f in benchmarks/bench_*.py; do \
	  [ -e "$$f" ] || continue; found=1; echo "== $$f"; $(PY) "$$f"; \
	done; [ -n "$$found" ] || echo "no benchmarks yet (benchmarks/bench_*.py)"

docs: setup
	$(PY) -m sphinx -W -b html docs docs/_build/html
	@echo "docs built: docs/_build/html/index.html"

# The lessons: each notebooks/src/NN-topic.py (jupytext percent) becomes notebooks/NN-topic.ipynb,
# stripped, with its navigation cells (docs/notebooks.md); run after editing, commit both.
notebooks: $(VENV)/.installed-lab
	$(PY) notebooks/_tools/build.py

# Everything generated, but not the virtual environment (distclean removes that too).
clean:
	rm -rf build dist *.egg-info docs/_build artifacts .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

# --------------------------------------------------------------------------------------------
# Set-up steps

# The virtual environment. Ubuntu ships python3 without venv/ensurepip: root gets it installed.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "layerlab needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Run make with PYTHON=python3.11 (or newer)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ -n "$(IS_ROOT)" ] && command -v apt-get >/dev/null; then \
	    echo "python3 -m venv failed: installing python3-venv with apt-get"; \
	    apt-get update -q && $(APT_INSTALL) python3-venv && $(PYTHON) -m venv $(VENV) \
	      || { rm -rf $(VENV); exit 1; }; \
	  else \
	    echo "'$(PYTHON) -m venv' failed: install venv support (sudo apt-get install python3-venv) and rerun make."; exit 1; \
	  fi; }

$(VENV)/.installed-lab: pyproject.toml | $(PY)
	$(PIP_INSTALL) -e '.[lab]'
	@touch $@

# The test set-up is a superset of the lab one, so it satisfies `make lab` too.
$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP_INSTALL) -e '.[lab,test,docs]'
	@touch $@ $(VENV)/.installed-lab

# Graphviz's dot renders the diagrams; root gets it installed, anyone else gets one line saying how.
dot:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ -n "$(IS_ROOT)" ] && command -v apt-get >/dev/null; then \
	    echo "Graphviz's dot is missing: installing graphviz with apt-get"; \
	    apt-get update -q && $(APT_INSTALL) graphviz; \
	  else \
	    echo "Graphviz's dot is missing: install it with 'sudo apt-get install graphviz' (Debian/Ubuntu), 'conda install -c conda-forge graphviz' or 'brew install graphviz', then rerun make."; exit 1; \
	  fi; }
