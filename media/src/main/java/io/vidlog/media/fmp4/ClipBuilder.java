package io.vidlog.media.fmp4;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.CodecDescription;
import io.vidlog.media.nal.CodecPrivate;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans a progressive MP4 clip (ISO/IEC 14496-12: ftyp, moov with complete sample tables, mdat)
 * from stored Matroska fragments, without holding their media: the first of two readings of each
 * fragment. Each fragment is fed, in clip order, to the handler {@link #fragment} returns; only
 * each frame's size, timestamp and key flag are kept. {@link #build()} then lays the file out
 * ({@link ClipMovie}): its exact length and its header (ftyp, moov, mdat header) are known before a
 * byte of media is sent, and the second reading of each fragment streams the frame payloads in the
 * same order ({@link ClipMovie#payloads}).
 *
 * <p>What goes in: every H.264, H.265 and AAC track (track_ID = Matroska TrackNumber); other
 * tracks are left out, and a clip needs at least one video track. Video frames before a track's
 * first key frame are left out (nothing could decode them). Each fragment's frames keep their
 * Matroska order in mdat, a run of one track's frames forming a chunk, so audio and video stay
 * interleaved as the producer sent them. A track's codec private data may change between
 * fragments (a new sample description each time); its codec may not.
 *
 * <p>Limits: once the next frame would take the media past {@link Limits#maxMediaBytes} or the
 * sample count past {@link Limits#maxSamples}, the clip ends before that frame ({@link #full()}),
 * as KVS serves "the first 100 MB" of a longer range. Not thread-safe.
 */
public final class ClipBuilder {
  /**
   * Timestamps are kept this far after the clip clock's zero, so that a frame a little before its
   * Cluster (a negative block timecode, at most 32,767 ticks) and the decode times moved earlier
   * for B-frames never go below zero; the edit lists take it out again.
   */
  static final long ORIGIN_NS = 3_600_000_000_000L;

  /** How large a clip may grow. */
  public record Limits(long maxMediaBytes, int maxSamples) {
    public Limits {
      if (maxMediaBytes < 1 || maxSamples < 1) {
        throw new IllegalArgumentException("clip limits must be positive: " + maxMediaBytes + " bytes, "
            + maxSamples + " samples");
      }
    }
  }

  private final Limits limits;
  /** By track number, in ascending order: trak order. */
  private final Map<Integer, ClipTrack> tracks = new TreeMap<>();
  private final List<FragmentPlan> fragments = new ArrayList<>();
  // chunks, in mdat order
  int[] chunkTrack = new int[64];
  int[] chunkFirst = new int[64];
  int[] chunkCount = new int[64];
  int[] chunkDescription = new int[64];
  int chunks;
  private long mediaBytes;
  private int samples;
  private boolean full;

  public ClipBuilder(Limits limits) {
    this.limits = limits;
  }

  /**
   * The handler for the next fragment's first reading.
   *
   * @param clusterAtNs where the fragment's Cluster timecode lies on the clip's clock, in ns
   *     (frames keep their offsets from it); the first fragment's is usually 0
   */
  public MkvHandler fragment(long clusterAtNs) {
    if (clusterAtNs < -ORIGIN_NS / 2 || clusterAtNs > Long.MAX_VALUE / 4) {
      throw new IllegalArgumentException("cluster position " + clusterAtNs + " ns");
    }
    FragmentPlan plan = new FragmentPlan(fragments.size(), clusterAtNs);
    fragments.add(plan);
    return plan;
  }

  /** True once a limit was reached: no further frame or fragment goes into the clip. */
  public boolean full() {
    return full;
  }

  /** Media bytes (frame payloads) planned so far. */
  public long mediaBytes() {
    return mediaBytes;
  }

  /** Samples planned so far, all tracks. */
  public int samples() {
    return samples;
  }

  /**
   * Lays the clip out.
   *
   * @throws ClipException NO_VIDEO when no video frame made it into the clip
   */
  public ClipMovie build() {
    List<ClipTrack> present = new ArrayList<>();
    boolean video = false;
    for (ClipTrack t : tracks.values()) {
      if (t.count > 0) {
        present.add(t);
        video |= t.isVideo();
      }
    }
    if (!video) {
      throw new ClipException(ClipException.Reason.NO_VIDEO, tracks.isEmpty()
          ? "no fragment has an H.264, H.265 or AAC track"
          : "no fragment has frames of an H.264 or H.265 video track");
    }
    return new ClipMovie(this, present, fragments, full);
  }

  /** The tracks of the plan by track number (laid out by {@link ClipMovie}). */
  Map<Integer, ClipTrack> tracks() {
    return tracks;
  }

  private void addChunk(int track, int first, int description) {
    if (chunks == chunkTrack.length) {
      int n = chunks * 2;
      chunkTrack = Arrays.copyOf(chunkTrack, n);
      chunkFirst = Arrays.copyOf(chunkFirst, n);
      chunkCount = Arrays.copyOf(chunkCount, n);
      chunkDescription = Arrays.copyOf(chunkDescription, n);
    }
    chunkTrack[chunks] = track;
    chunkFirst[chunks] = first;
    chunkCount[chunks] = 0;
    chunkDescription[chunks] = description;
    chunks++;
  }

  /**
   * One fragment's first reading, and what its second reading must reproduce: which of its frames
   * of clip tracks ("considered" frames, in Matroska order) went into the clip, and its chunks.
   */
  final class FragmentPlan implements MkvHandler {
    final int index;
    final long clusterAtNs;
    /** Track numbers whose frames this fragment considers, with their stsd index in this fragment. */
    final Map<Integer, Integer> descriptions = new HashMap<>();
    final BitSet accepted = new BitSet();
    int considered;
    int firstChunk;
    int endChunk;
    long bytes;
    private long timecodeScale = SegmentInfo.DEFAULT_TIMECODE_SCALE;
    private boolean tracksSeen;
    private int lastChunkTrack = -1;

    FragmentPlan(int index, long clusterAtNs) {
      this.index = index;
      this.clusterAtNs = clusterAtNs;
      this.firstChunk = chunks;
      this.endChunk = chunks;
    }

    @Override
    public void onInfo(SegmentInfo info, ByteBuffer rawElement) {
      timecodeScale = info.timecodeScaleNs();
    }

    @Override
    public void onTracks(List<TrackEntry> entries, ByteBuffer rawElement) {
      if (tracksSeen) {
        return; // a chunk has one Tracks; a repeated one changes nothing a clip uses
      }
      tracksSeen = true;
      for (TrackEntry e : entries) {
        if (CodecPrivate.canonicalCodecId(e.codecId()) == null) {
          continue; // not a codec an MP4 clip carries
        }
        Fmp4Track t = describe(e);
        ClipTrack known = tracks.get(t.trackId());
        if (known == null) {
          known = new ClipTrack(t);
          tracks.put(t.trackId(), known);
        } else if (known.first().description().codec() != t.description().codec()
            || known.first().timescale() != t.timescale()) {
          throw new ClipException(ClipException.Reason.CODEC_CHANGED, "track " + t.trackId() + " changes from "
              + known.first().codecString() + " to " + t.codecString() + " in fragment " + (index + 1)
              + " of the clip");
        }
        descriptions.put(t.trackId(), known.descriptionIndex(t));
      }
    }

    private Fmp4Track describe(TrackEntry e) {
      try {
        return Fmp4Track.of(e);
      } catch (MediaFormatException ex) {
        if (Fmp4Track.missingCodecPrivate(e)) {
          throw new ClipException(ClipException.Reason.MISSING_CODEC_PRIVATE, "track " + e.trackNumber() + " ("
              + e.codecId() + ") has no codec private data", ex);
        }
        throw new ClipException(ClipException.Reason.INVALID_CODEC_PRIVATE, "track " + e.trackNumber() + " ("
            + e.codecId() + "): " + ex.getMessage(), ex);
      }
    }

    @Override
    public void onFrame(MkvFrame frame) {
      Integer description = descriptions.get(frame.trackNumber());
      if (description == null) {
        return;
      }
      int i = considered++;
      ClipTrack t = tracks.get(frame.trackNumber());
      int size = frame.payload().remaining();
      if (full) {
        return;
      }
      if (t.isVideo()) {
        checkNalFraming(t, frame);
        if (!t.started && !frame.keyFrame()) {
          return;
        }
        t.started = true;
      }
      if (mediaBytes + size > limits.maxMediaBytes() || samples + 1 > limits.maxSamples()) {
        full = true;
        return;
      }
      long relative = frame.timecodeNs() - frame.clusterTimecode() * timecodeScale;
      t.add(ORIGIN_NS + clusterAtNs + relative, size, frame.keyFrame());
      if (lastChunkTrack != frame.trackNumber()) {
        addChunk(frame.trackNumber(), t.count - 1, description);
        lastChunkTrack = frame.trackNumber();
      }
      chunkCount[chunks - 1]++;
      endChunk = chunks;
      accepted.set(i);
      mediaBytes += size;
      samples++;
      bytes += size;
    }

    /** The frame must be NAL units, each behind a length field of the configured size (ISO/IEC 14496-15 §4.3). */
    private void checkNalFraming(ClipTrack t, MkvFrame frame) {
      ByteBuffer p = frame.payload();
      CodecDescription d = t.first().description();
      int lengthSize = d.nalLengthSize();
      int pos = p.position();
      int end = p.limit();
      if (pos == end) {
        throw invalidFrame(t, frame, "an empty frame");
      }
      while (pos < end) {
        if (end - pos < lengthSize) {
          throw invalidFrame(t, frame, "a truncated NAL length field at byte " + (pos - p.position()));
        }
        long len = 0;
        for (int k = 0; k < lengthSize; k++) {
          len = len << 8 | (p.get(pos + k) & 0xFF);
        }
        if (len == 0 || len > end - pos - lengthSize) {
          throw invalidFrame(t, frame, "a NAL length of " + len + " at byte " + (pos - p.position()) + " of "
              + (end - p.position()) + " (Annex-B data without NAL adaptation?)");
        }
        pos += lengthSize + (int) len;
      }
    }

    private ClipException invalidFrame(ClipTrack t, MkvFrame frame, String what) {
      return new ClipException(ClipException.Reason.INVALID_FRAME, "track " + t.trackId + " frame at "
          + frame.timecodeNs() / 1_000_000 + " ms in fragment " + (index + 1) + " of the clip has " + what);
    }

    /** Track numbers this fragment considers. */
    Set<Integer> trackNumbers() {
      return new HashSet<>(descriptions.keySet());
    }
  }
}
