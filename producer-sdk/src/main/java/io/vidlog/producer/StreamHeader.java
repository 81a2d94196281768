package io.vidlog.producer;

import io.vidlog.media.ebml.EbmlWriter;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import java.util.List;

/**
 * The start of an MKV stream as a KVS producer sends it at the start of each PutMedia connection and
 * whenever the tracks change (docs/wire-protocol.md §1.1): EBML header, Segment of unknown size, Info
 * (1 ms TimecodeScale: Cluster Timecodes are absolute epoch milliseconds) and Tracks. A new EBML header
 * on the same connection starts a new MKV stream, so the service's timestamp-order check starts afresh.
 */
final class StreamHeader {
  static final String APP = "vidlog-producer-sdk";

  private final byte[] bytes;
  private final List<TrackEntry> tracks;

  StreamHeader(List<TrackEntry> tracks) {
    this.tracks = List.copyOf(tracks);
    MkvWriter w = MkvWriter.MINIMAL;
    SegmentInfo info = new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, APP, APP, null);
    this.bytes = EbmlWriter.concat(w.ebmlHeader(), w.segmentStartUnknownSize(), w.info(info), w.tracks(this.tracks));
  }

  byte[] bytes() {
    return bytes;
  }

  List<TrackEntry> tracks() {
    return tracks;
  }
}
