package io.vidlog.media.mkv;

import io.vidlog.media.ebml.EbmlSchema;

/**
 * The few levels and master flags the framing layer needs for Matroska (RFC 9559 §5.1): enough to
 * close an unknown-size Segment or Cluster when a sibling or higher element starts.
 */
public final class MatroskaSchema implements EbmlSchema {
  public static final MatroskaSchema INSTANCE = new MatroskaSchema();

  private MatroskaSchema() {}

  @Override
  public int level(int id) {
    return switch (id) {
      case MatroskaIds.EBML, MatroskaIds.SEGMENT -> 0;
      case MatroskaIds.SEEK_HEAD, MatroskaIds.INFO, MatroskaIds.TRACKS, MatroskaIds.CLUSTER, MatroskaIds.CUES,
          MatroskaIds.TAGS, MatroskaIds.CHAPTERS, MatroskaIds.ATTACHMENTS -> 1;
      case MatroskaIds.TIMECODE, MatroskaIds.POSITION, MatroskaIds.PREV_SIZE, MatroskaIds.SIMPLE_BLOCK,
          MatroskaIds.BLOCK_GROUP, MatroskaIds.TRACK_ENTRY, MatroskaIds.TAG -> 2;
      case MatroskaIds.BLOCK, MatroskaIds.BLOCK_DURATION, MatroskaIds.REFERENCE_BLOCK -> 3;
      default -> -1;
    };
  }

  @Override
  public boolean isMaster(int id) {
    return switch (id) {
      case MatroskaIds.EBML, MatroskaIds.SEGMENT, MatroskaIds.SEEK_HEAD, MatroskaIds.INFO, MatroskaIds.TRACKS,
          MatroskaIds.CLUSTER, MatroskaIds.CUES, MatroskaIds.TAGS, MatroskaIds.CHAPTERS, MatroskaIds.ATTACHMENTS,
          MatroskaIds.BLOCK_GROUP, MatroskaIds.TRACK_ENTRY, MatroskaIds.VIDEO, MatroskaIds.AUDIO, MatroskaIds.TAG,
          MatroskaIds.TARGETS, MatroskaIds.SIMPLE_TAG -> true;
      default -> false;
    };
  }
}
