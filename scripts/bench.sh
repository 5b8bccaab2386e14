#!/usr/bin/env bash
# Benchmark (not a test): latency p50/p95, fps per eye and CPU of stereo.jar per pipeline and
# setting, with a real headless-Chromium viewer, inside a loopback-only network namespace.
# Arguments go to e2e/bench.mjs, e.g.  scripts/bench.sh --runs 5 --settings 1280x720@30
# Results: a Markdown table on stdout and in bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
npm ci --prefix e2e --no-audit --no-fund --loglevel=error
[ -f app/target/stereo.jar ] || mvn -B -q -DskipTests package
exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' bash node e2e/bench.mjs "$@"
