package io.vidlog.media.fmp4;

import static io.vidlog.media.MediaFormatException.Format.MKV;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one stored fragment (a self-contained Matroska segment: Info, Tracks, one Cluster) from an
 * {@code MkvReader} and makes its fMP4 init segment and media segment, for all of its tracks or the
 * chosen ones. Each chosen frame's payload is copied once, into a {@link PayloadArena}; the media
 * segment then refers to those copies. That copy is the whole fragment's media held in memory, and
 * nothing more: the reader's input slices may be dropped as soon as they are fed.
 *
 * <p>Use: {@code reader = new MkvReader(repackager)}, feed the fragment, {@code reader.end()}, then
 * {@link #initSegment()} and {@link #segment}. Failures while reading (an unsupported codec,
 * missing or unreadable codec private data) are {@link MediaFormatException}s thrown from the
 * reader's feed; {@link #trackEntries()} still tells which tracks the fragment declared.
 *
 * <p>Memory: the copies are charged to a {@link ByteBudget} (an OVER_BUDGET
 * {@link MediaFormatException} when they do not fit) until {@link #release()}, which the caller
 * calls once the segment has been written or abandoned. Not thread-safe; one repackager per
 * fragment.
 */
public final class MkvFragmentRepackager implements MkvHandler {
  private final int[] chosen;
  private List<TrackEntry> entries;
  private List<Fmp4Track> tracks;
  private MediaSegmentBuilder builder;
  private final PayloadArena arena;
  private long firstNs = Long.MAX_VALUE;
  private long lastNs = Long.MIN_VALUE;

  /**
   * @param trackNumbers the Matroska TrackNumbers to repackage, in the order their traks and trafs
   *     are written; none means every track, in Tracks order
   */
  public MkvFragmentRepackager(int... trackNumbers) {
    this(ByteBudget.unlimited(), trackNumbers);
  }

  /**
   * @param budget charged with the copied payloads until {@link #release()}
   * @param trackNumbers as for {@link #MkvFragmentRepackager(int...)}
   */
  public MkvFragmentRepackager(ByteBudget budget, int... trackNumbers) {
    this.arena = new PayloadArena(budget);
    this.chosen = trackNumbers.clone();
  }

  @Override
  public void onTracks(List<TrackEntry> declared, ByteBuffer rawElement) {
    if (entries != null) {
      if (!sameTracks(entries, declared)) {
        throw MKV.unsupported(MediaFormatException.UNKNOWN_OFFSET,
            "Tracks changed inside one fragment");
      }
      return;
    }
    entries = List.copyOf(declared);
    List<TrackEntry> selected = new ArrayList<>();
    if (chosen.length == 0) {
      selected.addAll(entries);
    } else {
      for (int n : chosen) {
        TrackEntry e = entry(n);
        if (e == null) {
          throw MKV.unsupported(MediaFormatException.UNKNOWN_OFFSET, "the fragment has no track "
              + n + " (its tracks: " + entries.stream().map(TrackEntry::trackNumber).toList() + ")");
        }
        selected.add(e);
      }
    }
    tracks = Fmp4Track.of(selected);
    builder = new MediaSegmentBuilder(tracks);
  }

  @Override
  public void onFrame(MkvFrame frame) {
    if (builder == null) {
      throw MKV.malformed(MediaFormatException.UNKNOWN_OFFSET, "a frame before Tracks");
    }
    if (!chosen(frame.trackNumber())) {
      return;
    }
    firstNs = Math.min(firstNs, frame.timecodeNs());
    lastNs = Math.max(lastNs, frame.timecodeNs());
    builder.add(frame.trackNumber(), frame.timecodeNs(), frame.keyFrame(), arena.copy(frame.payload()));
  }

  private boolean chosen(int trackNumber) {
    if (chosen.length == 0) {
      return true;
    }
    for (int n : chosen) {
      if (n == trackNumber) {
        return true;
      }
    }
    return false;
  }

  private TrackEntry entry(int trackNumber) {
    for (TrackEntry e : entries) {
      if (e.trackNumber() == trackNumber) {
        return e;
      }
    }
    return null;
  }

  /** Tracks as the fragment declared them (all, chosen or not); null before Tracks was read. */
  public List<TrackEntry> trackEntries() {
    return entries;
  }

  /** The chosen tracks in MP4 terms; null before Tracks was read. */
  public List<Fmp4Track> tracks() {
    return tracks;
  }

  /** The init segment of the chosen tracks. */
  public byte[] initSegment() {
    requireTracks();
    return InitSegment.write(tracks);
  }

  /** The earliest frame timestamp of the chosen tracks in ns, or {@link MediaSegmentBuilder#NO_END} if none. */
  public long firstTimestampNs() {
    return firstNs == Long.MAX_VALUE ? MediaSegmentBuilder.NO_END : firstNs;
  }

  /** The latest frame timestamp of the chosen tracks in ns, or {@link MediaSegmentBuilder#NO_END} if none. */
  public long lastTimestampNs() {
    return lastNs == Long.MIN_VALUE ? MediaSegmentBuilder.NO_END : lastNs;
  }

  /** Bytes held for the copied payloads (charged to the budget). */
  public long heldBytes() {
    return arena.held();
  }

  /**
   * Returns the payload copies' charge to the budget: call it once the segment is written or will
   * not be. Segments already built stay readable. Safe more than once.
   */
  public void release() {
    arena.release();
  }

  /**
   * The media segment of the chosen tracks; see {@link MediaSegmentBuilder#timeOffsetNs} and
   * {@link MediaSegmentBuilder#build}. Once only.
   */
  public MediaSegment segment(long sequenceNumber, long timeOffsetNs, long endNs) {
    requireTracks();
    return builder.timeOffsetNs(timeOffsetNs).build(sequenceNumber, endNs);
  }

  /**
   * As {@link #segment(long, long, long)}, with video decode times at the presentation times in
   * order ({@link MediaSegmentBuilder#shiftDecodeTimes}): consecutive segments of a stream meet
   * in decode time, as HLS players place them.
   */
  public MediaSegment segmentInSequence(long sequenceNumber, long timeOffsetNs, long endNs) {
    requireTracks();
    return builder.shiftDecodeTimes(false).timeOffsetNs(timeOffsetNs).build(sequenceNumber, endNs);
  }

  private void requireTracks() {
    if (tracks == null) {
      throw new IllegalStateException("no Tracks read yet");
    }
  }

  /** TrackEntry holds arrays: compare them by content. */
  private static boolean sameTracks(List<TrackEntry> a, List<TrackEntry> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      TrackEntry x = a.get(i);
      TrackEntry y = b.get(i);
      if (x.trackNumber() != y.trackNumber() || !String.valueOf(x.codecId()).equals(String.valueOf(y.codecId()))
          || !Arrays.equals(x.codecPrivate(), y.codecPrivate())) {
        return false;
      }
    }
    return true;
  }
}
