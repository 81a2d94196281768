#!/usr/bin/env bash
# Start-up time of the launcher: from `java -jar` to the first /health answered over HTTPS.
# usage: scripts/startup-time.sh [DATA_DIR] [RUNS]   (a fresh DATA_DIR measures the first start,
# which also makes the certificate, master key and admin key; later runs reuse them). Needs
# python3 for the poller and a built server jar (mvn -q -DskipTests package).
set -euo pipefail
DATA=${1:-$(mktemp -d)/vidlog-data}
RUNS=${2:-3}
PORT=${PORT:-28443}
JAR=${JAR:-$(dirname "$0")/../server/target/vidlog-server.jar}
for _ in $(seq "$RUNS"); do
  t0=$(date +%s%N)
  java -jar "$JAR" --data-dir "$DATA" --port "$PORT" > /tmp/vidlog-startup.log 2>&1 &
  pid=$!
  # one poller process (a curl per attempt would compete with the JVM for the CPU it measures)
  python3 - "$PORT" "$pid" <<'PY' || { cat /tmp/vidlog-startup.log; exit 1; }
import http.client, os, ssl, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl._create_unverified_context()
while True:
    try:
        c = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=10)
        c.request("GET", "/health"); c.getresponse().read(); break
    except OSError:
        os.kill(pid, 0)  # raises once the server has exited
        time.sleep(0.01)
PY
  t1=$(date +%s%N)
  echo "first /health answered $(( (t1 - t0) / 1000000 )) ms after java -jar (load average $(cut -d' ' -f1 /proc/loadavg))"
  kill "$pid"; wait "$pid" || true
done
