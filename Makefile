# Soco's entry points. `make run` and `make test` are the two that matter; both install what is
# missing first (idempotently) and say what they are doing.
#
#   make run     build a release and serve Soco at http://127.0.0.1:3000 (SQLite in ./data)
#   make test    every check: fmt, clippy (server and wasm), unit and integration tests
#                (SQLite, and PostgreSQL when SOCO_TEST_POSTGRES_URL is set), Playwright, and the
#                release site's size against the ceilings in budgets.json
#   make e2e     only the Playwright suite: the release site, served by the test build's server
#   make site    only the release site (wasm, JS, CSS, charts; hashed, precompressed) in target/site
#   make size    what the shell, each page group and the chart code cost (raw, gzip, brotli)
#                against budgets.json
#   make bench   benchmarks (figures only, never pass/fail on time): Lighthouse mobile and
#                desktop on /login and an account page; a million sandbox orders
#                paged in bounded memory; page answers at 1 and 16 connections; login latency at 20/s;
#                sign-up and reset timing for known vs unknown addresses (200 pairs);
#                TikTok analytics at 5 accounts x 1,000 videos x 365 days
#   make help    this list

SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# One cargo target folder outside the work tree, shared by every clone on this machine.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/soco-target
SITE := $(ROOT)/target/site
SERVER_BIN := $(CARGO_TARGET_DIR)/release/server
# Playwright drives the server `cargo test` already built (same code, test profile): the suite
# needs no second compile of the workspace. `make run` serves the release build.
E2E_SERVER_BIN := $(CARGO_TARGET_DIR)/debug/server
APT_PACKAGES := chromium
SUDO := $(shell [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null && echo sudo)

say = @printf '\n\033[1m==> [%s] %s\033[0m\n' "$$(date +%T)" "$(1)"

.PHONY: bench help run build test lint fmt-check clippy clippy-wasm unit e2e size setup setup-build setup-test \
	prerequisites rust-tools npm-build npm-e2e npm-lighthouse apt-packages site clean

help:
	@sed -n 's/^#   //p' $(ROOT)/Makefile

# --- the two commands -------------------------------------------------------------------------

run: setup-build build
	$(call say,Serving Soco at http://127.0.0.1:3000 (Ctrl+C stops it))
	cd $(ROOT) && LEPTOS_SITE_ROOT=$(SITE) $(SERVER_BIN) serve

test: setup-test lint unit e2e size
	$(call say,All checks passed)
	@bash $(ROOT)/.ci/summary $(CARGO_TARGET_DIR)/soco-test-logs

# --- building ---------------------------------------------------------------------------------

build: site
	$(call say,Building the release server)
	cd $(ROOT) && cargo build --release --locked -p server --bin server

site: setup-build
	$(call say,Building the release site (wasm-release + wasm-opt -Oz, esbuild, hashed, precompressed))
	cd $(ROOT) && cargo xtask site

# --- checks -----------------------------------------------------------------------------------

lint: fmt-check clippy clippy-wasm

fmt-check:
	$(call say,cargo fmt --check)
	cargo fmt --all --check

clippy:
	$(call say,clippy: server build (all targets))
	cargo clippy --all-targets --locked -- -D warnings

clippy-wasm:
	$(call say,clippy: browser build (wasm32))
	cargo clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings

unit:
	$(call say,Unit and integration tests (SQLite$(if $(SOCO_TEST_POSTGRES_URL), and PostgreSQL,; set SOCO_TEST_POSTGRES_URL for PostgreSQL)))
	mkdir -p $(CARGO_TARGET_DIR)/soco-test-logs
	cargo test --locked 2>&1 | tee $(CARGO_TARGET_DIR)/soco-test-logs/cargo-test.log

e2e: setup-test site
	$(call say,Playwright: hydrated and JavaScript-off projects against the release site)
	@# The very build `make unit` ran (same features as every test; nothing to do after it).
	cd $(ROOT) && cargo test --locked --no-run
	mkdir -p $(CARGO_TARGET_DIR)/soco-test-logs
	cd end2end && SOCO_E2E_SERVER=$(E2E_SERVER_BIN) SOCO_E2E_SITE=$(SITE) \
		PLAYWRIGHT_JSON_OUTPUT_NAME=$(CARGO_TARGET_DIR)/soco-test-logs/playwright.json \
		npx playwright test --reporter=list,json

size: site
	$(call say,Release asset sizes against budgets.json (bytes))
	cd $(ROOT) && cargo xtask size

bench: setup-build npm-lighthouse apt-packages site
	$(call say,Benchmark: Lighthouse mobile and desktop on /login and a TikTok account page (release site))
	cargo bench --locked -p server --bench lighthouse
	$(call say,Benchmark: a million TikTok Shop orders paged through the sandbox (bounded memory))
	cargo test --locked --release -p sandbox --test million_orders -- --ignored --nocapture
	$(call say,Benchmark: pages at 1 and 16 connections (release build))
	cargo bench --locked -p server --bench pages
	$(call say,Benchmark: login latency (release build))
	cargo bench --locked -p server --bench login
	$(call say,Benchmark: does answer timing reveal accounts? (200 pairs of sign-ups and reset requests))
	cargo bench --locked -p server --bench enumeration
	$(call say,Benchmark: TikTok analytics at scale (release build; about 25 minutes: a year of real sync))
	cargo bench --locked -p server --bench analytics

# --- installing what is missing ---------------------------------------------------------------

setup: setup-test
setup-build: prerequisites rust-tools npm-build
setup-test: setup-build npm-e2e apt-packages

prerequisites:
	@command -v cargo >/dev/null || { echo "Soco needs Rust: install it with rustup (https://rustup.rs) and run make again." >&2; exit 1; }
	@command -v rustup >/dev/null || { echo "Soco needs rustup to add the wasm32 target (https://rustup.rs)." >&2; exit 1; }
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Soco needs Node.js 20+ with npm (for wasm-opt, ECharts and Playwright)." >&2; exit 1; }

# Nothing to `cargo install`: the site is built by the workspace's own xtask (wasm-bindgen as a
# library, wasm-opt and esbuild from npm).
rust-tools:
	@if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then \
		printf '\n==> Adding the wasm32-unknown-unknown target\n'; rustup target add wasm32-unknown-unknown; fi

npm-build: node_modules/.package-lock.json
npm-e2e: end2end/node_modules/.package-lock.json
npm-lighthouse: end2end/lighthouse/node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	$(call say,Installing build tools from npm (binaryen, esbuild, echarts))
	npm ci --no-audit --no-fund

end2end/node_modules/.package-lock.json: end2end/package.json end2end/package-lock.json
	$(call say,Installing Playwright from npm (browser: Debian's Chromium, never downloaded))
	cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund

end2end/lighthouse/node_modules/.package-lock.json: end2end/lighthouse/package.json end2end/lighthouse/package-lock.json
	$(call say,Installing Lighthouse from npm (make bench only))
	cd end2end/lighthouse && npm ci --no-audit --no-fund

apt-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		printf '\n==> Installing Debian packages:%s\n' "$$missing"; \
		if [ "$$(id -u)" != 0 ] && [ -z "$(SUDO)" ]; then \
			echo "Please install these Debian packages as root:$$missing" >&2; exit 1; fi; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf target/site target/site.new
