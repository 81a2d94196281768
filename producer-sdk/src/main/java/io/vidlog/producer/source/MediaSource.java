package io.vidlog.producer.source;

import java.io.IOException;

/**
 * Something that produces coded frames for a stream: a media file read as a stream, or a
 * generated camera picture. {@link #run} is blocking and produces everything (a file to its end, a
 * camera until its duration is over or the thread is interrupted); sources read files in bounded
 * slices and never hold a whole file in memory.
 */
public interface MediaSource {

  /**
   * Produces the tracks and then every frame into {@code sink}, on the calling thread.
   *
   * @throws io.vidlog.media.MediaFormatException when the input is malformed or unsupported,
   *     naming the value and its offset
   * @throws IOException when reading fails, or as the sink threw it
   * @throws InterruptedException when interrupted, or as the sink threw it
   */
  void run(FrameSink sink) throws IOException, InterruptedException;

  /** How far {@link #run} has got, from 0 to 1, or NaN when the source has no end (a live camera). */
  default double progress() {
    return Double.NaN;
  }
}
