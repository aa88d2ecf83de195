# Docker: the task-runner image that Airflow's DockerOperator starts, one container per partition.
#
# Variables (make image IMAGE=... BASE_IMAGE=...):
#   IMAGE           the task-runner image to build             (sluice-task-runner:latest)
#   REGISTRY_BASE   the base users get from a registry          (eclipse-temurin:25-jre)
#   LOCAL_BASE      the base built here without any registry    (sluice-base:bookworm-jre25)
#   BASE_IMAGE      the base to build on; empty = REGISTRY_BASE if it is local or can be pulled,
#                   else LOCAL_BASE, built by scripts/base-image when missing
#   AOT_TRAINING    sluice arguments of the AOT cache's training run; "off" = no cache  (selftest)
#   REQUIRE_DOCKER  1 = fail instead of skipping when no engine can be started (CI on root machines)
#   DOCKER          the docker CLI                              (docker)
# The build log (with the AOT training run) goes to task-runner/target/image-build.log.
# Needs root where no engine runs yet: scripts/docker-engine installs docker.io and starts dockerd.

IMAGE ?= sluice-task-runner:latest
REGISTRY_BASE ?= eclipse-temurin:25-jre
LOCAL_BASE ?= sluice-base:bookworm-jre25
BASE_IMAGE ?=
AOT_TRAINING ?= selftest
REQUIRE_DOCKER ?=
DOCKER ?= docker
IMAGE_LOG := task-runner/target/image-build.log

TEST_TARGETS += test-image compose-config

.PHONY: docker-engine base-image image image-clean test-image compose-config

docker-engine: ## Make a Docker engine answer (installs docker.io and starts dockerd if needed)
	scripts/docker-engine

base-image: docker-engine ## Build the registry-free base image LOCAL_BASE (debootstrap + jlink)
	scripts/base-image $(LOCAL_BASE)

image: build docker-engine ## Build the task-runner image IMAGE (base: BASE_IMAGE, see make/docker.mk)
	@base='$(BASE_IMAGE)'; \
	if [ -z "$$base" ]; then \
	  if $(DOCKER) image inspect $(REGISTRY_BASE) >/dev/null 2>&1 || \
	     timeout 300 $(DOCKER) pull -q $(REGISTRY_BASE) >/dev/null 2>&1; then \
	    base=$(REGISTRY_BASE); \
	  else \
	    echo "image: $(REGISTRY_BASE) is not here and cannot be pulled; using $(LOCAL_BASE)"; \
	    base=$(LOCAL_BASE); \
	  fi; \
	fi; \
	[ "$$base" != '$(LOCAL_BASE)' ] || scripts/base-image '$(LOCAL_BASE)'; \
	start=$$(date +%s); \
	$(DOCKER) build -f task-runner/Dockerfile --build-arg BASE_IMAGE="$$base" \
	  --build-arg AOT_TRAINING='$(AOT_TRAINING)' -t $(IMAGE) . >$(IMAGE_LOG) 2>&1 || \
	  { tail -n 40 $(IMAGE_LOG); echo "image: docker build failed; full log in $(IMAGE_LOG)"; exit 1; }; \
	echo "image status=built image=$(IMAGE) base=$$base seconds=$$(( $$(date +%s) - start ))" \
	  "size_mb=$$($(DOCKER) image inspect --format '{{.Size}}' $(IMAGE) | awk '{ printf "%.0f", $$1 / 1e6 }')"

image-clean: ## Remove the task-runner image (the local base stays: scripts/base-image --force rebuilds it)
	@if timeout 10 $(DOCKER) info >/dev/null 2>&1; then \
	  $(DOCKER) image rm -f $(IMAGE) 2>/dev/null || true; \
	  $(DOCKER) image prune -f >/dev/null; \
	else echo "image-clean: no Docker engine answers; nothing to remove"; fi

# Smoke test of the image as Airflow uses it; SKIPPED (loudly) where no engine can start.
# The AOT check goes through the launcher, as every container start does (SLUICE_AOT=on: no silent fallback).
test-image: ## Test the task-runner image: usage, exit codes, non-root user, AOT cache
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
	if [ '$(AOT_TRAINING)' != off ]; then \
	  out=$$($$run -e SLUICE_AOT=on -e SLUICE_JAVA_OPTS=-Xlog:aot $(IMAGE) --version 2>&1) || true; \
	  [[ "$$out" == *"Using AOT-linked classes: true"* ]] || \
	    { echo "$$out" | tail -n 5; echo "test-image: the AOT cache is not used"; exit 1; }; \
	fi; \
	echo "test-image: ok (usage, exit code 64 passed through, uid 10001, AOT cache mapped)"

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
