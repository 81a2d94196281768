package io.vidlog.playback.hls;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.util.Objects;

/**
 * An HLS streaming session (docs/wire-protocol.md §3.5): everything its URLs serve is decided by
 * these values, which travel signed in the session token, so any node that holds the keys serves
 * the session without shared state.
 *
 * @param streamId the creation id of the stream: a stream deleted and created again under the same
 *     name is another stream, and the session does not reach it
 * @param kind which timestamp orders the fragments, and is written into them and the playlists
 * @param startMillis first timestamp of the range (LIVE: the start of the oldest fragment its first
 *     playlist listed, so older fragments are not reachable through the session)
 * @param endMillis last timestamp of the range, inclusive; null when open (LIVE, LIVE_REPLAY)
 * @param anchor the first fragment of the session: its codec private data makes the session's
 *     initialization segments until a fragment changes it
 * @param protocol which resources the session opens: HLS playlists or a DASH manifest
 * @param container HLS: fMP4 or MPEG-TS segments (DASH sessions are fMP4)
 * @param displayNumbers DASH DisplayFragmentNumber ALWAYS: each segment of the manifest names its
 *     fragment number ({@code kvs:fn})
 */
public record HlsSession(String streamName, String streamId, PlaybackMode mode, TimestampKind kind,
    long startMillis, Long endMillis, DiscontinuityMode discontinuity, boolean displayTimestamps, int maxResults,
    long issuedAtMillis, long expiresAtMillis, FragmentNumber anchor, SessionProtocol protocol,
    ContainerFormat container, boolean displayNumbers) {

  /** An HLS session of fMP4 segments. */
  public HlsSession(String streamName, String streamId, PlaybackMode mode, TimestampKind kind, long startMillis,
      Long endMillis, DiscontinuityMode discontinuity, boolean displayTimestamps, int maxResults, long issuedAtMillis,
      long expiresAtMillis, FragmentNumber anchor) {
    this(streamName, streamId, mode, kind, startMillis, endMillis, discontinuity, displayTimestamps, maxResults,
        issuedAtMillis, expiresAtMillis, anchor, SessionProtocol.HLS, ContainerFormat.FRAGMENTED_MP4, false);
  }

  public HlsSession {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(streamId, "streamId");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(discontinuity, "discontinuity");
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(container, "container");
    if (maxResults < 1) {
      throw new IllegalArgumentException("maxResults must be >= 1, got " + maxResults);
    }
  }

  public boolean expired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /**
   * Which timestamp orders the session's fragments and bounds its range: the selected one, except
   * LIVE, which lists the most recently ingested fragments (server timestamps) whichever timestamps
   * it shows (KVS's rule for LIVE with PRODUCER_TIMESTAMP).
   */
  public TimestampKind order() {
    return mode == PlaybackMode.LIVE ? TimestampKind.SERVER : kind;
  }

  /** The fragment's start by {@link #order()}. */
  public long orderMillis(FragmentRecord r) {
    return order() == TimestampKind.PRODUCER ? r.producerTimestampMillis() : r.serverTimestampMillis();
  }

  /** The fragment's start by {@link #kind()}: what its media and playlist times are. */
  public long kindMillis(FragmentRecord r) {
    return kind == TimestampKind.PRODUCER ? r.producerTimestampMillis() : r.serverTimestampMillis();
  }

  /** Whether a fragment is within the session's range (by {@link #order()}, inclusive). */
  public boolean inRange(FragmentRecord r) {
    long millis = orderMillis(r);
    return millis >= startMillis && (endMillis == null || millis <= endMillis);
  }
}
