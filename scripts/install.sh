#!/usr/bin/env bash
# Installs stereo as a systemd service (Raspberry Pi OS Bookworm / Debian 12), as root:
#   the packages it needs (scripts/install-deps.sh), the system user 'stereo' (groups video,
#   render, gpio), /opt/stereo/stereo.jar, /etc/stereo/camera_profiles.yaml (an existing one is
#   kept; the new default goes beside it as .dist), /etc/systemd/system/stereo.service, enabled
#   and (re)started, and /usr/local/bin/stereo.
#
#   scripts/install.sh [--destdir DIR] [--jar FILE] [--no-deps] [--no-start]
#
#   --destdir DIR  install into DIR as the root of another system (also DESTDIR=DIR): nothing is
#                  installed or started on this machine; the user is added to DIR/etc/passwd
#                  only when that file exists (systemd-sysusers --root), the service is enabled
#                  with systemctl --root
#   --jar FILE     the stereo.jar to install (default app/target/stereo.jar, built when missing);
#                  with it only the runtime packages are installed (install-deps.sh --runtime)
#   --no-deps      do not install packages
#   --no-start     enable the service but do not start it
# scripts/uninstall.sh removes it again.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
root="${DESTDIR:-}"
jar=""
deps=1
start=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --destdir) [ "$#" -ge 2 ] || { echo "install.sh: --destdir needs a directory" >&2; exit 2; }
               root="$2"; shift ;;
    --destdir=*) root="${1#--destdir=}" ;;
    --jar) [ "$#" -ge 2 ] || { echo "install.sh: --jar needs a file" >&2; exit 2; }
           jar="$2"; shift ;;
    --jar=*) jar="${1#--jar=}" ;;
    --no-deps) deps=0 ;;
    --no-start) start=0 ;;
    -h|--help) sed -n '/^set -e/q;2,$p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
root="${root%/}"
if [ -n "$root" ]; then
  mkdir -p "$root"
  root="$(cd "$root" && pwd)"
  if [ "$root" = / ]; then root=""; fi
fi

say() { echo "install.sh: $*"; }

if [ -z "$root" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: run as root (sudo $0)" >&2
    exit 1
  fi
  if [ "$deps" = 1 ] && [ -n "$jar" ]; then
    # A prebuilt jar (e.g. stereo-linux-arm64.jar copied to a Pi) needs no JDK or Maven.
    "$repo/scripts/install-deps.sh" --runtime
  elif [ "$deps" = 1 ]; then
    "$repo/scripts/install-deps.sh"
  fi
fi

if [ -z "$jar" ]; then
  jar="$repo/app/target/stereo.jar"
  if [ ! -f "$jar" ]; then
    say "building $jar"
    (cd "$repo" && mvn -B -q -DskipTests package)
  fi
fi
if [ ! -f "$jar" ]; then
  echo "install.sh: $jar: no such file" >&2
  exit 1
fi

install -d -m 0755 "$root/opt/stereo" "$root/opt/stereo/scripts" "$root/etc/stereo" \
  "$root/etc/systemd/system" "$root/etc/sysusers.d" "$root/usr/local/bin"
install -m 0644 "$jar" "$root/opt/stereo/stereo.jar"
install -m 0644 "$repo/README.md" "$root/opt/stereo/README.md"
for script in find_camera_processes.sh check_cameras.sh kill_camera_processes.sh; do
  install -m 0755 "$repo/scripts/$script" "$root/opt/stereo/scripts/$script"
done
printf '%s\n' '#!/bin/sh' '# stereo command line (installed by scripts/install.sh)' \
  'exec java -jar /opt/stereo/stereo.jar "$@"' > "$root/usr/local/bin/stereo"
chmod 0755 "$root/usr/local/bin/stereo"

# The service user, declared for systemd-sysusers: created now, and again by systemd at boot if
# it ever goes missing. Groups: video (cameras), render (GPU), gpio (LED and button).
cat > "$root/etc/sysusers.d/stereo.conf" <<'SYSUSERS'
# stereo appliance (scripts/install.sh)
u stereo - "stereo camera streaming service" /var/lib/stereo /usr/sbin/nologin
m stereo video
m stereo render
m stereo gpio
SYSUSERS
chmod 0644 "$root/etc/sysusers.d/stereo.conf"
if [ -z "$root" ]; then
  systemd-sysusers /etc/sysusers.d/stereo.conf
elif [ -f "$root/etc/passwd" ] && [ -f "$root/etc/group" ]; then
  systemd-sysusers --root="$root"
else
  say "$root/etc/passwd missing: the user is created from /etc/sysusers.d/stereo.conf on that system's first boot"
fi

# The configuration holds the token, if any: readable by root and the service only.
group_id="$(awk -F: '$1 == "stereo" { print $3 }' "$root/etc/group" 2>/dev/null || true)"
config="$root/etc/stereo/camera_profiles.yaml"
target="$config"
if [ -e "$config" ]; then
  target="$config.dist"
  say "keeping $config; the shipped default is in $target"
fi
if [ -n "$group_id" ]; then
  install -m 0640 -g "$group_id" "$repo/config/camera_profiles.yaml" "$target"
else
  install -m 0644 "$repo/config/camera_profiles.yaml" "$target"
fi
install -d -m 0750 "$root/var/lib/stereo"
if [ -n "$group_id" ]; then
  chown "$(awk -F: '$1 == "stereo" { print $3 }' "$root/etc/passwd")":"$group_id" "$root/var/lib/stereo"
fi

install -m 0644 "$repo/systemd/stereo.service" "$root/etc/systemd/system/stereo.service"
# Exponential back-off between restarts needs systemd 254 (RestartSteps=); Bookworm has 252,
# where the unit's fixed RestartSec=5s applies.
systemd_version="${SYSTEMD_VERSION:-$(systemctl --version 2>/dev/null | awk 'NR == 1 { print $2 }')}"
dropin="$root/etc/systemd/system/stereo.service.d"
if [ "${systemd_version:-0}" -ge 254 ] 2>/dev/null; then
  install -d -m 0755 "$dropin"
  printf '%s\n' '# Restart back-off: 5 s growing to 5 min over 8 failures (scripts/install.sh).' '[Service]' \
    'RestartSteps=8' 'RestartMaxDelaySec=5min' > "$dropin/10-backoff.conf"
  chmod 0644 "$dropin/10-backoff.conf"
fi

if [ -z "$root" ]; then
  systemctl daemon-reload
  systemctl enable stereo.service
  if [ "$start" = 1 ]; then
    systemctl restart stereo.service
    say "started: journalctl -u stereo -f shows the log; open https://$(hostname).local:8443/"
  fi
else
  if command -v systemctl >/dev/null 2>&1; then
    systemctl --root="$root" enable stereo.service
  else
    install -d -m 0755 "$root/etc/systemd/system/multi-user.target.wants"
    ln -sf /etc/systemd/system/stereo.service "$root/etc/systemd/system/multi-user.target.wants/stereo.service"
  fi
fi
say "installed into ${root:-/}"
