package io.vidlog.playback.getmedia;

/**
 * The two clocks of a GetMedia session. The session length runs from the start; when it is reached
 * the session ends after the fragment in progress (KVS ends sessions after about 45 minutes and
 * readers resume with their token, docs/wire-protocol.md §2). The idle clock measures how long the
 * live feed has been quiet: its handler is called once the feed has delivered nothing for the idle
 * length, and the session decides what that means in its phase.
 *
 * <p>A live event only records its time ({@link #liveActivity()}): re-arming a timer per frame
 * would cost a timer cancel and set per frame per reader. The idle timer, when it fires early
 * because events came meanwhile, re-arms itself for the rest of the quiet time.
 */
final class SessionTimers {
  private final SessionScheduler scheduler;
  private final long sessionMillis;
  private final long idleMillis;
  private Runnable onSessionLength = () -> { };
  private Runnable onIdle = () -> { };
  private long sessionTimer = -1;
  private long idleTimer = -1;
  private long lastLiveNanos;

  SessionTimers(SessionScheduler scheduler, long sessionMillis, long idleMillis) {
    this.scheduler = scheduler;
    this.sessionMillis = sessionMillis;
    this.idleMillis = idleMillis;
  }

  /** Starts the session-length clock. */
  void start(Runnable sessionLengthReached, Runnable idle) {
    this.onSessionLength = sessionLengthReached;
    this.onIdle = idle;
    sessionTimer = scheduler.setTimer(sessionMillis, () -> {
      sessionTimer = -1;
      onSessionLength.run();
    });
  }

  /** The live feed delivered something (or the session just subscribed): the quiet time restarts. */
  void liveActivity() {
    lastLiveNanos = scheduler.nanoTime();
  }

  /** Starts the idle clock unless it runs; it calls the idle handler once the feed has been quiet long enough. */
  void armIdle() {
    if (idleTimer < 0) {
      armIdle(idleMillis);
    }
  }

  private void armIdle(long delayMillis) {
    idleTimer = scheduler.setTimer(delayMillis, () -> {
      idleTimer = -1;
      long quietMillis = (scheduler.nanoTime() - lastLiveNanos) / 1_000_000;
      if (quietMillis >= idleMillis) {
        onIdle.run();
      } else {
        armIdle(idleMillis - quietMillis);
      }
    });
  }

  void cancel() {
    if (sessionTimer >= 0) {
      scheduler.cancelTimer(sessionTimer);
      sessionTimer = -1;
    }
    if (idleTimer >= 0) {
      scheduler.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }
}
