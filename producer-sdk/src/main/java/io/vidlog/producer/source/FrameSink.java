package io.vidlog.producer.source;

import io.vidlog.media.mkv.TrackEntry;
import java.io.IOException;
import java.util.List;

/**
 * Receives what a {@link MediaSource} produces: its tracks once, then its frames in decode order.
 * A sink may block (a producer in offline mode blocks until its buffer has room); an exception it
 * throws stops the source and comes out of {@link MediaSource#run} unchanged.
 */
public interface FrameSink {
  /** The tracks, described as the Matroska TrackEntries a producer writes, before any frame. */
  void onTracks(List<TrackEntry> tracks) throws IOException, InterruptedException;

  /** One frame; its buffer is the sink's to keep. */
  void onFrame(SourceFrame frame) throws IOException, InterruptedException;
}
