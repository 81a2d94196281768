#!/usr/bin/env bash
# Runs every vidlog test on a fresh machine: installs the programs the interop tests drive
# (ffmpeg/ffprobe, mkvtoolnix, chromium, node for s3rver) when they are missing, then `mvn verify`.
# A missing tool is installed here, never skipped in a test.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg  >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v mkvinfo >/dev/null 2>&1 || need+=(mkvtoolnix)
command -v node    >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

mvn -B -ntp verify "$@"
