#!/usr/bin/env bash
# One command that installs what the tests need and runs the whole suite, as CI does.
# The end-to-end tests (real stereo.jar, real headless Chromium over WebRTC) run inside a private
# network namespace whose only interface is loopback, so no test traffic can leave 127.0.0.1.
# Must run as root (unshare --net needs it). Extra arguments go to Maven (e.g. -Dit.test=WhepIT).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
npm ci --prefix e2e --no-audit --no-fund --loglevel=error

# Outside the namespace (it has no network): download every Maven dependency and plugin. Running
# one pure unit test also fetches the test runner's providers; nothing here opens a socket.
mvn -B -q -DskipE2e=true -Dtest=SdpOfferTest -Dsurefire.failIfNoSpecifiedTests=false install

# Inside it: the whole suite again, offline, now with the end-to-end tests.
exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' bash mvn -B -o verify "$@"
