package io.vidlog.ingest;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.kvs.AckError;
import io.vidlog.kvs.KvsTag;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fragmenting state machine of PutMedia, driven by {@link MkvHandler} events (docs/wire-protocol.md §1.1,
 * §1.4, §5): each Cluster is one fragment; {@code AWS_KINESISVIDEO_END_OF_FRAGMENT} closes the open
 * fragment early; a new EBML header starts a new MKV stream. Producer Tags sent while no fragment is
 * open, before an EBML header too, belong to the next fragment (pre-cluster); Tags sent after a Cluster started belong to it
 * (post-cluster), so a fragment is only complete when the next Cluster, EBML header, end-of-fragment
 * tag or the end of the body arrives. Rules broken by one fragment drop that fragment only; the
 * connection-level failures go to {@link FragmentListener#failed}.
 */
final class FragmentAssembler implements MkvHandler {

  private static final Logger LOG = LoggerFactory.getLogger(FragmentAssembler.class);

  private enum State { NO_HEADER, HEADER, READY, OPEN, CLOSING, REJECTED, FAILED }

  private final IngestConfig config;
  private final PutMediaHeaders request;
  private final LongSupplier clockMillis;
  private final FragmentListener listener;

  private State state = State.NO_HEADER;
  private Buffer ebmlHeader;
  private Buffer info;
  private long timecodeScaleNs = SegmentInfo.DEFAULT_TIMECODE_SCALE;
  private StreamHeader header;
  private OpenFragment open;
  private final List<ChunkHeader.Metadata> pendingPreTags = new ArrayList<>();
  private boolean pendingPreTagsInvalid;
  /** Largest frame timestamp per track in the previous accepted fragment of this MKV stream (4004). */
  private final Map<Integer, Long> previousMaxNs = new HashMap<>();

  FragmentAssembler(IngestConfig config, PutMediaHeaders request, LongSupplier clockMillis, FragmentListener listener) {
    this.config = config;
    this.request = request;
    this.clockMillis = clockMillis;
    this.listener = listener;
  }

  /** The open fragment, or null. */
  OpenFragment openFragment() {
    return state == State.OPEN || state == State.CLOSING ? open : null;
  }

  @Override
  public void onEbmlHeader(EbmlHeaderInfo h) {
    if (state == State.FAILED) {
      return;
    }
    closeOpen();
    ebmlHeader = ChunkMkv.ebmlHeader(h);
    info = null;
    header = null;
    timecodeScaleNs = SegmentInfo.DEFAULT_TIMECODE_SCALE;
    previousMaxNs.clear();
    // Tags sent since the last fragment, even before this header, are the next fragment's
    // metadata: the KVS producer queues metadata for the next fragment, and resuming a session it
    // can send that queue ahead of the new EBML header (package-info)
    state = State.HEADER;
  }

  @Override
  public void onInfo(SegmentInfo segmentInfo, ByteBuffer raw) {
    if (state == State.FAILED) {
      return;
    }
    closeOpen();
    info = copy(raw);
    timecodeScaleNs = segmentInfo.timecodeScaleNs() > 0 ? segmentInfo.timecodeScaleNs()
        : SegmentInfo.DEFAULT_TIMECODE_SCALE;
    header = null;
  }

  @Override
  public void onTracks(List<TrackEntry> tracks, ByteBuffer raw) {
    if (state == State.FAILED) {
      return;
    }
    closeOpen();
    if (tracks.size() > config.maxTracks()) {
      fail(AckError.MAX_TRACKS_EXCEEDED, null, tracks.size() + " tracks, at most " + config.maxTracks());
      return;
    }
    if (ebmlHeader == null || info == null) {
      fail(AckError.INVALID_MKV_DATA, null, "Tracks before the EBML header or Info");
      return;
    }
    header = new StreamHeader(ebmlHeader, info, copy(raw), List.copyOf(tracks), timecodeScaleNs);
    state = State.READY;
  }

  @Override
  public void onClusterStart(long timecode, long size) {
    if (state == State.FAILED) {
      return;
    }
    closeOpen();
    if (header == null) {
      fail(AckError.INVALID_MKV_DATA, timecode, "Cluster before Info and Tracks");
      return;
    }
    AckError refused = listener.admit();
    if (refused != null) {
      fail(refused, timecode, "connection refused a new fragment");
      return;
    }
    long producerMs = request.producerTimestampMillis(timecode, timecodeScaleNs);
    open = new OpenFragment(header, timecode, clockMillis.getAsLong(), producerMs, pendingPreTags);
    boolean preTagsInvalid = pendingPreTagsInvalid;
    pendingPreTags.clear();
    pendingPreTagsInvalid = false;
    state = State.OPEN;
    listener.opened(open);
    if (producerMs < 0) {
      reject(AckError.INVALID_PRODUCER_TIMESTAMP);
    } else if (preTagsInvalid || open.metadataCount() > config.maxMetadataItems()) {
      reject(AckError.FRAGMENT_METADATA_LIMIT_REACHED);
    }
  }

  @Override
  public void onFrame(MkvFrame frame) {
    if (state != State.OPEN) {
      return; // dropped: the fragment was refused, or a block outside a cluster
    }
    TrackEntry track = header.track(frame.trackNumber());
    if (track == null) {
      reject(AckError.TRACK_NUMBER_MISMATCH);
      return;
    }
    long startNs = frame.timecodeNs();
    Long previous = previousMaxNs.get(frame.trackNumber());
    if (previous != null && startNs <= previous) {
      reject(AckError.FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS);
      return;
    }
    if (open.frameCount > 0 && startNs - open.firstFrameNs() > config.maxFragmentDuration().toNanos()) {
      reject(AckError.MAX_FRAGMENT_DURATION_REACHED);
      return;
    }
    int payload = frame.size();
    long blockBytes = ChunkMkv.simpleBlockHeaderLength(frame.trackNumber(), payload) + (long) payload;
    if (open.mkvBytes + blockBytes > config.maxFragmentBytes()) {
      reject(AckError.MAX_FRAGMENT_SIZE_REACHED);
      return;
    }
    long durationNs = frame.durationTicks() > 0 ? frame.durationTicks() * timecodeScaleNs : track.defaultDurationNs();
    open.addFrame(frame.trackNumber(), startNs, startNs + Math.max(0, durationNs), blockBytes);
    listener.frame(open, frame);
  }

  @Override
  public void onClusterEnd() {
    if (state == State.OPEN) {
      state = State.CLOSING;
    }
  }

  @Override
  public void onTags(List<Tag> tags, ByteBuffer raw) {
    if (state == State.FAILED) {
      return;
    }
    List<ChunkHeader.Metadata> items = new ArrayList<>();
    boolean invalid = false;
    boolean endOfFragment = false;
    for (Tag tag : tags) {
      for (SimpleTag st : tag.simpleTags()) {
        String name = st.name() == null ? "" : st.name();
        if (name.startsWith(KvsTag.RESERVED_PREFIX)) {
          // Reserved KVS control tags are acted on, never stored as user metadata (docs/wire-protocol.md §1.1).
          endOfFragment |= name.equals(KvsTag.END_OF_FRAGMENT);
          continue;
        }
        String value = st.value() == null ? "" : st.value();
        invalid |= name.startsWith("AWS")
            || name.getBytes(StandardCharsets.UTF_8).length > config.maxMetadataNameBytes()
            || value.getBytes(StandardCharsets.UTF_8).length > config.maxMetadataValueBytes();
        items.add(new ChunkHeader.Metadata(name, value));
      }
    }
    if (state == State.OPEN || state == State.CLOSING) {
      open.postTags.addAll(items);
      if (invalid || open.metadataCount() > config.maxMetadataItems()) {
        reject(AckError.FRAGMENT_METADATA_LIMIT_REACHED);
      } else if (endOfFragment) {
        closeOpen();
      }
    } else if (state == State.REJECTED) {
      if (endOfFragment) {
        state = header == null ? State.HEADER : State.READY;
      }
    } else if (endOfFragment) {
      // No fragment of this connection is open, so the fragment this Tags element ends (and its
      // metadata describes) was cut on an earlier connection: a KVS producer resuming a session
      // resends it ahead of its first Cluster. Its items are not the next fragment's metadata.
      if (!items.isEmpty()) {
        LOG.debug("PutMedia {}: dropped {} metadata items of a fragment ended before this connection",
            request.stream(), items.size());
      }
    } else {
      pendingPreTags.addAll(items);
      pendingPreTagsInvalid |= invalid;
    }
  }

  @Override
  public void onSegmentEnd() {
    if (state != State.FAILED) {
      closeOpen();
    }
  }

  /** The body ended cleanly: the open fragment is complete. */
  void finish() {
    if (state != State.FAILED) {
      closeOpen();
    }
  }

  /**
   * The input cannot be parsed (4006) or the connection must stop: a fragment whose Cluster had
   * ended is kept, one cut in the middle is dropped, and the connection fails.
   */
  void abort(AckError error, String detail) {
    if (state == State.FAILED) {
      return;
    }
    if (state == State.CLOSING) {
      closeOpen();
      fail(error, null, detail);
    } else if (state == State.OPEN) {
      reject(error);
      fail(null, null, detail); // the ERROR ack went out with the dropped fragment's number
    } else {
      fail(error, null, detail);
    }
  }

  private void closeOpen() {
    if (state == State.REJECTED) {
      state = State.READY;
      open = null;
      return;
    }
    if (state != State.OPEN && state != State.CLOSING) {
      return;
    }
    OpenFragment f = open;
    boolean missingTrack = f.frameCount == 0;
    if (config.requireEveryTrack()) {
      for (TrackEntry t : header.trackEntries()) {
        missingTrack |= !f.trackStats().containsKey(t.trackNumber());
      }
    }
    if (missingTrack) {
      reject(AckError.FRAGMENT_TRACK_MISSING);
      state = State.READY;
      open = null;
      return;
    }
    for (Map.Entry<Integer, OpenFragment.TrackStats> e : f.trackStats().entrySet()) {
      previousMaxNs.put(e.getKey(), e.getValue().maxNs);
    }
    state = State.READY;
    open = null;
    listener.completed(f);
  }

  private void reject(AckError error) {
    state = State.REJECTED;
    listener.rejected(open, error);
  }

  private void fail(AckError error, Long timecode, String detail) {
    state = State.FAILED;
    open = null;
    listener.failed(error, timecode, detail);
  }

  private static Buffer copy(ByteBuffer raw) {
    byte[] bytes = new byte[raw.remaining()];
    raw.duplicate().get(bytes);
    return Buffer.buffer(bytes);
  }
}
