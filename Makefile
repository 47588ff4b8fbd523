# Drift Explorer — the two commands of the README.
#   make run   create .venv if needed, install requirements.txt, prepare the built-in scenarios' results in
#              the disk cache (python -m ui.warm: minutes once after each code update, then about a second),
#              start the app (credit-scoring scenario; serve.py: app.py, served once its modules are imported)
#   make test  create .venv if needed, install requirements-dev.txt, get Chromium, run every test
#
# Needs only python3.11 and make; pip installs re-run only when a requirements file changes (stamp files).

PYTHON   ?= python3.11
VENV     ?= .venv
PY       := $(VENV)/bin/python
PORT     ?= 8501
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=
# pytest-xdist workers for make test (0: one process); files stay whole on a worker (tests/conftest.py)
TEST_WORKERS ?= 2

RUN_STAMP := $(VENV)/.requirements.stamp
DEV_STAMP := $(VENV)/.requirements-dev.stamp

.PHONY: run test lint chromium

run: $(RUN_STAMP)
	$(PY) -m ui.warm
	@echo ""
	@echo "  Drift Explorer is starting on the credit-scoring scenario:"
	@echo "  open http://localhost:$(PORT)   (Ctrl+C to stop)"
	@echo ""
	$(PY) -m streamlit run serve.py --server.headless true --server.port $(PORT) \
		--browser.gatherUsageStats false --client.toolbarMode minimal

test: $(DEV_STAMP) chromium
	$(PY) -m pytest tests -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(PY) -m ruff check app.py pages ui drift tests bench

# --- environment ----------------------------------------------------------------------------------
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -r requirements-dev.txt
	@touch $@ $(RUN_STAMP)

# Debian's Chromium drives the browser test (Playwright never downloads a browser here).  Installed
# with apt-get when missing and we are root; otherwise the browser test skips (and fails when CI=true).
chromium:
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "chromium: installing Debian's chromium with apt-get"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "chromium: $(CHROMIUM) missing and not root: the browser test will be skipped" \
		     "(or fail when CI=true). Install it with: sudo apt-get install chromium"; \
	fi
