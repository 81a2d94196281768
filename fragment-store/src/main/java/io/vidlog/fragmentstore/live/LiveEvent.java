package io.vidlog.fragmentstore.live;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.FragmentNumber;

/** What flows through a live feed, per fragment: FragmentStart, Frame…, then FragmentEnd or FragmentAborted. */
public sealed interface LiveEvent {

  FragmentNumber number();

  /**
   * A fragment opened. {@code mkvHeader} is the chunk's MKV prefix up to and including the
   * producer Tags that precede the Cluster, exactly as the stored chunk will hold it (EBML header,
   * Segment start, Info, Tracks, producer Tags), so a live reader writes the same bytes a stored
   * read would.
   */
  record FragmentStart(FragmentNumber number, long serverTimestampMillis, long producerTimestampMillis,
      long clusterTimecode, Buffer mkvHeader) implements LiveEvent {}

  /** One frame as a SimpleBlock will carry it in the Cluster. */
  record Frame(FragmentNumber number, int trackNumber, int relativeTimecode, int flags, Buffer payload)
      implements LiveEvent {}

  /**
   * The fragment closed. {@code mkvTrailer} is what the chunk holds after the Cluster's blocks (the
   * producer Tags that followed them); {@code persisted} is false for retention 0.
   */
  record FragmentEnd(FragmentNumber number, ChunkHeader header, Buffer mkvTrailer, boolean persisted)
      implements LiveEvent {}

  /** The fragment was refused and will never be stored. */
  record FragmentAborted(FragmentNumber number, String reason) implements LiveEvent {}
}
