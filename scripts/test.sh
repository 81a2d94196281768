#!/usr/bin/env bash
# Runs every vidlog test on a fresh machine: installs the programs the interop tests drive
# (ffmpeg/ffprobe, mkvtoolnix, chromium and chromium-driver, iproute2, node and npm, and s3rver and hls.js from npm) when they are missing, then
# `mvn verify`. A missing tool is installed here, never skipped in a test, and no test installs one.
set -euo pipefail
cd "$(dirname "$0")/.."

S3RVER_VERSION=3.7.1
# the newest hls.js (npm; newer than the 1.4.12 webjar the web player ships, which Maven brings): HlsJsIT
# plays HLS sessions with both in headless Chromium (keep equal to HlsJsPage.NPM_VERSION)
HLSJS_VERSION=1.7.4
need=()
command -v ffmpeg  >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v mkvinfo >/dev/null 2>&1 || need+=(mkvtoolnix)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node    >/dev/null 2>&1 || need+=(nodejs)
command -v npm     >/dev/null 2>&1 || need+=(npm)
# the web player's browser tests drive Debian's chromium through its chromium-driver
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# PartitionIT puts each cluster node in its own network namespace with `ip netns` (iproute2)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# s3rver, the second S3 server the object-store contract suite runs against (S3rverInteropIT)
S3RVER_DIR="$PWD/.tools/s3rver"
if ! grep -qs "\"version\": \"$S3RVER_VERSION\"" "$S3RVER_DIR/node_modules/s3rver/package.json"; then
  echo "installing: s3rver@$S3RVER_VERSION (npm)"
  mkdir -p "$S3RVER_DIR"
  npm install --no-audit --no-fund --loglevel=error --prefix "$S3RVER_DIR" "s3rver@$S3RVER_VERSION" >/dev/null
fi

HLSJS_DIR="$PWD/.tools/hlsjs"
if ! grep -qs "\"version\": \"$HLSJS_VERSION\"" "$HLSJS_DIR/node_modules/hls.js/package.json"; then
  echo "installing: hls.js@$HLSJS_VERSION (npm)"
  mkdir -p "$HLSJS_DIR"
  npm install --no-audit --no-fund --loglevel=error --prefix "$HLSJS_DIR" "hls.js@$HLSJS_VERSION" >/dev/null
fi

mvn -B -ntp verify -Dvidlog.s3rver="$S3RVER_DIR" -Dvidlog.hlsjs="$HLSJS_DIR" "$@"
