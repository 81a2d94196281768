package io.vidlog.ingest;

import io.vidlog.media.mkv.MkvLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Limits and defaults of {@code /putMedia} (docs/architecture.md §Limits, docs/wire-protocol.md §1.4 and §6). Defaults
 * follow KVS; the server builds one from its config file.
 *
 * @param maxFragmentBytes 4001 above this many bytes of stored MKV per fragment (KVS: 50 MB)
 * @param maxFragmentDuration 4002 when a frame starts this long after the fragment's first frame (KVS: 10 s)
 * @param maxConnectionDuration 4003 for a fragment that starts after this (KVS: about 45 min)
 * @param maxTracks 4012 when Tracks declares more (KVS: 3)
 * @param maxMetadataItems 4009 when a fragment carries more producer tags (KVS: 10)
 * @param maxMetadataNameBytes 4009 for a longer tag name (KVS: 128)
 * @param maxMetadataValueBytes 4009 for a longer tag value (KVS: 256)
 * @param requireEveryTrack 4011 when a declared track has no frame in a fragment (KVS does this)
 * @param idleAckPeriod how often an IDLE ack is sent while no data arrives
 * @param idleTimeout the connection is closed after this long without data (KVS: 30 s)
 * @param chunkWriteBytes plaintext bytes gathered before one {@code ChunkWriter.write}
 * @param maxPendingCommits fragments of one connection waiting for their durable commit before the
 *     request is paused (back-pressure from the object store to the socket)
 * @param mp4TargetFragment where an MP4 upload is cut (at the next key frame after this); below
 *     {@code maxFragmentDuration}
 * @param mkvLimits bounds for the MKV reader
 * @param maxMp4SpoolBytes largest progressive MP4 upload spooled to a temporary file before it is
 *     demuxed (a fragmented MP4 is demuxed as it arrives and never spooled); a larger upload ends
 *     with ErrorId 4001 and its temporary file is deleted (default 4 GiB)
 * @param mp4SpoolDir where progressive MP4 uploads are spooled; null for the JVM's temporary
 *     directory ({@code java.io.tmpdir}). Put it on a disk with room for the largest upload
 *     times the concurrent uploads, not on a RAM-backed tmpfs. {@link IngestApi} creates it and
 *     removes the spool files a killed process left there.
 * @param takeoverSilence a PutMedia connection whose producer sent no byte for this long (not
 *     counting time vidlog itself held the request) is no longer active: a newer connection for the
 *     stream takes over from it instead of being refused with ConnectionLimitExceeded. Default 5 s:
 *     a live producer sends a frame every 33–40 ms (at least one a second at 1 fps), so 5 s of
 *     silence is a dead connection, not jitter; a KVS SDK only reconnects after giving up on its
 *     old connection (curl's low-speed limit of 30 s, connection staleness, a network error), so
 *     its reconnect is admitted at once or at its next retry. Keep it below {@code idleTimeout}
 * @param maxPutMediaCallsPerSecond PutMedia calls per stream and second before
 *     ClientLimitExceeded (KVS: 5, docs/wire-protocol.md §6)
 * @param buffers how many bytes body parsers may hold in buffers, per connection and in all
 */
public record IngestConfig(long maxFragmentBytes, Duration maxFragmentDuration, Duration maxConnectionDuration,
    int maxTracks, int maxMetadataItems, int maxMetadataNameBytes, int maxMetadataValueBytes,
    boolean requireEveryTrack, Duration idleAckPeriod, Duration idleTimeout, int chunkWriteBytes,
    int maxPendingCommits, Duration mp4TargetFragment, MkvLimits mkvLimits, long maxMp4SpoolBytes,
    Path mp4SpoolDir, Duration takeoverSilence, int maxPutMediaCallsPerSecond, Buffers buffers) {

  /** Default {@link #maxMp4SpoolBytes}: 4 GiB. */
  public static final long DEFAULT_MAX_MP4_SPOOL_BYTES = 4L << 30;

  public static final IngestConfig DEFAULT = new IngestConfig(50L * 1024 * 1024, Duration.ofSeconds(10),
      Duration.ofMinutes(45), 3, 10, 128, 256, true, Duration.ofSeconds(3), Duration.ofSeconds(30),
      64 * 1024, 4, Duration.ofSeconds(2), MkvLimits.DEFAULT, DEFAULT_MAX_MP4_SPOOL_BYTES, null,
      Duration.ofSeconds(5), 5, Buffers.defaults());

  /**
   * Bytes that body parsers hold in buffers: what arrived of an element they must see whole (an
   * MKV header element, a BlockGroup Block, a frame split across reads, an MP4 moov or moof, a
   * split sample) and the tables parsed from it. Frame bytes otherwise stream through as views of
   * the reads they came in, so a connection normally holds a few KB. Every buffer grows as its
   * bytes arrive and is charged here first; a connection whose next buffer does not fit gets an
   * ERROR ack ({@link io.vidlog.kvs.AckError#CONNECTION_BUFFER_LIMIT_REACHED} or
   * {@link io.vidlog.kvs.AckError#SERVER_BUFFER_LIMIT_REACHED}) and ends.
   *
   * @param perConnection most one connection holds
   * @param serverWide most all connections of this server hold together
   */
  public record Buffers(long perConnection, long serverWide) {
    /**
     * Default {@link #perConnection}: 64 MiB. A valid MKV body holds at most one frame being
     * assembled or one BlockGroup Block (the 50 MiB frame limit) plus a header element (4 MiB) and a
     * few small kept buffers; a fragmented MP4 at most a moov or moof (32 MiB) and its sample list
     * (about 6 MB at 100 000 samples); a progressive one its sample tables (25 bytes a sample: about
     * 2 M samples, 18 h of 30 fps video) while its moov is parsed. So the default refuses nothing
     * the other limits accept.
     */
    public static final long DEFAULT_PER_CONNECTION = 64L << 20;

    public Buffers {
      if (perConnection <= 0 || serverWide <= 0) {
        throw new IllegalArgumentException("buffer budgets must be positive, got perConnection " + perConnection
            + ", serverWide " + serverWide);
      }
    }

    /**
     * {@link #DEFAULT_PER_CONNECTION} per connection and a quarter of the JVM's maximum heap for the
     * whole server: the rest of the heap is for frames on their way to the store and to live
     * readers. On a 512 MB heap two connections can hold a 50 MiB frame at once; ordinary
     * producers hold kilobytes.
     */
    public static Buffers defaults() {
      return new Buffers(DEFAULT_PER_CONNECTION, Runtime.getRuntime().maxMemory() / 4);
    }
  }

  public IngestConfig {
    if (maxFragmentBytes <= 0 || maxTracks <= 0 || maxMetadataItems < 0 || chunkWriteBytes <= 0
        || maxPendingCommits <= 0) {
      throw new IllegalArgumentException("ingest limits must be positive");
    }
    if (buffers == null) {
      throw new IllegalArgumentException("buffers must be given (IngestConfig.Buffers.defaults())");
    }
    if (maxMp4SpoolBytes <= 0) {
      throw new IllegalArgumentException("maxMp4SpoolBytes must be positive, got " + maxMp4SpoolBytes);
    }
    if (mp4TargetFragment.isNegative() || mp4TargetFragment.isZero()
        || mp4TargetFragment.compareTo(maxFragmentDuration) >= 0) {
      // a target at or over the fragment limit would cut fragments that 4002 then refuses
      throw new IllegalArgumentException("mp4TargetFragment must be positive and below maxFragmentDuration ("
          + maxFragmentDuration + "), got " + mp4TargetFragment);
    }
    if (takeoverSilence.isNegative() || takeoverSilence.isZero()) {
      throw new IllegalArgumentException("takeoverSilence must be positive, got " + takeoverSilence);
    }
    if (maxPutMediaCallsPerSecond <= 0) {
      throw new IllegalArgumentException("maxPutMediaCallsPerSecond must be positive, got " + maxPutMediaCallsPerSecond);
    }
  }

  public IngestConfig withIdle(Duration ackPeriod, Duration timeout) {
    return new IngestConfig(maxFragmentBytes, maxFragmentDuration, maxConnectionDuration, maxTracks,
        maxMetadataItems, maxMetadataNameBytes, maxMetadataValueBytes, requireEveryTrack, ackPeriod, timeout,
        chunkWriteBytes, maxPendingCommits, mp4TargetFragment, mkvLimits, maxMp4SpoolBytes, mp4SpoolDir,
        takeoverSilence, maxPutMediaCallsPerSecond, buffers);
  }

  public IngestConfig withMaxConnectionDuration(Duration d) {
    return new IngestConfig(maxFragmentBytes, maxFragmentDuration, d, maxTracks, maxMetadataItems,
        maxMetadataNameBytes, maxMetadataValueBytes, requireEveryTrack, idleAckPeriod, idleTimeout,
        chunkWriteBytes, maxPendingCommits, mp4TargetFragment, mkvLimits, maxMp4SpoolBytes, mp4SpoolDir,
        takeoverSilence, maxPutMediaCallsPerSecond, buffers);
  }

  public IngestConfig withMaxFragmentBytes(long bytes) {
    return new IngestConfig(bytes, maxFragmentDuration, maxConnectionDuration, maxTracks, maxMetadataItems,
        maxMetadataNameBytes, maxMetadataValueBytes, requireEveryTrack, idleAckPeriod, idleTimeout,
        chunkWriteBytes, maxPendingCommits, mp4TargetFragment, mkvLimits, maxMp4SpoolBytes, mp4SpoolDir,
        takeoverSilence, maxPutMediaCallsPerSecond, buffers);
  }

  /** The same config with MP4 uploads cut near {@code target}. */
  public IngestConfig withMp4TargetFragment(Duration target) {
    return new IngestConfig(maxFragmentBytes, maxFragmentDuration, maxConnectionDuration, maxTracks,
        maxMetadataItems, maxMetadataNameBytes, maxMetadataValueBytes, requireEveryTrack, idleAckPeriod, idleTimeout,
        chunkWriteBytes, maxPendingCommits, target, mkvLimits, maxMp4SpoolBytes, mp4SpoolDir,
        takeoverSilence, maxPutMediaCallsPerSecond, buffers);
  }

  /** The same config with progressive MP4 uploads spooled to {@code dir} (null: the JVM's temp dir), at most {@code maxBytes}. */
  public IngestConfig withMp4Spool(long maxBytes, Path dir) {
    return new IngestConfig(maxFragmentBytes, maxFragmentDuration, maxConnectionDuration, maxTracks,
        maxMetadataItems, maxMetadataNameBytes, maxMetadataValueBytes, requireEveryTrack, idleAckPeriod, idleTimeout,
        chunkWriteBytes, maxPendingCommits, mp4TargetFragment, mkvLimits, maxBytes, dir,
        takeoverSilence, maxPutMediaCallsPerSecond, buffers);
  }

  /** The same config with {@code silence} as the takeover threshold and {@code callsPerSecond} PutMedia calls per stream. */
  public IngestConfig withConnectionRules(Duration silence, int callsPerSecond) {
    return new IngestConfig(maxFragmentBytes, maxFragmentDuration, maxConnectionDuration, maxTracks,
        maxMetadataItems, maxMetadataNameBytes, maxMetadataValueBytes, requireEveryTrack, idleAckPeriod, idleTimeout,
        chunkWriteBytes, maxPendingCommits, mp4TargetFragment, mkvLimits, maxMp4SpoolBytes, mp4SpoolDir, silence,
        callsPerSecond, buffers);
  }

  /** The same config with the request paused once {@code commits} fragments wait for their durable commit. */
  public IngestConfig withMaxPendingCommits(int commits) {
    return new IngestConfig(maxFragmentBytes, maxFragmentDuration, maxConnectionDuration, maxTracks,
        maxMetadataItems, maxMetadataNameBytes, maxMetadataValueBytes, requireEveryTrack, idleAckPeriod, idleTimeout,
        chunkWriteBytes, commits, mp4TargetFragment, mkvLimits, maxMp4SpoolBytes, mp4SpoolDir, takeoverSilence,
        maxPutMediaCallsPerSecond, buffers);
  }

  /** The same config with other buffer budgets. */
  public IngestConfig withBuffers(Buffers b) {
    return new IngestConfig(maxFragmentBytes, maxFragmentDuration, maxConnectionDuration, maxTracks,
        maxMetadataItems, maxMetadataNameBytes, maxMetadataValueBytes, requireEveryTrack, idleAckPeriod, idleTimeout,
        chunkWriteBytes, maxPendingCommits, mp4TargetFragment, mkvLimits, maxMp4SpoolBytes, mp4SpoolDir,
        takeoverSilence, maxPutMediaCallsPerSecond, b);
  }
}
