#!/usr/bin/env bash
# Slow and hostile GetMedia readers at scale, against the shipped server jar (-Xmx1g, fs store):
# 300 camera-paced PutMedia producers stream throughout; three phases of SECONDS each (default 120)
# after a 30 s warm-up: the cameras alone, the cameras with 100 readers (40 normal, 20 that stop
# reading with the connection open, 20 at 10 kB/s, 20 that reconnect with their continuation token
# every one to three fragments), the cameras alone again. Prints PERSISTED latency per phase, the
# server's memory, what each kind of reader received and whether stopped/slow ones were cut off.
# usage: scripts/hostile-readers.sh [SECONDS] [SoakLoad options, e.g. --kbps 4000 --cameras 300]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_PHASE=${1:-120}
shift || true
if [ ! -f server/target/vidlog-server.jar ] || [ ! -f bench/target/benchmarks.jar ]; then
  mvn -B -q -DskipTests package -pl bench -am
fi
DIR=${SOAK_DIR:-$(mktemp -d /var/tmp/vidlog-hostile.XXXXXX)}
mkdir -p "$DIR"
echo "uptime at start: $(uptime)"
java -Xmx1g -cp bench/target/benchmarks.jar io.vidlog.bench.soak.SoakLoad hostile "$SECONDS_PER_PHASE" --dir "$DIR" \
  --kbps 1000 "$@" 2>&1 | tee "$DIR/summary.txt"
echo "uptime at end: $(uptime)"
