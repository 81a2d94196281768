#!/usr/bin/env bash
# The long form of StoreOutageIT (README "Faults and soak", "Object store outage"): the packaged
# server on the s3 backend with s3rver as its store, a camera-paced PutMedia producer and two
# GetMedia readers; s3rver is SIGKILLed for OUTAGE_SECONDS (default 60) and started again on the
# same port and directory. Prints the test's figures (fragments PERSISTED before/during/after the
# outage, ERROR 5001 acks, /health DOWN and UP, time to the first PERSISTED after the restart,
# reader responses) and fails if any check fails.
#
#   scripts/fault-s3-outage.sh [OUTAGE_SECONDS] [extra mvn args, e.g. -o]
set -euo pipefail
cd "$(dirname "$0")/.."
OUTAGE_SECONDS="${1:-60}"
shift || true
S3RVER_DIR="${VIDLOG_S3RVER:-$PWD/.tools/s3rver}"
if [ ! -f "$S3RVER_DIR/node_modules/s3rver/package.json" ]; then
  echo "s3rver is not installed in $S3RVER_DIR: run scripts/test.sh once (it installs it), or set VIDLOG_S3RVER" >&2
  exit 2
fi
LOG="$(mktemp -t fault-s3-outage.XXXXXX.log)"
echo "uptime before: $(uptime)"
set +e
# JUnit's default per-test timeout (5 min) is raised: the outage alone may take longer than that
mvn -q "$@" -pl server -am verify -Dvidlog.fuzz.skip=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=StoreOutageIT -Dfailsafe.failIfNoSpecifiedTests=false -Dvidlog.s3rver="$S3RVER_DIR" \
  -Dvidlog.outage.seconds="$OUTAGE_SECONDS" -Djunit.jupiter.execution.timeout.default=30m >"$LOG" 2>&1
rc=$?
set -e
echo "uptime after: $(uptime)"
grep -h "^store outage:" "$LOG" || true
if [ $rc -ne 0 ]; then
  grep -v '^\s*at ' "$LOG" | grep -E 'FAIL|ERROR|expected|timed out' | head -20 >&2
  echo "FAILED (exit $rc); the whole log: $LOG" >&2
  exit $rc
fi
echo "all checks passed; the whole log: $LOG"
