package io.vidlog.producer;

import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import io.vidlog.media.mkv.TrackEntry;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole fragment read back (GetMediaForFragmentList), with its frames in stream order.
 *
 * @param info the producer's Segment Info (its TimecodeScale among others)
 * @param tracks the producer's tracks
 * @param clusterTimecode the Cluster Timecode as the producer sent it
 * @param metadata the producer's fragment metadata (before and after the Cluster), in arrival order
 */
public record ReadFragment(String fragmentNumber, Instant producerTimestamp, Instant serverTimestamp,
    SegmentInfo info, List<TrackEntry> tracks, long clusterTimecode, List<ReadFrame> frames,
    Map<String, String> metadata) {

  public ReadFragment {
    tracks = List.copyOf(tracks);
    frames = List.copyOf(frames);
    metadata = Map.copyOf(metadata);
  }

  /**
   * The fragment as a standalone, playable MKV file: EBML header, Segment (unknown size), Info,
   * Tracks, the metadata as Tags, one Cluster with a SimpleBlock per frame.
   */
  public byte[] toMkv() {
    MkvWriter w = MkvWriter.MINIMAL;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(w.ebmlHeader());
    out.writeBytes(w.segmentStartUnknownSize());
    out.writeBytes(w.info(info));
    out.writeBytes(w.tracks(tracks));
    if (!metadata.isEmpty()) {
      List<SimpleTag> items = new ArrayList<>();
      metadata.forEach((k, v) -> items.add(SimpleTag.of(k, v)));
      out.writeBytes(w.tags(List.of(new Tag(50, items))));
    }
    long scaleNs = info.timecodeScaleNs();
    long clusterNs = clusterTimecode * scaleNs;
    long clusterSize = 0;
    List<byte[]> blocks = new ArrayList<>(frames.size());
    for (ReadFrame f : frames) {
      long offsetNs = (f.timestamp().getEpochSecond() * 1_000_000_000L + f.timestamp().getNano())
          - (producerTimestamp.getEpochSecond() * 1_000_000_000L + producerTimestamp.getNano());
      int relative = Math.toIntExact(Math.floorDiv(offsetNs, scaleNs));
      byte[] b = w.simpleBlock(f.trackNumber(), relative, f.keyFrame() ? MkvWriter.FLAG_KEY : 0, f.data());
      blocks.add(b);
      clusterSize += b.length;
    }
    out.writeBytes(w.clusterStart(clusterNs / scaleNs, clusterSize));
    blocks.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
