#!/usr/bin/env bash
# Removes what scripts/install.sh installed: stops and disables the service, deletes the unit,
# /opt/stereo, /usr/local/bin/stereo and the sysusers entry. The configuration (/etc/stereo), the
# state (/var/lib/stereo, with the generated certificate) and the user stay unless --purge.
#
#   scripts/uninstall.sh [--destdir DIR] [--purge]
#
#   --destdir DIR  remove from DIR (also DESTDIR=DIR) instead of this machine; the user is left
#   --purge        also remove /etc/stereo, /var/lib/stereo and the user 'stereo'
set -euo pipefail

root="${DESTDIR:-}"
purge=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --destdir) [ "$#" -ge 2 ] || { echo "uninstall.sh: --destdir needs a directory" >&2; exit 2; }
               root="$2"; shift ;;
    --destdir=*) root="${1#--destdir=}" ;;
    --purge) purge=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "uninstall.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
root="${root%/}"
if [ -n "$root" ]; then
  if [ ! -d "$root" ]; then
    echo "uninstall.sh: $root: no such directory" >&2
    exit 2
  fi
  root="$(cd "$root" && pwd)"
  if [ "$root" = / ]; then root=""; fi
fi

if [ -z "$root" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "uninstall.sh: run as root (sudo $0)" >&2
    exit 1
  fi
  systemctl disable --now stereo.service 2>/dev/null || true
elif command -v systemctl >/dev/null 2>&1 && [ -f "$root/etc/systemd/system/stereo.service" ]; then
  systemctl --root="$root" disable stereo.service 2>/dev/null || true
fi
rm -f "$root/etc/systemd/system/multi-user.target.wants/stereo.service"
rm -f "$root/etc/systemd/system/stereo.service"
rm -rf "$root/etc/systemd/system/stereo.service.d"
if [ -z "$root" ]; then
  systemctl daemon-reload
fi
rm -rf "$root/opt/stereo"
rm -f "$root/usr/local/bin/stereo" "$root/etc/sysusers.d/stereo.conf"

if [ "$purge" = 1 ]; then
  rm -rf "$root/etc/stereo" "$root/var/lib/stereo"
  if [ -z "$root" ] && id stereo >/dev/null 2>&1; then
    userdel stereo
  fi
fi
if [ "$purge" = 1 ]; then
  echo "uninstall.sh: removed from ${root:-/} (purged)"
else
  echo "uninstall.sh: removed from ${root:-/}; kept ${root}/etc/stereo and ${root}/var/lib/stereo (--purge removes them)"
fi
