package io.vidlog.media.mkv;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Receives what {@code MkvReader} finds, in stream order (RFC 9559 Matroska). The reader never
 * builds a tree: header elements that are small (Info, Tracks, Tags) are reported parsed, together
 * with their raw bytes so a consumer can store them exactly as sent; frames are reported one by one
 * with their payload as a view of the input. Buffers handed to a handler are valid only during the
 * call: copy or retain what must outlive it.
 */
public interface MkvHandler {

  /** An EBML header (RFC 8794 §11.2); a second one on the same input starts a new MKV stream. */
  default void onEbmlHeader(EbmlHeaderInfo header) {}

  /** A Segment starts; {@code size} is -1 for unknown size. */
  default void onSegmentStart(long size) {}

  /** Info parsed, with the whole element's bytes (id and size included). */
  default void onInfo(SegmentInfo info, ByteBuffer rawElement) {}

  /** Tracks parsed, with the whole element's bytes (id and size included). */
  default void onTracks(List<TrackEntry> tracks, ByteBuffer rawElement) {}

  /**
   * A Cluster starts. {@code timecode} is the Cluster Timecode exactly as sent, in TimecodeScale
   * units; {@code size} is -1 for unknown size. Reported when the Timecode has been read.
   */
  default void onClusterStart(long timecode, long size) {}

  /** One frame of a SimpleBlock or BlockGroup/Block (laced blocks give one call per frame). */
  default void onFrame(MkvFrame frame) {}

  /** The current Cluster ended (its size was reached, or a level-1 element or EBML header began). */
  default void onClusterEnd() {}

  /** A Tags element (level 1, or at the top level before an EBML header), parsed, with its raw bytes. */
  default void onTags(List<Tag> tags, ByteBuffer rawElement) {}

  /** The Segment ended (known size reached, a new EBML header, or {@code MkvReader.end()}). */
  default void onSegmentEnd() {}
}
