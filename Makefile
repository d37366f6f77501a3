# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run serve-lan test bench demo assets setup setup-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

run: setup
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT)

# For a hall: the room's Wi-Fi, no internet; prints the address phones open and its QR code.
serve-lan: setup
	$(BIN)/python -m dashboard serve --lan --port $(PORT)

test: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

bench: setup-test
	$(BIN)/python -m benchmarks --sizes 1000,10000,100000 --repeat 3

demo: setup
	$(BIN)/python -m dashboard demo --out geodata/atlas.gpkg

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts

# Re-copy the map's JavaScript/CSS from their pinned npm releases (needs npm; the copies are committed).
assets: setup
	$(BIN)/python -m dashboard assets
