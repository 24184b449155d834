# The two commands of the README: `make demo` and `make test` (a development machine).
# `make demo` creates .venv with what the app needs only; `make test` adds the test tools
# and, as root on Debian, the system packages the real-peer tests use (kamailio, sipp,
# gnome-keyring, dbus, tmux, openssh-server). On a PBX host, install the tool instead:
# `pipx install .` or `uv tool install .` (README, "Install on a PBX host").
PYTHON ?= python3
# Parallel test workers: the suite mostly waits on real peers, so more workers than cores.
JOBS ?= 4
# Tests see what an admin's login shell gives the tool: no PYTHONUNBUFFERED.
unexport PYTHONUNBUFFERED
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-stamp
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test check lint typecheck unit fast explore system-deps bench screenshots wheel clean
.PHONY: py310 test-lowest install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

# What the app needs to run, nothing else.
$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $(RUNTIME_STAMP)

# The test tools as well (pytest, ruff, mypy, schemathesis...).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(RUNTIME_STAMP) $(STAMP)

demo: $(RUNTIME_STAMP)
	$(BIN)/trunkwiz demo

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP) py310
	$(BIN)/ruff check trunkwiz tests bench scripts
	$(BIN)/ruff format --check trunkwiz tests bench scripts

# Python 3.10 (Ubuntu 22.04's) has no Debian release to run the tests on: the package is
# checked for it statically, its use of the standard library (vermin) here and its types
# in `typecheck` (mypy's python_version is 3.10 in pyproject.toml).
py310: $(STAMP)
	$(BIN)/vermin --target=3.10- --no-tips --violations --eval-annotations -q trunkwiz

typecheck: $(STAMP)
	$(BIN)/mypy

# The whole suite, real peers included, in parallel workers. Tests are handed out one at a
# time as workers free up (`--maxschedchunk 1`), so the long ones, collected first, spread
# over the workers instead of landing in the first worker's opening batch.
unit: $(STAMP)
	$(BIN)/pytest -n $(JOBS) --maxschedchunk 1

# The tests that need no real peer (no Kamailio, sipp, tmux, sshd, shell or child CLI).
fast: $(STAMP)
	$(BIN)/pytest -n 2 --maxschedchunk 1 -m "not integration" -q

# The inner loop: lint, types, and the tests without real peers (under 90 s on 2 cores).
check: lint typecheck fast

test: $(STAMP) system-deps lint typecheck unit test-lowest

# The long explorations (random walks through the wizard) for as long as asked:
# `make explore EXPLORE_SECONDS=1800`; a failure prints the walk and the seed to replay it.
EXPLORE_SECONDS ?= 600
explore: $(STAMP)
	TRUNKWIZ_EXPLORE_SECONDS=$(EXPLORE_SECONDS) TRUNKWIZ_EXPLORE_EXAMPLES=1000000 \
		$(BIN)/pytest -p no:cacheprovider --timeout=0 -s tests/tui/test_tui_explore.py tests/tui/test_tui_walks.py

# The unit tests with the lowest dependency versions pyproject.toml allows (uv's
# lowest-direct resolution, in .venv-lowest, kept until pyproject.toml changes).
test-lowest: $(STAMP)
	PYTHON=$(PYTHON) bash scripts/test-lowest.sh

# The wheel installed with pipx in a minimal Debian 13 root (Python 3.13), the tool and the
# unit tests run there (root on Debian; it skips elsewhere). The root is kept in
# /var/cache/trunkwiz (scripts/chroot-trixie.sh).
install-test: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests/integration/test_install_trixie.py

bench: $(STAMP)
	@status=0; for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || status=1; done; \
		exit $$status

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

# A wheel in dist/ to copy to a PBX host (`pipx install dist/trunkwiz-*.whl`).
wheel: $(BIN)/python
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps -w dist .

clean:
	rm -rf $(VENV) .venv-lowest dist .pytest_cache .mypy_cache .ruff_cache
