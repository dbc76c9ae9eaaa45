# Every target bootstraps what it needs: .venv (Python), node_modules (KaTeX),
# and for the browser tests Debian's chromium and CJK fonts.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0
# the build date MkDocs writes (sitemaps): the last commit's, so two builds agree
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

# The site's languages are the lines of extra.alternate in mkdocs.yml, the original first,
# all built in one process with their PDFs, then published together (ml4a_figs/site/build.py).
# `make serve` previews every language at once on $(SERVE_ADDR).
SERVE_ADDR ?= 127.0.0.1:8000

.PHONY: site pdf serve figures notebooks test test-fast clean weight bench i18n-status system-deps lock screenshots

site: $(VENV)/.installed node_modules/.installed system-deps
	$(PY) -m ml4a_figs.site

# the printable edition, site/pdf/<chapter>.<lang>.pdf: `make site` prints it (headless
# chromium), reusing a PDF whose pages, figures and styles did not change
pdf: site

serve: $(VENV)/.installed node_modules/.installed
	$(PY) -m ml4a_figs.site.serve -a $(SERVE_ADDR)

figures: $(VENV)/.installed
	$(PY) -m ml4a_figs build

# execute the stale notebooks of docs/notebooks/ (the site build does it too)
notebooks: $(VENV)/.installed
	$(PY) -m ml4a_figs.notebooks

test: site system-deps
	$(BIN)/pytest

# the unit tests alone: no site build, no browser; two workers, each taking whole test
# files (tests of one file share fixtures and folders): about 95 s of CPU, under a
# minute on two idle cores
test-fast: $(VENV)/.installed node_modules/.installed
	$(BIN)/pytest -n 2 --dist loadfile -m "not browser and not slow"

# pictures to look at, not a test: a few figures of each chapter, desktop and phone,
# light and dark, into test-artifacts/style-*.png
screenshots: site system-deps
	$(PY) -m tests.browser.screenshots

weight: site system-deps
	$(PY) -m tests.weight

bench: $(VENV)/.installed
	$(PY) -m ml4a_figs.core.bench
	$(PY) -m tests.bench_figures
	$(PY) -m tests.bench_site

# per language and section: translated, OUTDATED (English changed since) or missing
i18n-status: $(VENV)/.installed
	@$(PY) -m ml4a_figs.i18n status

system-deps:
	@bash .ci/system-deps

clean:
	rm -rf site .cache .pytest_cache test-artifacts
	-[ -x $(PY) ] && $(PY) -m ml4a_figs clean

# The site's build installs exactly the locked versions (every package that can change
# the output's bytes, checked by hash), then the project itself from this checkout:
# the package editable, and the entry points of its MkDocs plugins (site_plugins/).
$(VENV)/.installed: requirements.lock pyproject.toml site_plugins/pyproject.toml
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
		-e . ./site_plugins
	touch $@

# requirements.lock from pyproject.toml's ranges (runtime, docs and test), with hashes:
# uv keeps the versions already locked unless UPGRADE=1 (then the newest that fit)
lock: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check 'uv>=0.9,<1'
	$(BIN)/uv pip compile pyproject.toml --group docs --group test --generate-hashes \
		--python $(PY) --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) \
		--quiet --output-file requirements.lock

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || bash .ci/system-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $@
