# Sluice — one Makefile; CI (.ci/run) calls `make test`. `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

JAVA_HOME := $(shell scripts/find-jdk)
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
# The Maven wrapper (./mvnw, Maven 3.9.16 from Maven Central on first use): the same Maven everywhere.
MVN ?= ./mvnw -B -ntp
SLUICE := task-runner/bin/sluice
RUNNER_JAR := task-runner/target/sluice.jar
TOOLS_JAR := tools/target/sluice-tools.jar
AOT_CACHE := task-runner/target/sluice.aot
RUNNER_SOURCES := pom.xml task-runner/pom.xml $(shell find task-runner/src/main -type f 2>/dev/null)
TOOLS_SOURCES := sandbox/pom.xml tools/pom.xml $(shell find sandbox/src/main tools/src/main -type f 2>/dev/null)

# Fragments add their own targets and append to these lists (make/airflow.mk, make/docker.mk, ...).
# `make test` runs TEST_TARGETS one after the other, then TEST_SUITES at once (TEST_JOBS at a time):
# suites that share nothing (each its own ports, homes, databases, Airflow), mostly waiting on
# schedulers and containers; make prints each one's output whole when it ends.
TEST_TARGETS := lint test-java
TEST_SUITES :=
TEST_JOBS ?= 4
LINT_TARGETS :=
BENCH_TARGETS :=
CLEAN_TARGETS :=

include $(sort $(wildcard make/*.mk))

.PHONY: help build aot test test-java lint format demo bench clean

help: ## List the targets
	@echo "Sluice — make targets (JDK: $(JAVA_HOME))"
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

build: $(RUNNER_JAR) $(TOOLS_JAR) $(AOT_CACHE) ## Build the runner (task-runner/bin/sluice), its AOT cache, and the dev tools (sandbox, demo, bench)

# One reactor build makes all three modules (sandbox, task-runner, tools); Maven leaves a jar whose
# content did not change alone, so a change to the tools alone does not retrain the AOT cache.
$(RUNNER_JAR): $(RUNNER_SOURCES)
	$(MVN) -q package -DskipTests -Dsluice.aot.skip=true
	@touch -c $@ $(TOOLS_JAR)

# After the runner's rule, never beside it (make -j): two Maven builds of one reactor clash in target/.
$(TOOLS_JAR): $(RUNNER_JAR) $(TOOLS_SOURCES)
	$(MVN) -q package -DskipTests -Dsluice.aot.skip=true
	@touch $@

# The AOT cache is trained on `sluice selftest` (a real run against embedded PostgreSQL and an
# in-process fixture API) on the production classpath (the launcher leaves the tools out of a
# training run); it is only valid for the exact jars it was trained with, so it follows the jar.
$(AOT_CACHE): $(RUNNER_JAR)
	@rm -f $@
	SLUICE_AOT_OUTPUT=$@ SLUICE_LOG_FORMAT=text $(SLUICE) selftest >task-runner/target/aot-training.log 2>&1 || \
	  { tail -n 20 task-runner/target/aot-training.log; echo "AOT training failed; log: task-runner/target/aot-training.log"; exit 1; }
	@echo "AOT cache: $$(du -h $@ | cut -f1) at $@"

aot: $(AOT_CACHE) ## (Re)train the AOT cache for the current build

test: $(TEST_TARGETS) ## Run every test: lint, the Java tests, then the DAG, Airflow-stack and image suites at once
	$(if $(TEST_SUITES),$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target $(TEST_SUITES))

lint: $(LINT_TARGETS) ## Check formatting and style (Java: Spotless with palantir-java-format, fix with make format; DAGs: ruff)
	$(MVN) -q spotless:check

format: ## Reformat the Java code (what make lint checks)
	$(MVN) -q spotless:apply

test-java: ## Run the Java tests of all modules (unit, ArchUnit, functional and chaos: real PostgreSQL, real processes)
	$(MVN) verify

demo: build ## Run the main job end to end on the embedded default and the sandbox API
	$(SLUICE) demo

bench: build $(BENCH_TARGETS) ## Run the benchmarks (results in bench/results/)

clean: $(CLEAN_TARGETS) ## Remove build outputs
	$(MVN) -q clean
