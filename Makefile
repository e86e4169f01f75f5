# chainrule: `make demo` and `make test` set everything up themselves, from a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# graphviz: the `dot` program behind every diagram; dataset-fashion-mnist: the training data;
# chromium: the real browser the lecture page is tested in; poppler-utils: pdftotext measures the
# words of slides in the tests, pdftoppm turns pages into the README's pictures.
SYSTEM_PACKAGES := graphviz dataset-fashion-mnist chromium poppler-utils

.PHONY: setup system demo test bench lint docs clean

setup: system $(STAMP)

system:
	@sh scripts/system-packages.sh $(SYSTEM_PACKAGES)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,bench,train,slides,notebook,torch]'
	@touch $(STAMP)

demo: setup
	$(PY) examples/apple.py -o out/apple.svg

test: setup
	$(PY) -m pytest

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# Regenerate the example diagrams, lecture screenshots, slide and worksheet pages under docs/ that the README shows.
docs: setup
	$(PY) scripts/render_docs.py
	$(PY) scripts/lecture_docs.py
	$(PY) scripts/page_docs.py
	$(PY) scripts/exercise_docs.py
	$(PY) scripts/torch_docs.py
	$(PY) scripts/training_docs.py

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info
