#!/usr/bin/env bash
# Stops the processes that hold the cameras: SIGTERM, then SIGKILL after --timeout seconds (5).
# Asks first unless --yes. Never stops itself, its parent or PID 1. Run as root for other users'.
# Thin wrapper over `stereo reclaim --kill`; extra arguments go to it (see `stereo reclaim --help`).
# Exit codes: 0 the cameras are free, 1 something still holds one, 2 bad usage, 3 not confirmed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jar="${STEREO_JAR:-}"
if [ -z "$jar" ]; then
  for candidate in "$here/../app/target/stereo.jar" /opt/stereo/stereo.jar; do
    if [ -f "$candidate" ]; then jar="$candidate"; break; fi
  done
fi
if [ -z "$jar" ] || [ ! -f "$jar" ]; then
  echo "kill_camera_processes.sh: stereo.jar not found (build it with 'mvn -DskipTests package', install it, or set STEREO_JAR)" >&2
  exit 2
fi
exec java -jar "$jar" reclaim --kill "$@"
