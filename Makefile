# The two commands: `make run` and `make test`. Each installs what is missing first.
.PHONY: run test bootstrap build size dev sqlx-prepare clean bench-users bench-experience bench-groups bench-rest bench-engines bench-connections bench-vs-pocketbase bench-export bench-import bench-bulk bench-history chaos tti fuzz

run:
	scripts/run

test:
	scripts/bootstrap test
	scripts/test

bootstrap:
	scripts/bootstrap test

build: bootstrap
	scripts/build

size: build
	scripts/size

# For developers: rebuilds and reloads on every change (debug build).
dev:
	scripts/bootstrap dev
	bash -c 'source scripts/env.sh && cargo leptos watch --split $${WASM_CARGO_ARGS:+--lib-cargo-args=$$WASM_CARGO_ARGS}'

sqlx-prepare:
	scripts/sqlx-prepare

clean:
	rm -rf target end2end/node_modules end2end/test-results

# Seeds USERS experience users (default 10^6) and prints p50/p95 of every list query; on
# SQLite in target/bench, or in the PostgreSQL database BENCH_DATABASE_URL names.
USERS ?= 1000000
BENCH_DATABASE_URL ?=
bench-users: bootstrap
	bash -c 'source scripts/env.sh && "$$CARGO" bench -p server --bench bench-users -- --users $(USERS) $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))'

# bench-users and bench-groups on SQLite and on a throwaway PostgreSQL, one table side by side.
bench-engines: bootstrap
	USERS=$(USERS) scripts/bench-engines

# Load test of the experience API with wrk: /me, sign-ins against the argon2 ceiling, /me under a sign-in flood.
bench-experience: bootstrap
	scripts/bench-experience

bench-export: bootstrap
	scripts/bench-export

bench-import: bootstrap
	scripts/bench-import

bench-bulk: bootstrap
	scripts/bench-bulk

bench-history: bootstrap
	scripts/bench-history

bench-connections: bootstrap
	scripts/bench-connections

bench-vs-pocketbase: bootstrap
	scripts/bench-vs-pocketbase

# Effective devices in a 10-level tree of 10^4 groups and 10^5 devices, and tag-filtered list
# pages at 10^6 users (run bench-users first: it builds that database).
bench-groups: bootstrap
	bash -c 'source scripts/env.sh && "$$CARGO" bench -p server --bench bench-groups $(if $(BENCH_DATABASE_URL),-- --database-url $(BENCH_DATABASE_URL))'

# The REST users list at 10^6 users through the real HTTP route (run bench-users first).
bench-rest: bootstrap
	bash -c 'source scripts/env.sh && "$$CARGO" bench -p server --bench bench-rest'

# Crash durability, long version: KILLS SIGKILLs of the real server under writing clients
# (make test runs 20); prints what it checked.
KILLS ?= 200
chaos: bootstrap
	bash -c 'source scripts/env.sh && CHAOS_KILLS=$(KILLS) "$$CARGO" test --release -p server --test it -- chaos --nocapture'

# Time to interactive of the login page and the users list (10^4 users) on a throttled network.
tti: build
	scripts/tti

# The property tests of the parsers (domain values, filter globs, the advanced query), long:
# CASES cases each instead of make test's 256-512. (cargo-fuzz needs a nightly compiler.)
CASES ?= 20000
fuzz: bootstrap
	bash -c 'source scripts/env.sh && PROPTEST_CASES=$(CASES) "$$CARGO" test --release -p model -p server --lib'
