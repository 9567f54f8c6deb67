# Secure MCP Gateway: `make` builds and starts the docker compose stack, waits until it is healthy and smoke-tests
# it with a real token. `make help` lists every target. Targets marked [docker] need a running Docker engine.

SHELL := /bin/bash
.DEFAULT_GOAL := all

# `docker compose` (v2 plugin) when present, else the standalone `docker-compose`.
COMPOSE := $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo "docker-compose")
GATEWAY_URL ?= http://localhost:8000
WAIT_SECONDS ?= 240
# The CLI inside the gateway container, so the host needs nothing but Docker.
CLI := $(COMPOSE) exec -T gateway node core/dist/cli.js
TOKEN_USER := --keycloak-url http://keycloak:8080 --realm mcp-gateway

.PHONY: all help check-docker env build up down wait smoke test test-auth keycloak-setup logs ps clean

all: check-docker env build up wait smoke ## [docker] build, start, wait until healthy, smoke-test with a real token
	@echo "Ready: gateway $(GATEWAY_URL) (MCP endpoint $(GATEWAY_URL)/mcp), Keycloak http://localhost:8080 (testuser/testpass, admin/admin123)"

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{ printf "  make %-16s %s\n", $$1, $$2 }'

check-docker:
	@command -v docker >/dev/null 2>&1 || { echo "make: this target needs Docker, and the 'docker' command is not installed (https://docs.docker.com/get-docker/)." >&2; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "make: this target needs a running Docker engine; 'docker info' failed (start Docker Desktop or the docker service)." >&2; exit 1; }
	@$(COMPOSE) version >/dev/null 2>&1 || { echo "make: this target needs Docker Compose ('docker compose' or 'docker-compose')." >&2; exit 1; }

env: ## create .env from .env.example when missing
	@test -f .env || { cp .env.example .env && echo "created .env from .env.example"; }

build: check-docker env ## [docker] build the gateway image
	$(COMPOSE) build

up: check-docker env ## [docker] start every service in the background
	$(COMPOSE) up -d

down: check-docker ## [docker] stop the services (data is kept)
	$(COMPOSE) down

wait: check-docker ## [docker] wait until the gateway reports healthy
	@echo "waiting up to $(WAIT_SECONDS)s for the gateway to be healthy..."
	@for i in $$(seq 1 $(WAIT_SECONDS)); do \
	  status=$$(docker inspect -f '{{.State.Health.Status}}' $$($(COMPOSE) ps -q gateway) 2>/dev/null); \
	  if [ "$$status" = healthy ]; then echo "gateway is healthy"; exit 0; fi; \
	  sleep 1; \
	done; \
	echo "make wait: the gateway is not healthy after $(WAIT_SECONDS)s; see 'make logs'" >&2; $(COMPOSE) ps; exit 1

smoke: check-docker ## [docker] log in as testuser, list servers and tools, call a tool through the gateway
	@set -euo pipefail; \
	token=$$(MCP_GATEWAY_PASSWORD=testpass $(CLI) token $(TOKEN_USER) -u testuser); \
	echo "--- servers"; $(CLI) servers list --token "$$token"; \
	echo "--- tools of 'everything'"; $(CLI) tools list --server everything --token "$$token" | head -n 6; \
	echo "--- everything__echo"; $(CLI) invoke everything echo --param message=smoke-test --token "$$token"; \
	echo "smoke test passed"

test: ## run the whole test suite on this machine (needs PostgreSQL on 127.0.0.1:5432; see .ci/run)
	npm test

test-auth: check-docker ## [docker] check authentication: no token 401, user token 200, admin API 403 for a user
	@set -euo pipefail; \
	code=$$(curl -s -o /dev/null -w '%{http_code}' $(GATEWAY_URL)/mcp/servers); \
	[ "$$code" = 401 ] && echo "no token: 401 as expected" || { echo "no token: expected 401, got $$code" >&2; exit 1; }; \
	token=$$(MCP_GATEWAY_PASSWORD=testpass $(CLI) token $(TOKEN_USER) -u testuser); \
	code=$$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $$token" $(GATEWAY_URL)/mcp/servers); \
	[ "$$code" = 200 ] && echo "testuser token: 200 as expected" || { echo "testuser token: expected 200, got $$code" >&2; exit 1; }; \
	code=$$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $$token" -H 'content-type: application/json' -d '{"enabled":true}' $(GATEWAY_URL)/mcp/server/everything); \
	[ "$$code" = 403 ] && echo "admin API as testuser: 403 as expected" || { echo "admin API as testuser: expected 403, got $$code" >&2; exit 1; }; \
	echo "authentication checks passed"

keycloak-setup: check-docker ## [docker] re-import the realm from keycloak/ (overwrites changes made in Keycloak)
	$(COMPOSE) stop keycloak
	$(COMPOSE) run --rm --no-deps keycloak import --dir /opt/keycloak/data/import --override true
	$(COMPOSE) up -d keycloak
	@echo "realm re-imported; run 'make wait' and 'make test-auth' to check"

logs: check-docker ## [docker] follow every service's logs
	$(COMPOSE) logs -f --tail=100

ps: check-docker ## [docker] show the services and their health
	$(COMPOSE) ps

clean: check-docker ## [docker] stop everything and delete its data (database, logs, built image)
	$(COMPOSE) down -v --rmi local --remove-orphans
