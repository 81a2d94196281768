package io.vidlog.ingest;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.Mp4Handler;
import io.vidlog.media.mp4.Mp4Sample;
import io.vidlog.media.mp4.Mp4Track;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an MP4 upload into the MKV events a PutMedia body would give (so MP4 fragments become the
 * same self-contained chunks with the same acks): an EBML header, Info with a 1 ms TimecodeScale,
 * Tracks in Matroska terms (H.264, H.265 and AAC, codec private data as sent), then Clusters cut at
 * the first video key frame at or after the target duration and never longer than the maximum
 * fragment duration (docs/wire-protocol.md §1.4). Block timestamps are presentation times (RFC 9559 §11.1)
 * less the edit list's media time.
 */
final class Mp4ToMkv implements Mp4Handler {
  private static final long SCALE_NS = SegmentInfo.DEFAULT_TIMECODE_SCALE;

  private final MkvHandler out;
  private final long targetNs;
  private final long maxNs;
  private final Map<Integer, Mp4Track> tracks = new HashMap<>();
  private final Map<Integer, Integer> trackNumbers = new HashMap<>();
  private boolean hasVideo;
  private boolean clusterOpen;
  private long clusterTimecodeMs;
  private long clusterStartNs;

  Mp4ToMkv(MkvHandler out, long targetNs, long maxNs) {
    this.out = out;
    this.targetNs = targetNs;
    // leave room for the frames that follow the cut point within one fragment
    this.maxNs = Math.max(targetNs, maxNs - 1_000_000_000L);
  }

  @Override
  public void onTracks(List<Mp4Track> mp4Tracks) {
    List<TrackEntry> entries = new ArrayList<>();
    for (Mp4Track t : mp4Tracks) {
      int number = entries.size() + 1;
      boolean video = t.kind() == Mp4Track.Kind.VIDEO;
      hasVideo |= video;
      tracks.put(t.trackId(), t);
      trackNumbers.put(t.trackId(), number);
      entries.add(new TrackEntry(number, t.trackId(), video ? TrackEntry.TYPE_VIDEO : TrackEntry.TYPE_AUDIO,
          t.codecId(), null, t.codecPrivate(), 0, video ? t.width() : 0, video ? t.height() : 0,
          video ? Double.NaN : t.sampleRate(), video ? 0 : t.channels(), 0));
    }
    SegmentInfo info = new SegmentInfo(SCALE_NS, Double.NaN, null, "vidlog MP4 upload", "vidlog", null);
    out.onEbmlHeader(new EbmlHeaderInfo("matroska", 4, 2, 4, 8));
    out.onSegmentStart(-1);
    out.onInfo(info, ByteBuffer.wrap(MkvWriter.MINIMAL.info(info)));
    out.onTracks(entries, ByteBuffer.wrap(MkvWriter.MINIMAL.tracks(entries)));
  }

  @Override
  public void onSample(Mp4Sample s) {
    Mp4Track track = tracks.get(s.trackId());
    Integer number = trackNumbers.get(s.trackId());
    if (track == null || number == null) {
      return; // a track vidlog does not carry
    }
    long ns = toNs(s.presentationTime() - track.editMediaTime(), track.timescale());
    boolean video = track.kind() == Mp4Track.Kind.VIDEO;
    boolean cutHere = !clusterOpen
        || (s.key() && (video || !hasVideo) && ns - clusterStartNs >= targetNs)
        || ns - clusterStartNs >= maxNs;
    if (cutHere) {
      if (clusterOpen) {
        out.onClusterEnd();
      }
      clusterTimecodeMs = Math.floorDiv(Math.max(0, ns), SCALE_NS);
      clusterStartNs = clusterTimecodeMs * SCALE_NS;
      clusterOpen = true;
      out.onClusterStart(clusterTimecodeMs, -1);
    }
    long relative = Math.floorDiv(ns, SCALE_NS) - clusterTimecodeMs;
    if (relative < Short.MIN_VALUE || relative > Short.MAX_VALUE) {
      throw MP4.unsupported(s.offset(), "sample of track " + s.trackId()
          + " is " + relative + " ms from its fragment start, beyond a block's 16-bit timecode");
    }
    long blockNs = (clusterTimecodeMs + relative) * SCALE_NS;
    out.onFrame(new MkvFrame(number, clusterTimecodeMs, (int) relative, blockNs, s.key(), s.key() ? 0x80 : 0, -1,
        s.payload()));
  }

  @Override
  public void onEnd() {
    if (clusterOpen) {
      out.onClusterEnd();
      clusterOpen = false;
    }
    out.onSegmentEnd();
  }

  private static long toNs(long ticks, long timescale) {
    // split so that long media (large tick counts) cannot overflow
    return ticks / timescale * 1_000_000_000L + ticks % timescale * 1_000_000_000L / timescale;
  }
}
