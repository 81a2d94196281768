package io.vidlog.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link StreamProducer} streams. Build with {@link #builder(String)}; the defaults suit a live
 * camera against vidlog or KVS.
 *
 * @param streamName the stream to put media into
 * @param createIfMissing when not null, the stream is created with this spec if it does not exist
 *     (the KVS producer flow: describe → create → wait for ACTIVE); null: it must exist
 * @param tracks 1–3 tracks, numbers unique
 * @param fragmentDuration {@link Duration#ZERO}: a new fragment at every key frame; else a new
 *     fragment at the first key frame at least this long after the current one started
 * @param mode what a full buffer does to {@code putFrame}
 * @param bufferDuration the buffer holds at most this span of frames (first unacknowledged frame to
 *     newest)
 * @param bufferBytes and at most this many bytes of packaged frames
 * @param staleTimeout a connection that sent a fragment's start and got no BUFFERING ack for it within
 *     this time is taken as dead and replaced
 * @param connectionMaxDuration connections are replaced at the next fragment boundary after this long,
 *     before the service's own limit (45 minutes, docs/wire-protocol.md §1.4) ends them
 * @param minBackoff first delay before reconnecting; doubles up to {@code maxBackoff}, with full jitter
 * @param reconcileTimeout after a broken connection, how long to wait for fragments the service may
 *     have completed to appear in ListFragments before sending them again (0: never look, resend)
 * @param closeTimeout how long {@link StreamProducer#close()} waits for the last acknowledgements
 * @param listener callbacks; never null
 */
public record ProducerConfig(String streamName, StreamSpec createIfMissing, List<TrackConfig> tracks,
    Duration fragmentDuration, BufferMode mode, Duration bufferDuration, long bufferBytes, Duration staleTimeout,
    Duration connectionMaxDuration, Duration minBackoff, Duration maxBackoff, Duration reconcileTimeout,
    Duration closeTimeout, ProducerListener listener) {

  public ProducerConfig {
    Objects.requireNonNull(streamName, "streamName");
    tracks = List.copyOf(tracks);
    if (tracks.isEmpty() || tracks.size() > 3) {
      throw new IllegalArgumentException("a stream has 1 to 3 tracks, got " + tracks.size());
    }
    Set<Integer> numbers = new HashSet<>();
    for (TrackConfig t : tracks) {
      if (!numbers.add(t.trackNumber())) {
        throw new IllegalArgumentException("track number " + t.trackNumber() + " used twice");
      }
    }
    requireNonNegative("fragmentDuration", fragmentDuration);
    requirePositive("bufferDuration", bufferDuration);
    requirePositive("staleTimeout", staleTimeout);
    requirePositive("connectionMaxDuration", connectionMaxDuration);
    requirePositive("minBackoff", minBackoff);
    requirePositive("maxBackoff", maxBackoff);
    requireNonNegative("reconcileTimeout", reconcileTimeout);
    requireNonNegative("closeTimeout", closeTimeout);
    if (bufferBytes < 64 * 1024) {
      throw new IllegalArgumentException("bufferBytes " + bufferBytes + " below 64 KB");
    }
    if (maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff " + maxBackoff + " below minBackoff " + minBackoff);
    }
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(listener, "listener");
  }

  public static Builder builder(String streamName) {
    return new Builder(streamName);
  }

  /** The track with this number, or null. */
  public TrackConfig track(int trackNumber) {
    for (TrackConfig t : tracks) {
      if (t.trackNumber() == trackNumber) {
        return t;
      }
    }
    return null;
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  private static void requireNonNegative(String name, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + d);
    }
  }

  /** Builder with the defaults listed on each setter. */
  public static final class Builder {
    private final String streamName;
    private StreamSpec createIfMissing;
    private final List<TrackConfig> tracks = new ArrayList<>();
    private Duration fragmentDuration = Duration.ZERO;
    private BufferMode mode = BufferMode.REAL_TIME;
    private Duration bufferDuration = Duration.ofSeconds(120);
    private long bufferBytes = 64L * 1024 * 1024;
    private Duration staleTimeout = Duration.ofSeconds(10);
    private Duration connectionMaxDuration = Duration.ofMinutes(40);
    private Duration minBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration reconcileTimeout = Duration.ofSeconds(3);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private ProducerListener listener = new ProducerListener() {};

    private Builder(String streamName) {
      this.streamName = streamName;
    }

    /** Create the stream with this spec when it does not exist (default: it must exist). */
    public Builder createIfMissing(StreamSpec spec) {
      this.createIfMissing = spec;
      return this;
    }

    public Builder track(TrackConfig track) {
      tracks.add(track);
      return this;
    }

    /** Default {@link Duration#ZERO}: a fragment per key frame. */
    public Builder fragmentDuration(Duration d) {
      this.fragmentDuration = d;
      return this;
    }

    /** Default {@link BufferMode#REAL_TIME}. */
    public Builder mode(BufferMode m) {
      this.mode = m;
      return this;
    }

    /** Default 120 s. */
    public Builder bufferDuration(Duration d) {
      this.bufferDuration = d;
      return this;
    }

    /** Default 64 MB. */
    public Builder bufferBytes(long bytes) {
      this.bufferBytes = bytes;
      return this;
    }

    /** Default 10 s. */
    public Builder staleTimeout(Duration d) {
      this.staleTimeout = d;
      return this;
    }

    /** Default 40 minutes. */
    public Builder connectionMaxDuration(Duration d) {
      this.connectionMaxDuration = d;
      return this;
    }

    /** Defaults 200 ms and 10 s. */
    public Builder backoff(Duration min, Duration max) {
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** Default 3 s. */
    public Builder reconcileTimeout(Duration d) {
      this.reconcileTimeout = d;
      return this;
    }

    /** Default 30 s. */
    public Builder closeTimeout(Duration d) {
      this.closeTimeout = d;
      return this;
    }

    public Builder listener(ProducerListener l) {
      this.listener = l;
      return this;
    }

    public ProducerConfig build() {
      return new ProducerConfig(streamName, createIfMissing, tracks, fragmentDuration, mode, bufferDuration,
          bufferBytes, staleTimeout, connectionMaxDuration, minBackoff, maxBackoff, reconcileTimeout, closeTimeout,
          listener);
    }
  }
}
