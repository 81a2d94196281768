package io.vidlog.media.mp4;

import io.vidlog.media.ByteBudget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One entry point for an MP4 upload spooled to a file: a fragmented file (moov with mvex) is
 * streamed through {@link FragmentedMp4Demuxer} in 64 KB reads; a progressive one goes through
 * {@link Mp4FileDemuxer}. Either way the handler sees tracks, samples in order, then end, and what
 * the demuxer holds is charged to the given {@link ByteBudget}. Blocking I/O: run it on a worker
 * thread.
 */
public final class Mp4Demux {
  private static final int READ_SIZE = 64 * 1024;

  private Mp4Demux() {}

  public static void file(Path file, Mp4Limits limits, Mp4Handler handler) throws IOException {
    file(file, limits, ByteBudget.unlimited(), handler);
  }

  public static void file(Path file, Mp4Limits limits, ByteBudget budget, Mp4Handler handler) throws IOException {
    channel(FileChannel.open(file, StandardOpenOption.READ), limits, budget, handler);
  }

  /** As {@link #file} for an MP4 read through {@code ch} (closed when done), nothing budgeted. */
  public static void channel(SeekableByteChannel ch, Mp4Limits limits, Mp4Handler handler) throws IOException {
    channel(ch, limits, ByteBudget.unlimited(), handler);
  }

  /** As {@link #file} for an MP4 read through {@code ch} (closed when done). */
  public static void channel(SeekableByteChannel ch, Mp4Limits limits, ByteBudget budget, Mp4Handler handler)
      throws IOException {
    boolean fragmented;
    try {
      Box moov = Mp4FileDemuxer.readMoov(ch, limits, budget);
      long moovBytes = moov.payload().remaining();
      try {
        fragmented = Movie.parseFragmentedFlag(moov);
      } finally {
        budget.release(moovBytes);
      }
      if (fragmented) {
        FragmentedMp4Demuxer d = new FragmentedMp4Demuxer(handler, limits, budget);
        try {
          ByteBuffer buf = ByteBuffer.allocate(READ_SIZE);
          ch.position(0);
          while (ch.read(buf.clear()) >= 0) {
            d.push(buf.flip());
          }
          d.end();
        } finally {
          d.close();
        }
        ch.close();
        return;
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    try (Mp4FileDemuxer d = Mp4FileDemuxer.open(ch, limits, budget)) {
      handler.onTracks(d.tracks());
      for (Mp4Sample s = d.next(); s != null; s = d.next()) {
        handler.onSample(s);
      }
      handler.onEnd();
    }
  }
}
