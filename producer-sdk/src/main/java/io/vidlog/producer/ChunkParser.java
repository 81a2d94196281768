package io.vidlog.producer;

import io.vidlog.kvs.KvsTag;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import io.vidlog.media.mkv.TrackEntry;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the MKV events of a GetMedia or GetMediaForFragmentList response (docs/wire-protocol.md §2
 * "Chunk layout", §3.2) into fragments: each chunk's KVS Tags give the fragment number and
 * timestamps, the producer's Tags its metadata, the Cluster its frames; an error chunk (a fragment
 * number and an error code, no server timestamp) is reported as such.
 *
 * <p>When a fragment is complete: on GetMedia, when the Tags after its Cluster carry its continuation
 * token; a response that breaks before that leaves the fragment incomplete. On
 * GetMediaForFragmentList (no Tags after the Cluster), when the next chunk starts or the response
 * ends cleanly ({@link #endOfResponse}).
 */
final class ChunkParser implements MkvHandler {

  /** The fragment a chunk carries, as far as known when its Cluster starts. */
  record FragmentHeader(String fragmentNumber, Instant producerTimestamp, Instant serverTimestamp, SegmentInfo info,
      List<TrackEntry> tracks, long clusterTimecode, Map<String, String> metadata) {}

  interface Listener {
    void onFragmentStart(FragmentHeader fragment) throws Exception;

    void onFrame(FragmentHeader fragment, int index, MkvFrame frame, TrackEntry track, Instant timestamp)
        throws Exception;

    /** The fragment is complete; {@code metadata} holds its items from before and after the Cluster. */
    void onFragmentEnd(FragmentHeader fragment, Map<String, String> metadata) throws Exception;

    void onErrorChunk(String fragmentNumber, int errorId, String errorCode) throws Exception;
  }

  /** A listener failed (whatever it threw): the parse stops and the caller rethrows the cause. */
  static final class ListenerException extends RuntimeException {
    ListenerException(Exception cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private enum Phase { BEFORE_CLUSTER, IN_CLUSTER, AFTER_CLUSTER }

  private final Listener listener;
  private final boolean endsAtNextChunk;

  private Phase phase = Phase.BEFORE_CLUSTER;
  private SegmentInfo info = new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, null, null, null);
  private final Map<Integer, TrackEntry> tracks = new LinkedHashMap<>();
  private final Map<String, String> kvsTags = new HashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private FragmentHeader current;
  private int frameIndex;

  /**
   * @param endsAtNextChunk true for GetMediaForFragmentList, whose chunks carry no continuation token
   */
  ChunkParser(Listener listener, boolean endsAtNextChunk) {
    this.listener = listener;
    this.endsAtNextChunk = endsAtNextChunk;
  }

  @Override
  public void onEbmlHeader(EbmlHeaderInfo header) {
    if (current != null && endsAtNextChunk) {
      endFragment();
    }
    current = null;
    phase = Phase.BEFORE_CLUSTER;
    kvsTags.clear();
    metadata.clear();
  }

  @Override
  public void onInfo(SegmentInfo segmentInfo, ByteBuffer raw) {
    info = segmentInfo;
  }

  @Override
  public void onTracks(List<TrackEntry> entries, ByteBuffer raw) {
    tracks.clear();
    for (TrackEntry t : entries) {
      tracks.put(t.trackNumber(), t);
    }
  }

  @Override
  public void onTags(List<Tag> tags, ByteBuffer raw) {
    boolean kvs = false;
    for (Tag tag : tags) {
      for (SimpleTag st : tag.simpleTags()) {
        if (st.name().startsWith(KvsTag.RESERVED_PREFIX)) {
          kvs = true;
          kvsTags.put(st.name(), st.value() == null ? "" : st.value());
        } else {
          metadata.put(st.name(), st.value() == null ? "" : st.value());
        }
      }
    }
    if (kvs && phase != Phase.BEFORE_CLUSTER && current != null
        && kvsTags.containsKey(KvsTag.CONTINUATION_TOKEN)) {
      endFragment();
    }
  }

  @Override
  public void onClusterStart(long timecode, long size) {
    String number = kvsTags.get(KvsTag.FRAGMENT_NUMBER);
    String errorCode = kvsTags.get(KvsTag.ERROR_CODE);
    if (errorCode != null && !kvsTags.containsKey(KvsTag.SERVER_TIMESTAMP)) {
      phase = Phase.IN_CLUSTER; // the empty Cluster of an error chunk
      call(() -> listener.onErrorChunk(number, parseInt(kvsTags.get(KvsTag.ERROR_ID)), errorCode));
      return;
    }
    if (number == null) {
      throw new ConnectionException("a media chunk without " + KvsTag.FRAGMENT_NUMBER
          + ": not a GetMedia response");
    }
    Instant producer = time(KvsTag.PRODUCER_TIMESTAMP, KvsTag.PRODUCER_SIDE_TIMESTAMP);
    Instant server = time(KvsTag.SERVER_TIMESTAMP, KvsTag.SERVER_SIDE_TIMESTAMP);
    current = new FragmentHeader(number, producer, server, info, List.copyOf(tracks.values()), timecode,
        Map.copyOf(new LinkedHashMap<>(metadata)));
    frameIndex = 0;
    phase = Phase.IN_CLUSTER;
    FragmentHeader f = current;
    call(() -> listener.onFragmentStart(f));
  }

  @Override
  public void onFrame(MkvFrame frame) {
    if (current == null) {
      return; // frames of an error chunk's Cluster (none are sent) or before any header
    }
    TrackEntry track = tracks.get(frame.trackNumber());
    if (track == null) {
      throw new ConnectionException("fragment " + current.fragmentNumber() + " has a frame of undeclared track "
          + frame.trackNumber());
    }
    long offsetNs = frame.timecodeNs() - current.clusterTimecode() * current.info().timecodeScaleNs();
    Instant ts = current.producerTimestamp().plusNanos(offsetNs);
    FragmentHeader f = current;
    int i = frameIndex++;
    call(() -> listener.onFrame(f, i, frame, track, ts));
  }

  @Override
  public void onClusterEnd() {
    if (phase == Phase.IN_CLUSTER) {
      phase = Phase.AFTER_CLUSTER;
    }
  }

  /** The response ended cleanly: on GetMediaForFragmentList the last fragment is complete. */
  void endOfResponse() {
    if (current != null && endsAtNextChunk) {
      endFragment();
    }
  }

  private void endFragment() {
    FragmentHeader f = current;
    Map<String, String> all = new LinkedHashMap<>(metadata);
    current = null;
    call(() -> listener.onFragmentEnd(f, all));
  }

  private Instant time(String name, String otherSpelling) {
    String v = kvsTags.getOrDefault(name, kvsTags.get(otherSpelling));
    if (v == null) {
      throw new ConnectionException("fragment " + kvsTags.get(KvsTag.FRAGMENT_NUMBER) + " lacks " + name);
    }
    try {
      return Docs.fromSeconds(new BigDecimal(v));
    } catch (NumberFormatException e) {
      throw new ConnectionException(name + " is not a timestamp: " + HttpResponseParser.printable(v));
    }
  }

  private static int parseInt(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void call(Call c) {
    try {
      c.run();
    } catch (ListenerException e) {
      throw e; // already says what the listener meant (the reader's stop): wrapping it again would hide that
    } catch (Exception e) {
      throw new ListenerException(e); // the application's (or checkpoint store's) failure, not the stream's
    }
  }
}
