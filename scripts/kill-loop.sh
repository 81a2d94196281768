#!/usr/bin/env bash
# A hundred kills: the server jar on its default fs store SIGKILLed at random moments while 6
# cameras stream and live GetMedia readers follow them, restarted on the same data dir each time,
# then checked (every fragment acked PERSISTED listed and read back, fragment numbers only growing,
# readers resumed with their tokens, no temp or spool file left). This is KillLoopIT with more kills
# than the 10 of `mvn verify`.
# usage: [KILL_MINUTES=M] scripts/kill-loop.sh [KILLS] [SEED]   (KILLS defaults to 100, 15-50 s each; SEED
# replays a run: every run prints its seed). A failed run keeps its data dir (the path is in the
# failure); mvn's output is kept in server/target/kill-loop.log.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-100}
extra=()
if [ -n "${2:-}" ]; then
  extra+=(-Dvidlog.kills.seed="$2")
fi
# KILL_MINUTES=M: start no kill after M minutes of killing, then check (a slow or loaded machine)
if [ -n "${KILL_MINUTES:-}" ]; then
  extra+=(-Dvidlog.kills.minutes="$KILL_MINUTES")
fi
status=0
log=server/target/kill-loop.log
mkdir -p server/target
mvn -B -ntp -pl server -am verify -Dvidlog.fuzz.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=KillLoopIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Djunit.jupiter.tempdir.cleanup.mode.default=ON_SUCCESS -Djunit.jupiter.execution.timeout.mode=disabled -Dvidlog.kills="$KILLS" "${extra[@]}" 2>&1 | tee "$log" || status=$?
echo "---- the kill loop's own lines (all of mvn's output: $log)"
grep -a '^kill\|^restart' "$log" || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
