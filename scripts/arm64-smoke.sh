#!/usr/bin/env bash
# Proves the Pi build without a Pi: runs the linux-arm64 stereo.jar in an emulated Debian 12 arm64
# root (qemu-user, Cortex-A76 = Pi 5 CPU), as root on an x86-64 Debian 12 host.
#
#   scripts/arm64-smoke.sh [--jar FILE] [--seconds N] [--rebuild-root] [--root-only]
#
#   1. host tools (scripts/install-deps.sh --test --arm64-smoke), binfmt_misc for qemu-aarch64
#   2. the arm64 root: debootstrap --arch=arm64 bookworm plus the runtime packages of
#      scripts/install-deps.sh --runtime run inside it. Built once into ROOT.partial and renamed
#      to ROOT when complete, so an interrupted build is never reused; later runs reuse ROOT
#      (and install what the package list gained since).
#   3. the jar: app/target/stereo-linux-arm64.jar (mvn package -Dstereo.platform=linux-arm64),
#      or --jar FILE; installed into the root by scripts/install.sh --destdir
#   4. inside the root: `stereo check` must find an encoder per eye for option3 (GStreamer) and
#      for option2 (FFmpeg); then for each pipeline the test source at 320x240, 5 fps is served
#      and e2e/viewer.mjs (headless Chromium on the host, same loopback-only network namespace)
#      must receive frames on both tracks.
#
#   --jar FILE      the jar to test instead of building the arm64 one
#   --seconds N     measurement window of each viewer (default 5)
#   --rebuild-root  build the root again even when a complete one is cached
#   --root-only     stop after step 2 (warms the cache)
#
# Environment:
#   STEREO_ARM64_CACHE   directory of the cached root (default /var/cache/stereo-arm64)
#   STEREO_ARM64_MIRROR  Debian mirror (default http://deb.debian.org/debian; security updates
#                        come from STEREO_ARM64_SECURITY, default http://deb.debian.org/debian-security)
#   QEMU_CPU             emulated CPU (default cortex-a76, the Pi 5's: x264 then uses only
#                        instructions a Pi has; cortex-a72 = Pi 4)
#   STEREO_ARM64_JAVA_OPTS  JAVA_TOOL_OPTIONS of the emulated JVM
#                        (default -XX:TieredStopAtLevel=1 -Dstereo.gst.timeoutScale=10)
# Exit code 0 when every check passed, 1 with a message saying which failed, 2 bad usage.
# Serving and viewing happen in a private network namespace whose only interface is loopback.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
self="$repo/scripts/arm64-smoke.sh"
cache="${STEREO_ARM64_CACHE:-/var/cache/stereo-arm64}"
mirror="${STEREO_ARM64_MIRROR:-http://deb.debian.org/debian}"
security="${STEREO_ARM64_SECURITY:-http://deb.debian.org/debian-security}"
export QEMU_CPU="${QEMU_CPU:-cortex-a76}"
# Emulated, the JIT's optimising compiler costs more CPU than it saves in a run of a minute
# (C1 only roughly halves start-up), and GStreamer calls take 5-10x longer than the app's
# timeouts expect on a Pi (dev.stereo.core.gst.GstThread scales them). Same jar as on a Pi.
export STEREO_ARM64_JAVA_OPTS="${STEREO_ARM64_JAVA_OPTS--XX:TieredStopAtLevel=1 -Dstereo.gst.timeoutScale=10}"
java_opts="$STEREO_ARM64_JAVA_OPTS"
suite=bookworm
port=8443
started=$SECONDS

say() { printf '[arm64-smoke %4ds] %s\n' "$((SECONDS - started))" "$*"; }
die() { printf '[arm64-smoke %4ds] FAILED: %s\n' "$((SECONDS - started))" "$*" >&2; exit 1; }

# Runs CMD chrooted in ROOT with /proc and /dev, in a private mount and PID namespace of its own:
# the mounts and every process started inside end with it, even when this script is interrupted.
#   in_root ROOT CMD...
in_root() {
  unshare --mount --pid --fork --mount-proc --propagation private -- "$self" __in-root "$@"
}

# --- internal entry points (run inside the namespaces set up by the functions above/below) ---

if [ "${1:-}" = __in-root ]; then
  root="$2"; shift 2
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 QEMU_CPU="$QEMU_CPU" JAVA_TOOL_OPTIONS="$java_opts" DEBIAN_FRONTEND=noninteractive "$@"
fi

if [ "${1:-}" = __serve ]; then
  # Inside unshare --net --mount --pid: loopback only; the emulated jar serves, the host's
  # Chromium views. Every process still running when this exits is killed with the namespace.
  root="$2"; seconds="$3"; out="$4"
  ip link set lo up
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  for pipeline in option3 option2; do
    log="$out/server-$pipeline.log"
    t0=$SECONDS
    chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
      QEMU_CPU="$QEMU_CPU" JAVA_TOOL_OPTIONS="$java_opts" /usr/local/bin/stereo --config /etc/stereo/arm64-smoke.yaml \
      --pipeline="$pipeline" --source=test >"$log" 2>&1 &
    server=$!
    up=0
    while [ $((SECONDS - t0)) -lt 300 ]; do
      if ! kill -0 "$server" 2>/dev/null; then break; fi
      if curl -ksf -o /dev/null --max-time 5 "https://127.0.0.1:$port/healthz"; then up=1; break; fi
      sleep 2
    done
    if [ "$up" != 1 ]; then
      tail -n 40 "$log" >&2
      echo "$pipeline: the emulated stereo did not answer /healthz within $((SECONDS - t0)) s (log above: $log)" >&2
      exit 1
    fi
    echo "$pipeline serving after $((SECONDS - t0)) s"
    echo "$((SECONDS - t0))" > "$out/serving-$pipeline.seconds"
    # The first viewer of a fresh JVM pays, under emulation, for loading and compiling the WebRTC
    # path (webrtcbin, DTLS keys, Jetty handlers); should that still outlast the scaled timeouts
    # (503 + Retry-After, or no HTTP answer at all), the viewer tries again on the warmed server.
    for attempt in 1 2 3; do
      t1=$SECONDS
      rc=0
      node "$repo/e2e/viewer.mjs" --url "https://127.0.0.1:$port" --seconds "$seconds" --warmup 1 \
        --first-frame-timeout 90 --http-timeout 120 >"$out/viewer-$pipeline.json" 2>"$out/viewer-$pipeline.err" || rc=$?
      echo "$pipeline viewer $attempt took $((SECONDS - t1)) s (exit $rc): $(head -c 300 "$out/viewer-$pipeline.json")"
      if [ "$rc" = 0 ] || ! grep -qE '"status":(503|null)' "$out/viewer-$pipeline.json"; then break; fi
      sleep 5
    done
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$server" 2>/dev/null || break; sleep 1; done
    kill -KILL "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  done
  exit 0
fi

# --- options ---

jar=""
seconds=5
rebuild=0
root_only=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --jar) [ "$#" -ge 2 ] || { echo "arm64-smoke.sh: --jar needs a file" >&2; exit 2; }
           jar="$2"; shift ;;
    --jar=*) jar="${1#--jar=}" ;;
    --seconds) [ "$#" -ge 2 ] || { echo "arm64-smoke.sh: --seconds needs a number" >&2; exit 2; }
               seconds="$2"; shift ;;
    --seconds=*) seconds="${1#--seconds=}" ;;
    --rebuild-root) rebuild=1 ;;
    --root-only) root_only=1 ;;
    -h|--help) sed -n '/^set -e/q;2,$p' "$0"; exit 0 ;;
    *) echo "arm64-smoke.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$seconds" in
  ''|*[!0-9]*) echo "arm64-smoke.sh: --seconds must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
if [ -n "$jar" ]; then
  [ -f "$jar" ] || { echo "arm64-smoke.sh: --jar $jar: no such file" >&2; exit 2; }
  jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
fi
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot and unshare need it)"

# --- 1. host tools ---

say "host tools"
"$repo/scripts/install-deps.sh" --test --arm64-smoke
if [ ! -d "$repo/e2e/node_modules/playwright-core" ]; then
  npm ci --prefix "$repo/e2e" --no-audit --no-fund --loglevel=error
fi
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
    die "cannot mount binfmt_misc (needed to run arm64 binaries through qemu)"
fi
if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
  update-binfmts --enable qemu-aarch64 || die "update-binfmts --enable qemu-aarch64 failed"
fi
# F (fix binary): the kernel keeps the host's qemu open, so it also works inside the chroot.
grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 ||
  die "binfmt qemu-aarch64 lacks the F flag, so it cannot run inside a chroot: $(grep flags /proc/sys/fs/binfmt_misc/qemu-aarch64)"

# --- 2. the arm64 root ---

root="$cache/$suite-arm64"
partial="$root.partial"
mkdir -p "$cache"
if [ "$rebuild" = 1 ] && [ -d "$root" ]; then
  say "--rebuild-root: removing $root"
  rm -rf --one-file-system "$root"
fi
root_built=""
if [ ! -d "$root" ]; then
  t0=$SECONDS
  # Only this script's namespaces ever mount anything below the root, and they are gone, so a
  # leftover partial root is plain files.
  rm -rf --one-file-system "$partial"
  say "building the arm64 root in $partial (debootstrap $suite from $mirror; about 12 minutes)"
  unshare --mount --pid --fork --mount-proc --propagation private -- \
    debootstrap --arch=arm64 --variant=minbase "$suite" "$partial" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 30 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
  say "debootstrap done after $((SECONDS - t0)) s"
  printf '%s\n' "deb $mirror $suite main" "deb $mirror $suite-updates main" \
    "deb $security $suite-security main" > "$partial/etc/apt/sources.list"
  install -m 0755 "$repo/scripts/install-deps.sh" "$partial/tmp/install-deps.sh"
  in_root "$partial" /tmp/install-deps.sh --runtime || die "installing the runtime packages in the arm64 root failed"
  in_root "$partial" apt-get clean
  mv "$partial" "$root"
  root_built=$((SECONDS - t0))
  say "arm64 root complete after $root_built s: $root"
else
  say "reusing the arm64 root $root (built $(stat -c %y "$root/etc/apt/sources.list" | cut -d. -f1))"
  # The package list may have grown since the root was built: install what is missing.
  install -m 0755 "$repo/scripts/install-deps.sh" "$root/tmp/install-deps.sh"
  in_root "$root" /tmp/install-deps.sh --runtime || die "updating the runtime packages in the arm64 root failed"
fi
if [ "$root_only" = 1 ]; then
  say "done (--root-only)"
  exit 0
fi

# --- 3. the jar, installed as on a Pi ---

if [ -z "$jar" ]; then
  jar="$repo/app/target/stereo-linux-arm64.jar"
  t0=$SECONDS
  say "building $jar (mvn package -Dstereo.platform=linux-arm64)"
  (cd "$repo" && mvn -B -q package -pl app -am -DskipTests -DskipE2e=true -Dstereo.platform=linux-arm64) ||
    die "building the linux-arm64 jar failed"
  [ -f "$jar" ] || die "mvn -Dstereo.platform=linux-arm64 did not produce $jar"
  say "built in $((SECONDS - t0)) s: $(du -h "$jar" | cut -f1)"
fi
"$repo/scripts/install.sh" --destdir "$root" --jar "$jar" --no-deps --no-start >/dev/null ||
  die "scripts/install.sh --destdir $root failed"
cat > "$root/etc/stereo/arm64-smoke.yaml" <<'YAML'
# scripts/arm64-smoke.sh: the test source, small and slow, because the CPU is emulated.
server:
  bind: "127.0.0.1"
  port: 8443
  http_port: 0
stream:
  width: 320
  height: 240
  fps: 5
cameras:
  left:
    source: test
  right:
    source: test
YAML

# --- 4. inside the emulated Pi 5 ---

out="$(mktemp -d /tmp/arm64-smoke.XXXXXX)"
say "emulated CPU: QEMU_CPU=$QEMU_CPU; $(in_root "$root" /bin/sh -c 'LD_SHOW_AUXV=1 /bin/true' | grep -E 'AT_HWCAP2?:|AT_PLATFORM' | tr -s ' ' | paste -sd ' ' -)"
say "stereo check (in the arm64 root)"
t0=$SECONDS
rc=0
in_root "$root" /usr/local/bin/stereo check --config /etc/stereo/arm64-smoke.yaml >"$out/check.txt" 2>"$out/check.err" || rc=$?
check_time=$((SECONDS - t0))
sed 's/^/    /' "$out/check.txt"
say "stereo check took $check_time s, exit $rc"
if [ "$rc" != 0 ]; then
  sed 's/^/    /' "$out/check.err" >&2
  die "stereo check exited $rc in the arm64 root"
fi
# One encoder per eye for each pipeline: "  left  x264enc: ..." under each "Encoder (...)" heading.
for heading in 'Encoder (option3)' 'Encoder (option2'; do
  for eye in left right; do
    codec="$(awk -v h="$heading" -v eye="$eye" '
      index($0, h) == 1 { inside = 1; next }
      /^[^ ]/ { inside = 0 }
      inside && $1 == eye { sub(/:$/, "", $2); print $2; exit }' "$out/check.txt")"
    case "$codec" in
      ''|none) die "stereo check found no $eye-eye encoder under '$heading' in the arm64 root ($(grep -A3 -F "$heading" "$out/check.txt" | tr '\n' ' '))" ;;
    esac
  done
done
if grep -q 'FFmpeg could not be loaded' "$out/check.txt"; then
  die "FFmpeg could not be loaded in the arm64 root: $(grep 'FFmpeg could not be loaded' "$out/check.txt")"
fi

say "serving the test source (320x240, 5 fps) with option3 and option2; headless Chromium views (loopback-only namespace)"
unshare --net --mount --pid --fork --mount-proc --propagation private -- "$self" __serve "$root" "$seconds" "$out" ||
  die "serving in the arm64 root failed (logs in $out)"
summary=""
for pipeline in option3 option2; do
  result="$out/viewer-$pipeline.json"
  # shellcheck disable=SC2016 # JavaScript, not shell: its ${...} are template literals.
  line="$(node -e '
    const fs = require("fs");
    let r;
    try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8").trim().split("\n").pop()); }
    catch (e) { console.log("FAIL no viewer result: " + e.message); process.exit(0); }
    const t = r.tracks || [];
    const frames = [0, 1].map((i) => (t[i] && t[i].frames) || 0);
    const desc = t.map((x) => `track ${x.index}: ${x.frames} frames, ${x.fps} fps, ${x.width}x${x.height}, first frame after ${x.firstFrameMs} ms`).join("; ");
    if (!r.ok || frames.some((f) => !(f > 0))) console.log("FAIL " + (r.error || "") + " " + desc);
    else console.log("OK " + desc);
  ' "$result")"
  summary="$summary$pipeline (serving after $(cat "$out/serving-$pipeline.seconds") s): ${line#* }"$'\n'
  if [ "${line%% *}" != OK ]; then
    tail -n 40 "$out/server-$pipeline.log" >&2
    tail -n 20 "$out/viewer-$pipeline.err" >&2
    die "$pipeline: the viewer did not receive frames on both tracks from the arm64 jar: ${line#* }"
  fi
done

say "PASSED: the linux-arm64 jar starts and streams on an emulated $QEMU_CPU"
printf '%s' "$summary" | sed 's/^/    /'
rm -rf "$out" # the logs are kept only when something failed
root_note="reused"
if [[ -n "${root_built:-}" ]]; then root_note="built in ${root_built} s"; fi
say "root: ${root_note}; stereo check ${check_time} s; total $((SECONDS - started)) s"
