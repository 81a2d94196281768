package io.vidlog.producer.source;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.Mp4Demux;
import io.vidlog.media.mp4.Mp4Handler;
import io.vidlog.media.mp4.Mp4Limits;
import io.vidlog.media.mp4.Mp4Sample;
import io.vidlog.media.mp4.Mp4Track;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An MP4 file (ISO/IEC 14496-12) as a source, through {@link Mp4Demux}: a fragmented file streams
 * through the push-driven demuxer in 64 KB reads, a progressive one is read sample by sample from
 * its sample tables; neither holds the media in memory. H.264, H.265 and AAC tracks become
 * Matroska tracks numbered 1, 2, … in the file's order (other tracks are skipped by the demuxer),
 * H.264/H.265 frames with 4-byte NAL lengths ({@link NalTrack}).
 * Timestamps are the track's media times less its edit list's start ({@link Mp4Track#editMediaTime},
 * so the first presented frame is at 0), in nanoseconds; decode times of a file with B-frames may
 * start below 0.
 */
public final class Mp4FileSource implements MediaSource {
  private final Path file;
  private volatile long size = -1;
  private volatile long position;

  public Mp4FileSource(Path file) {
    this.file = file;
  }

  @Override
  public void run(FrameSink sink) throws IOException, InterruptedException {
    size = Files.size(file);
    Samples samples = new Samples(sink);
    try {
      Mp4Demux.file(file, Mp4Limits.defaults(), samples);
    } catch (SinkCalls.Escape e) {
      e.rethrow();
    } catch (ClosedByInterruptException e) {
      throw new InterruptedException("reading " + file);
    }
    if (samples.timelines.isEmpty()) {
      throw MP4.unsupported(0, "no H.264, H.265 or AAC track in " + file);
    }
    position = size;
  }

  @Override
  public double progress() {
    long s = size;
    return s <= 0 ? (s == 0 ? 1 : 0) : Math.min(1, (double) position / s);
  }

  /** One track's numbering and time base. */
  private record Timeline(int trackNumber, long timescale, long editMediaTime, NalTrack nal) {
    long nanos(long mediaTime) {
      return Timestamps.toNanos(mediaTime - editMediaTime, timescale);
    }
  }

  private final class Samples implements Mp4Handler {
    private final FrameSink sink;
    private final Map<Integer, Timeline> timelines = new HashMap<>();

    Samples(FrameSink sink) {
      this.sink = sink;
    }

    @Override
    public void onTracks(List<Mp4Track> tracks) {
      List<TrackEntry> entries = new ArrayList<>();
      for (Mp4Track t : tracks) {
        int number = entries.size() + 1;
        boolean video = t.kind() == Mp4Track.Kind.VIDEO;
        NalTrack nal = NalTrack.of(new TrackEntry(number, number,
            video ? TrackEntry.TYPE_VIDEO : TrackEntry.TYPE_AUDIO, t.codecId(), null, t.codecPrivate(), 0,
            video ? t.width() : 0, video ? t.height() : 0, video ? Double.NaN : t.sampleRate(),
            video ? 0 : t.channels(), 0));
        entries.add(nal.track());
        timelines.put(t.trackId(), new Timeline(number, t.timescale(), t.editMediaTime(), nal));
      }
      if (!entries.isEmpty()) {
        SinkCalls.inCallback(() -> sink.onTracks(List.copyOf(entries)));
      }
    }

    @Override
    public void onSample(Mp4Sample s) {
      Timeline t = timelines.get(s.trackId());
      if (t == null) {
        return; // a track the demuxer reported no entry for: not one vidlog carries
      }
      if (Thread.currentThread().isInterrupted()) {
        SinkCalls.inCallback(() -> {
          throw new InterruptedException("reading " + file);
        });
      }
      byte[] copy = new byte[s.payload().remaining()];
      s.payload().duplicate().get(copy);
      SourceFrame frame = new SourceFrame(t.trackNumber(), t.nanos(s.presentationTime()), t.nanos(s.decodeTime()),
          s.key(), t.nal().frame(ByteBuffer.wrap(copy), s.offset()));
      position = s.offset();
      SinkCalls.inCallback(() -> sink.onFrame(frame));
    }
  }
}
