#!/usr/bin/env bash
# Installs what stereo needs on Debian 12 / Raspberry Pi OS Bookworm (run as root).
#   scripts/install-deps.sh              runtime + build: Java 17, Maven, GStreamer with webrtcbin and encoders
#   scripts/install-deps.sh --runtime    only what running a built stereo.jar needs (Java 17 JRE, GStreamer,
#                                        on arm64 the VA/DRM libraries JavaCPP's FFmpeg links against)
#   scripts/install-deps.sh --test       also what the tests need: Chromium, Node.js/npm, Xvfb, systemd tools, Prometheus
#   scripts/install-deps.sh --arm64-smoke  also what scripts/arm64-smoke.sh needs on the (x86-64) host:
#                                        qemu-user-static, binfmt-support, debootstrap
#   --print                              print the selected packages, one a line, and install nothing
# Packages already present are left alone; apt runs only when something is missing.
set -euo pipefail

want_test=0
want_build=1
want_smoke=0
print_only=0
for arg in "$@"; do
  case "$arg" in
    --runtime) want_build=0 ;;
    --test) want_test=1 ;;
    --arm64-smoke) want_smoke=1 ;;
    --print) print_only=1 ;;
    -h|--help) sed -n '/^set -e/q;2,$p' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

packages=(openjdk-17-jre-headless
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-nice gstreamer1.0-libav gstreamer1.0-gl
  gstreamer1.0-plugins-base-apps)
# libcamera's GStreamer element: present in Debian 12 and Raspberry Pi OS.
packages+=(gstreamer1.0-libcamera)
if [ "$(dpkg --print-architecture)" = arm64 ]; then
  packages+=(libva2 libva-drm2 libdrm2)
fi
if [ "$want_build" = 1 ] || [ "$want_test" = 1 ]; then
  packages+=(openjdk-17-jdk-headless maven)
fi
if [ "$want_smoke" = 1 ]; then
  # An emulated arm64 Debian root (Pi 5 CPU) in which the arm64 jar is started and streams.
  packages+=(qemu-user-static binfmt-support debootstrap)
fi
if [ "$want_test" = 1 ]; then
  # The packaging tests run the real ShellCheck and systemd tools (systemd-analyze, systemd-sysusers).
  packages+=(chromium xvfb xauth iproute2 util-linux shellcheck systemd)
  # PrometheusIT scrapes /metrics with a real Prometheus server (/usr/bin/prometheus).
  packages+=(prometheus)
  # Debian's nodejs and npm only when no Node.js is installed (a newer one may come from elsewhere).
  if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
  if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi
fi

if [ "$print_only" = 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root (sudo $0 $*)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
