package io.vidlog.producer.cli;

import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.CodecPrivate;
import io.vidlog.producer.Codec;
import io.vidlog.producer.NalFormat;
import io.vidlog.producer.StreamProducer;
import io.vidlog.producer.TrackConfig;
import io.vidlog.producer.source.FrameSink;
import io.vidlog.producer.source.SourceFrame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Feeds a source's frames to a {@link StreamProducer}: the producer is opened once the source has
 * described its tracks, and every frame goes to {@code putFrame} with its timestamps placed on the
 * wall clock (producer timestamps are absolute, docs/wire-protocol.md §1.2).
 */
final class SourcePump implements FrameSink {
  /**
   * Frame times before this (2000-01-01T00:00:00Z) are taken as relative to the start of a file,
   * not as wall-clock times: files made by encoders start near zero, files written by {@code vidlog
   * tail} or {@code fragments get} carry the producer times they were stored with.
   */
  static final long ABSOLUTE_AFTER_NANOS = 946_684_800L * 1_000_000_000L;

  /** Where a source's timeline is placed. */
  enum Timeline {
    /** The source's times are wall-clock times already (the camera). */
    AS_IS,
    /** Relative times (before 2000) are moved so the first frame is at the start; absolute ones kept. */
    AUTO
  }

  private final Function<List<TrackConfig>, StreamProducer> open;
  private final Timeline timeline;
  private final LongSupplier nowNanos;
  private StreamProducer producer;
  private boolean offsetKnown;
  private long offset;
  private long frames;
  private long firstPts = Long.MAX_VALUE;
  private long lastPts = Long.MIN_VALUE;

  SourcePump(Function<List<TrackConfig>, StreamProducer> open, Timeline timeline, LongSupplier nowNanos) {
    this.open = open;
    this.timeline = timeline;
    this.nowNanos = nowNanos;
  }

  @Override
  public void onTracks(List<TrackEntry> tracks) {
    List<TrackConfig> configs = new ArrayList<>();
    for (TrackEntry t : tracks) {
      configs.add(config(t));
    }
    producer = open.apply(configs);
  }

  @Override
  public void onFrame(SourceFrame f) {
    if (!offsetKnown) {
      long first = Math.min(f.ptsNanos(), f.dtsNanos());
      offset = timeline == Timeline.AUTO && first < ABSOLUTE_AFTER_NANOS ? nowNanos.getAsLong() - first : 0;
      offsetKnown = true;
    }
    long pts = f.ptsNanos() + offset;
    producer.putFrame(f.track(), instant(pts), instant(f.dtsNanos() + offset), f.keyFrame(), bytes(f.data()));
    frames++;
    firstPts = Math.min(firstPts, pts);
    lastPts = Math.max(lastPts, pts);
  }

  /** The producer, once the tracks are known (else null). */
  StreamProducer producer() {
    return producer;
  }

  /** Nanoseconds added to the source's times (0 when they were kept). */
  long offsetNanos() {
    return offset;
  }

  long frames() {
    return frames;
  }

  /** "FROM .. TO": the earliest and latest presentation times put, or "-" before the first frame. */
  String timeSpan() {
    return frames == 0 ? "-" : instant(firstPts) + " .. " + instant(lastPts);
  }

  /** A source track as the producer's track config: H.264/H.265 with 4-byte lengths, or AAC. */
  static TrackConfig config(TrackEntry t) {
    String id = CodecPrivate.canonicalCodecId(t.codecId());
    Codec codec;
    if (CodecPrivate.AVC.equals(id)) {
      codec = Codec.H264;
    } else if (CodecPrivate.HEVC.equals(id)) {
      codec = Codec.H265;
    } else if (CodecPrivate.AAC.equals(id)) {
      return TrackConfig.aac(t.trackNumber(), t.codecPrivate()).withName(t.name());
    } else {
      throw new IllegalArgumentException("track " + t.trackNumber() + " is " + t.codecId()
          + ": the producer carries H.264, H.265 and AAC");
    }
    if (t.codecPrivate() == null) {
      throw new IllegalArgumentException("track " + t.trackNumber() + " (" + t.codecId()
          + ") has no CodecPrivate: its decoder configuration record is needed");
    }
    return new TrackConfig(t.trackNumber(), codec, t.codecPrivate(), NalFormat.AVCC, t.name());
  }

  static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }

  /** The frame's bytes; sources hand out whole arrays, which are used without a copy. */
  private static byte[] bytes(ByteBuffer b) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
      return b.array();
    }
    byte[] copy = new byte[b.remaining()];
    b.duplicate().get(copy);
    return copy;
  }
}
