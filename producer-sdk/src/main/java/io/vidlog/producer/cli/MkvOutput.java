package io.vidlog.producer.cli;

import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.producer.ReadFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes frames read back from a stream as one Matroska file (RFC 9559): an EBML header, a Segment
 * of unknown size, Info (1 ms TimecodeScale), Tracks, then a Cluster per fragment whose Timecode is
 * the fragment's producer timestamp in milliseconds since the epoch, so the file keeps the stream's
 * times (and {@code vidlog put} puts it back at them). A Cluster is written either whole, with its
 * size ({@link #fragment}), or as frames arrive, with unknown size ({@link #frame}). When the tracks
 * change (another producer with another codec configuration), a new EBML header and Segment start
 * in the same file, as Matroska allows for chained segments.
 */
final class MkvOutput {
  private static final MkvWriter W = MkvWriter.MINIMAL;

  private final OutputStream out;
  private final String title;
  private List<TrackEntry> tracks = List.of();
  private String clusterFragment;
  private long written;
  private long segmentStart = -1;

  MkvOutput(OutputStream out, String title) {
    this.out = out;
    this.title = title;
  }

  /**
   * Continues a file that already holds {@code tracks} in its last Segment, which starts at
   * {@code segmentStart}; {@code openFragment} names the fragment whose Cluster the file ends in,
   * or null when it ends after a complete one.
   */
  MkvOutput resume(long fileLength, long segmentStart, List<TrackEntry> tracks, String openFragment) {
    this.written = fileLength;
    this.segmentStart = segmentStart;
    this.tracks = List.copyOf(tracks);
    this.clusterFragment = openFragment;
    return this;
  }

  /** One whole fragment, as a Cluster of known size. */
  void fragment(List<TrackEntry> fragmentTracks, Instant producerTimestamp, List<ReadFrame> frames) throws IOException {
    ensureTracks(fragmentTracks);
    long clusterMs = producerTimestamp.toEpochMilli();
    List<byte[]> blocks = new ArrayList<>(frames.size());
    long size = 0;
    for (ReadFrame f : frames) {
      byte[] b = W.simpleBlock(f.trackNumber(), relative(f.timestamp(), clusterMs), flags(f), f.data());
      blocks.add(b);
      size += b.length;
    }
    write(W.clusterStart(clusterMs, size));
    for (byte[] b : blocks) {
      write(b);
    }
    clusterFragment = null;
  }

  /**
   * One frame as it arrives: a new Cluster (unknown size) starts at the first frame of each
   * fragment. {@code known} are the tracks seen in the stream so far, this frame's included.
   */
  void frame(ReadFrame f, List<TrackEntry> known) throws IOException {
    ensureTracks(known);
    // the Cluster's Timecode is its fragment's producer time, which every frame of the fragment carries
    long clusterMillis = f.fragmentProducerTimestamp().toEpochMilli();
    if (!f.fragmentNumber().equals(clusterFragment)) {
      clusterFragment = f.fragmentNumber();
      write(W.clusterStart(clusterMillis, -1));
    }
    write(W.simpleBlockHeader(f.trackNumber(), relative(f.timestamp(), clusterMillis), flags(f), f.data().length));
    write(f.data());
  }

  /** Bytes of the file so far (those it held when resumed included). */
  long length() {
    return written;
  }

  /** Where the last Segment's EBML header starts (-1 before the first). */
  long segmentStart() {
    return segmentStart;
  }

  void flush() throws IOException {
    out.flush();
  }

  private void ensureTracks(List<TrackEntry> wanted) throws IOException {
    if (segmentStart >= 0 && sameTracks(tracks, wanted)) {
      return;
    }
    segmentStart = written;
    tracks = List.copyOf(wanted);
    write(W.ebmlHeader());
    write(W.segmentStartUnknownSize());
    write(W.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, title, "vidlog", "vidlog cli",
        null)));
    write(W.tracks(tracks));
    clusterFragment = null;
  }

  private static boolean sameTracks(List<TrackEntry> a, List<TrackEntry> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      TrackEntry x = a.get(i);
      TrackEntry y = b.get(i);
      if (x.trackNumber() != y.trackNumber() || !x.codecId().equals(y.codecId())
          || !Arrays.equals(x.codecPrivate(), y.codecPrivate())) {
        return false;
      }
    }
    return true;
  }

  private static int flags(ReadFrame f) {
    return f.keyFrame() ? MkvWriter.FLAG_KEY : 0;
  }

  /** The block's time relative to its Cluster, a signed 16-bit count of milliseconds (RFC 9559 §10.2). */
  private static int relative(Instant t, long clusterMs) {
    long r = t.toEpochMilli() - clusterMs;
    if (r < Short.MIN_VALUE || r > Short.MAX_VALUE) {
      throw new IllegalStateException("frame at " + t + " is " + r + " ms from its fragment's start: more than"
          + " a Matroska block can say");
    }
    return (int) r;
  }

  private void write(byte[] b) throws IOException {
    out.write(b);
    written += b.length;
  }
}
