#!/usr/bin/env bash
# Says whether the cameras are free for stereo: exit 0 when no process holds a camera device or
# has libcamera loaded, 1 when some do (they are listed), 2 on bad usage. Stops nothing.
# Thin wrapper over `stereo reclaim --list`; extra arguments go to it (see `stereo reclaim --help`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jar="${STEREO_JAR:-}"
if [ -z "$jar" ]; then
  for candidate in "$here/../app/target/stereo.jar" /opt/stereo/stereo.jar; do
    if [ -f "$candidate" ]; then jar="$candidate"; break; fi
  done
fi
if [ -z "$jar" ] || [ ! -f "$jar" ]; then
  echo "check_cameras.sh: stereo.jar not found (build it with 'mvn -DskipTests package', install it, or set STEREO_JAR)" >&2
  exit 2
fi
status=0
java -jar "$jar" reclaim --list "$@" || status=$?
case "$status" in
  0) echo "check_cameras.sh: the cameras are free" ;;
  3) echo "check_cameras.sh: the cameras are busy; scripts/kill_camera_processes.sh stops the processes above" >&2
     exit 1 ;;
  *) exit "$status" ;;
esac
