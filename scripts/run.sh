#!/usr/bin/env bash
# One command from a fresh Debian 12 / Raspberry Pi OS Bookworm machine to a running appliance:
# installs what is missing, builds stereo.jar (once, or when the sources changed) and serves.
# Arguments are passed to stereo, e.g.  scripts/run.sh --source=test --port 8443
# Without cameras, --source=auto (the default) uses the built-in test source.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jar=app/target/stereo.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./e2e/node_modules -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -newer "$jar" -print -quit)" ]; then
  echo "run.sh: building $jar"
  mvn -B -q -DskipTests package
fi
exec java -jar "$jar" "$@"
