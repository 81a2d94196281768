package io.vidlog.ingest;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.kvs.AckError;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of fragments the store refused (ERROR 5001, docs/wire-protocol.md §1.3), bounded however
 * many cameras stream: when the object store is down or the disk is full every fragment of every
 * stream fails, and a line (or a stack trace) per fragment would bury everything else in the log.
 * Per cause (ARCHIVAL_ERROR, STORE_FULL) it logs the first failure with its cause, then at most one
 * summary line per {@link #SUMMARY_PERIOD_NANOS} with the failures it kept quiet about, and one line
 * when a fragment is persisted again. A cause that comes and goes quickly (one stream failing among
 * healthy ones) still logs at most one line of each kind per period. Shared by every connection of
 * the process, so safe from any thread.
 */
final class StoreFailureLog {
  private static final Logger LOG = LoggerFactory.getLogger(StoreFailureLog.class);
  static final long SUMMARY_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** Stream names kept per episode to count them; the count is "at least" beyond this. */
  private static final int MAX_STREAMS_COUNTED = 10_000;
  /** Stream names a line quotes. */
  private static final int STREAMS_QUOTED = 3;

  /** Whether fragments of a cause are failing now (logged or about to be). */
  private enum Phase { PERSISTING, FAILING }

  /** One cause's episode of failures. */
  private static final class Episode {
    Phase phase = Phase.PERSISTING;
    long since;
    long failedTotal;
    long failedUnreported;
    long lastDetailNanos;
    long lastSummaryNanos;
    long lastRecoveryNanos;
    boolean detailed;
    boolean recovered;
    String lastMessage = "";
    final Set<String> streams = new LinkedHashSet<>();
  }

  private final LongSupplier nanoClock;
  private final Map<AckError, Episode> episodes = new EnumMap<>(AckError.class);
  /** A fast path for every PERSISTED ack: nothing to do unless some cause is failing. */
  private volatile boolean failing;

  /** {@code nanoClock} paces the summaries ({@code System::nanoTime} outside tests). */
  StoreFailureLog(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Fragment {@code number} of {@code stream} was received but not stored, answered {@code error}. */
  synchronized void failed(String stream, FragmentNumber number, AckError error, Throwable cause) {
    long now = nanoClock.getAsLong();
    Episode e = episodes.computeIfAbsent(error, k -> new Episode());
    String message = String.valueOf(cause.getMessage());
    boolean starts = e.phase == Phase.PERSISTING;
    if (starts) {
      e.phase = Phase.FAILING;
      e.since = now;
      e.failedTotal = 0;
      e.streams.clear();
      failing = true;
    }
    e.failedTotal++;
    if (e.streams.size() < MAX_STREAMS_COUNTED) {
      e.streams.add(stream);
    }
    e.lastMessage = message;
    if (starts && (!e.detailed || now - e.lastDetailNanos >= SUMMARY_PERIOD_NANOS)) {
      e.detailed = true;
      e.lastDetailNanos = now;
      e.lastSummaryNanos = now;
      if (error == AckError.STORE_FULL) {
        // the cause says it all (no space); its stack trace would say nothing more
        LOG.warn("PutMedia {}: fragment {} not persisted ({}): {}; further failures are summarized every {} s",
            stream, number, label(error), message, TimeUnit.NANOSECONDS.toSeconds(SUMMARY_PERIOD_NANOS));
      } else {
        LOG.warn("PutMedia {}: fragment {} not persisted ({}); further failures are summarized every {} s", stream,
            number, label(error), TimeUnit.NANOSECONDS.toSeconds(SUMMARY_PERIOD_NANOS), cause);
      }
      return;
    }
    e.failedUnreported++;
    if (now - e.lastSummaryNanos >= SUMMARY_PERIOD_NANOS) {
      e.lastSummaryNanos = now;
      LOG.warn("PutMedia: {} more fragments not persisted ({}) in the last {} s; {} fragments of {} streams ({})"
          + " since the store started failing {} s ago; latest cause: {}", e.failedUnreported, label(error),
          TimeUnit.NANOSECONDS.toSeconds(SUMMARY_PERIOD_NANOS), e.failedTotal, streamCount(e), quoted(e),
          TimeUnit.NANOSECONDS.toSeconds(now - e.since), message);
      e.failedUnreported = 0;
    }
  }

  /** A fragment was persisted: a cause that was failing is over (logged once per period at most). */
  void persisted() {
    if (!failing) {
      return;
    }
    synchronized (this) {
      long now = nanoClock.getAsLong();
      boolean still = false;
      for (Map.Entry<AckError, Episode> entry : episodes.entrySet()) {
        Episode e = entry.getValue();
        if (e.phase != Phase.FAILING) {
          continue;
        }
        if (e.recovered && now - e.lastRecoveryNanos < SUMMARY_PERIOD_NANOS) {
          // flapping: the episode stays open and the next recovery line after the period covers it
          still = true;
          continue;
        }
        e.recovered = true;
        e.lastRecoveryNanos = now;
        e.phase = Phase.PERSISTING;
        LOG.info("PutMedia: fragments are persisted again; {} fragments of {} streams ({}) were not persisted"
            + " ({}) over {} s, {} of them since the last line; latest cause: {}", e.failedTotal, streamCount(e),
            quoted(e), label(entry.getKey()), TimeUnit.NANOSECONDS.toSeconds(now - e.since), e.failedUnreported,
            e.lastMessage);
        e.failedUnreported = 0;
      }
      failing = still;
    }
  }

  private static String label(AckError error) {
    return error.id() + " " + error.code();
  }

  private static String streamCount(Episode e) {
    return e.streams.size() < MAX_STREAMS_COUNTED ? String.valueOf(e.streams.size())
        : "at least " + MAX_STREAMS_COUNTED;
  }

  private static String quoted(Episode e) {
    String first = String.join(", ", e.streams.stream().limit(STREAMS_QUOTED).toList());
    return e.streams.size() > STREAMS_QUOTED ? first + ", ..." : first;
  }
}
