#!/usr/bin/env bash
# A hundred kills: the server jar on its default fs store (or, with STORE=s3, on S3) SIGKILLed at random moments while 6
# cameras stream and live GetMedia readers follow them, restarted on the same data dir each time,
# then checked (every fragment acked PERSISTED listed and read back, fragment numbers only growing,
# readers resumed with their tokens, no temp or spool file left). This is KillLoopIT with more kills
# than the 10 of `mvn verify`.
# usage: [STORE=fs|s3] [KILL_MINUTES=M] scripts/kill-loop.sh [KILLS] [SEED]   (KILLS defaults to 100, 15-50 s
# each; SEED replays a run: every run prints its seed). A failed run keeps its data dir (the path is in the
# failure); mvn's output is kept in server/target/kill-loop.log.
# STORE=s3: the server on its s3 backend against s3rver (one s3rver process for the whole run, never
# killed; installed by scripts/test.sh in .tools/s3rver, or set VIDLOG_S3RVER), KillLoopIT's s3 form.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-100}
STORE=${STORE:-fs}
extra=()
case "$STORE" in
  fs) extra+=(-Dit.test='KillLoopIT#everyPersistedFragmentSurvivesRandomKillsDuringMultiStreamIngest' -Dvidlog.kills="$KILLS") ;;
  s3)
    S3RVER_DIR="${VIDLOG_S3RVER:-$PWD/.tools/s3rver}"
    if [ ! -f "$S3RVER_DIR/node_modules/s3rver/package.json" ]; then
      echo "s3rver is not installed in $S3RVER_DIR: run scripts/test.sh once (it installs it), or set VIDLOG_S3RVER" >&2
      exit 2
    fi
    extra+=(-Dit.test='KillLoopIT#theS3BackendKeepsEveryPersistedFragmentThroughKills' -Dvidlog.kills.s3="$KILLS"
      -Dvidlog.s3rver="$S3RVER_DIR") ;;
  *) echo "STORE must be fs or s3, not $STORE" >&2; exit 2 ;;
esac
if [ -n "${2:-}" ]; then
  extra+=(-Dvidlog.kills.seed="$2")
fi
# KILL_MINUTES=M: start no kill after M minutes of killing, then check (a slow or loaded machine)
if [ -n "${KILL_MINUTES:-}" ]; then
  extra+=(-Dvidlog.kills.minutes="$KILL_MINUTES")
fi
# MVN_EXTRA: more mvn arguments, separated by spaces (e.g. MVN_EXTRA=-o to stay offline)
read -r -a MVN_ARGS <<<"${MVN_EXTRA:-}"
status=0
log=server/target/kill-loop.log
mkdir -p server/target
mvn -B -ntp -pl server -am verify -Dvidlog.fuzz.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false \
  -Djunit.jupiter.tempdir.cleanup.mode.default=ON_SUCCESS -Djunit.jupiter.execution.timeout.mode=disabled "${extra[@]}" "${MVN_ARGS[@]}" 2>&1 | tee "$log" || status=$?
echo "---- the kill loop's own lines (all of mvn's output: $log)"
grep -a '^kill\|^restart' "$log" || true
echo "store: $STORE"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
