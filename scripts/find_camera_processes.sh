#!/usr/bin/env bash
# Lists the processes that hold the cameras (open /dev/video*, /dev/media*, /dev/v4l-subdev*, or
# libcamera loaded): PID, user, command line and what each holds. Stops nothing.
# Thin wrapper over `stereo reclaim --list`; extra arguments go to it (see `stereo reclaim --help`).
# Exit codes: 0 nothing holds a camera, 3 something does, 2 bad usage. Run as root to see every user's.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jar="${STEREO_JAR:-}"
if [ -z "$jar" ]; then
  for candidate in "$here/../app/target/stereo.jar" /opt/stereo/stereo.jar; do
    if [ -f "$candidate" ]; then jar="$candidate"; break; fi
  done
fi
if [ -z "$jar" ] || [ ! -f "$jar" ]; then
  echo "find_camera_processes.sh: stereo.jar not found (build it with 'mvn -DskipTests package', install it, or set STEREO_JAR)" >&2
  exit 2
fi
exec java -jar "$jar" reclaim --list "$@"
