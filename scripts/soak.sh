#!/usr/bin/env bash
# The soak: the shipped server jar in its own JVM (-Xmx1g, fs store in the run directory) under
# 300 camera-paced PutMedia producers, 100 live GetMedia readers and ListFragments +
# GetMediaForFragmentList in a loop, for MINUTES (default 30). Prints a row every 10 s (PERSISTED
# latency, errors, server heap/direct memory/fds/threads/RSS, a forced full GC every 60 s for heap
# after GC) and a summary with the trend of each figure over the run and PERSISTED p99 of the first
# against the last 5 minutes.
# usage: scripts/soak.sh [MINUTES] [SoakLoad options, e.g. --kbps 4000 --readers 70,10,10,10]
# The store fills at cameras x rate (300 x 500 kbit/s = 19 MB/s by default, 34 GB in 30 min); the run
# refuses to start when the run directory's disk has less free space. KEEP: SOAK_DIR=/path (default a
# new directory under /var/tmp); the time series is SOAK_DIR/series.csv, the summary SOAK_DIR/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-30}
shift || true
if [ ! -f server/target/vidlog-server.jar ] || [ ! -f bench/target/benchmarks.jar ]; then
  mvn -B -q -DskipTests package -pl bench -am
fi
DIR=${SOAK_DIR:-$(mktemp -d /var/tmp/vidlog-soak.XXXXXX)}
mkdir -p "$DIR"
echo "uptime at start: $(uptime)"
java -Xmx1g -cp bench/target/benchmarks.jar io.vidlog.bench.soak.SoakLoad soak "$MINUTES" --dir "$DIR" \
  --kbps 500 "$@" 2>&1 | tee "$DIR/summary.txt"
echo "uptime at end: $(uptime)"
