package io.vidlog.fragmentstore.live;

/**
 * A subscriber's handle. Flow control: the subscriber pauses delivery when its socket is full and
 * resumes on drain; events keep queueing meanwhile, up to the subscriber's bound, past which it is
 * cut off as a SLOW_CONSUMER.
 */
public interface LiveSubscription {
  void pause();

  void resume();

  /** Ends the subscription; no event or cut-off is delivered afterwards. */
  void cancel();
}
