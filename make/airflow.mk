# Airflow side (dags/): a virtualenv installed exactly from the committed lock, and the DAG tests.
# The venv is keyed on the lock's content: `make airflow-venv` is a no-op while the lock is unchanged,
# and rebuilds the venv from scratch when it changes (so no stale package survives an upgrade).

AIRFLOW_VENV   := .venv/airflow
AIRFLOW_LOCK   := dags/requirements-airflow.lock
AIRFLOW_PYTHON ?= $(shell command -v python3.11 || command -v python3)
AIRFLOW_STAMP  := $(AIRFLOW_VENV)/.installed-$(shell sha256sum $(AIRFLOW_LOCK) | cut -c1-16)
AIRFLOW_PIP    := $(AIRFLOW_VENV)/bin/pip --disable-pip-version-check
# What the lock resolves; edit here, then `make airflow-lock`.
AIRFLOW_TOP    := apache-airflow==3.3.2 apache-airflow-task-sdk==1.3.2 \
                  apache-airflow-providers-docker==4.6.1 apache-airflow-providers-cncf-kubernetes==10.25.0 \
                  apache-airflow-providers-postgres==7.1.1 apache-airflow-providers-celery==3.26.0 \
                  apache-airflow-providers-common-messaging==2.1.2 apache-airflow-providers-redis==4.7.1 \
                  pytest PyYAML
# The re-resolution keeps every version the lock already pins (a constraint), so adding a provider
# adds its dependencies without moving the rest; `make airflow-lock AIRFLOW_LOCK_KEEP=` re-resolves all.
AIRFLOW_LOCK_KEEP ?= -c $(AIRFLOW_LOCK)

# ruff lints dags/ (dags/ruff.toml) from its own small venv, pinned by dags/requirements-lint.txt,
# so `make lint` needs no Airflow install; keyed on that file like the Airflow venv.
RUFF_VENV      := .venv/ruff
RUFF_REQS      := dags/requirements-lint.txt
RUFF_STAMP     := $(RUFF_VENV)/.installed-$(shell sha256sum $(RUFF_REQS) | cut -c1-16)

TEST_SUITES   += test-dags test-dags-celery test-dags-events
LINT_TARGETS  += lint-dags
CLEAN_TARGETS += clean-airflow

.PHONY: airflow-venv airflow-lock test-dags test-dags-docker test-dags-celery test-dags-events test-dags-scale lint-dags clean-airflow

lint-dags: $(RUFF_STAMP) ## Lint the DAG code with ruff, Airflow 3 rules included (part of make lint)
	$(RUFF_VENV)/bin/ruff check dags

$(RUFF_STAMP):
	rm -rf $(RUFF_VENV)
	python3 -m venv $(RUFF_VENV)
	$(RUFF_VENV)/bin/pip --disable-pip-version-check install -q -r $(RUFF_REQS)
	touch $@

airflow-venv: $(AIRFLOW_STAMP) ## Create .venv/airflow from dags/requirements-airflow.lock (no-op when current)

# No prerequisite on purpose: the stamp's name carries the lock's hash, so a checkout that only
# touches the lock's mtime does not reinstall.
$(AIRFLOW_STAMP):
	@$(AIRFLOW_PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else \
	  f"make/airflow.mk: $(AIRFLOW_LOCK) is for Python 3.11 but $(AIRFLOW_PYTHON) is {v[0]}.{v[1]}; set AIRFLOW_PYTHON=python3.11")'
	rm -rf $(AIRFLOW_VENV)
	$(AIRFLOW_PYTHON) -m venv $(AIRFLOW_VENV)
	$(AIRFLOW_PIP) install -q --no-deps -r $(AIRFLOW_LOCK)
	$(AIRFLOW_PIP) check
	touch $@

airflow-lock: ## Re-resolve Airflow + providers (AIRFLOW_TOP) from PyPI and rewrite the lock
	rm -rf .venv/airflow-lock
	$(AIRFLOW_PYTHON) -m venv .venv/airflow-lock
	.venv/airflow-lock/bin/pip install -q $(AIRFLOW_TOP) $(AIRFLOW_LOCK_KEEP)
	.venv/airflow-lock/bin/pip check
	{ sed -n '/^#/p' $(AIRFLOW_LOCK); .venv/airflow-lock/bin/pip freeze; } > $(AIRFLOW_LOCK).new
	mv $(AIRFLOW_LOCK).new $(AIRFLOW_LOCK)
	rm -rf .venv/airflow-lock

test-dags: airflow-venv build ## Run the DAG tests (unit; dag.test with a fake runner and with the real runner)
	cd dags && ../$(AIRFLOW_VENV)/bin/python -m pytest tests -m "not docker and not celery and not events and not scale"

# 10 000 partitions through dag.test() in 1 000 chunks: 10-30 minutes of Airflow's per-task cost,
# so not part of make test (test-dags runs the same chunked path at max_map_length = 8).
test-dags-scale: airflow-venv build ## Run the 10 000-partition DAG test (chunks past max_map_length; 10-30 min)
	cd dags && ../$(AIRFLOW_VENV)/bin/python -m pytest tests -m scale

# A real scheduler, api-server, Redis and two Celery workers (dags/tests/celery_stack.py); needs
# Debian's redis-server, else SKIPPED loudly (SLUICE_REQUIRE_REDIS=1, as in .ci/run: failed).
test-dags-celery: airflow-venv build ## Run the CeleryExecutor tests: 16 partitions over two workers, one killed mid-run
	cd dags && SLUICE_REQUIRE_REDIS=$(SLUICE_REQUIRE_REDIS) ../$(AIRFLOW_VENV)/bin/python -m pytest tests -m celery

# Runs started by broker messages (dags/tests/events_stack.py): Redis, api-server, dag-processor,
# scheduler and a triggerer that the tests restart; same redis-server rule as test-dags-celery.
test-dags-events: airflow-venv build ## Run the message-triggered run tests: Redis pub/sub and stream, triggerer restarts
	cd dags && SLUICE_REQUIRE_REDIS=$(SLUICE_REQUIRE_REDIS) ../$(AIRFLOW_VENV)/bin/python -m pytest tests -m events

# Starts a Docker engine where it can (scripts/docker-engine, as root) and builds the image
# sluice-task-runner:dags-e2e with `make image`; SKIPPED loudly without an engine (REQUIRE_DOCKER=1: failed).
test-dags-docker: airflow-venv build ## Run the DAG end-to-end tests on the docker backend (real engine, runner image)
	cd dags && REQUIRE_DOCKER=$(REQUIRE_DOCKER) ../$(AIRFLOW_VENV)/bin/python -m pytest tests -m docker

clean-airflow:
	rm -rf .airflow dags/.pytest_cache
	find dags -name __pycache__ -type d -prune -exec rm -rf {} +
