# Two commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX_STAMP := index/.built
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test index bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Re-index only when the corpus, the code's pipeline or the data files changed (the indexer itself also skips
# unchanged articles, so this is cheap either way). The folders are prerequisites too: deleting
# a file changes its folder, and --prune then removes its articles, so index/ mirrors corpus/.
$(INDEX_STAMP): $(STAMP) $(shell find corpus 2>/dev/null) search/schema.py $(wildcard search/data/*)
	$(BIN)/vnsearch index --index index --prune corpus || [ $$? -eq 3 ]  # 3: some files skipped (listed), the rest indexed
	touch $@

index: $(INDEX_STAMP)

run: $(INDEX_STAMP)
	$(BIN)/vnsearch serve --index index --host $(HOST) --port $(PORT)

# Chromium for the browser tests comes from Debian's packages (a tool's own browser download
# does not work on these machines).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

test: $(STAMP) chromium
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/facets.py
	$(BIN)/python bench/relevance.py

clean:
	rm -rf $(VENV) index/_* index/*.toc index/*.seg index/*.pst index/vnsearch.json index/*-[0-9]*.* $(INDEX_STAMP) test-output
