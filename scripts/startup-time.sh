#!/usr/bin/env bash
# Start-up time of the launcher: from `java -jar` to the first /health answered over HTTPS.
# usage: scripts/startup-time.sh [DATA_DIR] [RUNS]   (a fresh DATA_DIR measures the first start,
# which also makes the certificate, master key and admin key; later runs reuse them)
set -euo pipefail
DATA=${1:-$(mktemp -d)/vidlog-data}
RUNS=${2:-3}
PORT=${PORT:-28443}
JAR=${JAR:-$(dirname "$0")/../server/target/vidlog-server.jar}
for _ in $(seq "$RUNS"); do
  t0=$(date +%s%N)
  java -jar "$JAR" --data-dir "$DATA" --port "$PORT" > /tmp/vidlog-startup.log 2>&1 &
  pid=$!
  until curl -sk -o /dev/null "https://localhost:$PORT/health"; do
    kill -0 "$pid" 2>/dev/null || { cat /tmp/vidlog-startup.log; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  echo "first /health answered $(( (t1 - t0) / 1000000 )) ms after java -jar (load average $(cut -d' ' -f1 /proc/loadavg))"
  kill "$pid"; wait "$pid" || true
done
