package io.vidlog.media.fmp4;

import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A planned progressive MP4 clip ({@link ClipBuilder}): the header (ftyp, a moov with every sample
 * table, the mdat header) rendered, the exact file length known, and the mdat payload still in
 * the stored fragments, to be streamed from their second reading in plan order
 * ({@link #payloads}). Memory: the header (about 10 bytes a sample) and the plan's columns.
 *
 * <p>Timing (ISO/IEC 14496-12 §8.6): each track's sample times are those {@link SampleTimes} gives a
 * media segment, over the whole clip: video decode times run ahead of presentation by the clip's
 * B-frame reordering delay, and AAC frames last their nominal 1024 samples unless the timestamps
 * show a gap. An edit list (§8.6.6) per track then starts its presentation where the track starts
 * on the clip's clock (an empty edit for a track that starts later than the clip), so audio and
 * video keep their relative timing and the file's timeline starts at 0. Movie timescale: 1000.
 */
public final class ClipMovie {
  /** mvhd/tkhd/elst timescale: milliseconds. */
  static final long MOVIE_TIMESCALE = 1000;

  private final ClipBuilder plan;
  private final List<ClipTrack> tracks;
  private final List<ClipBuilder.FragmentPlan> fragments;
  private final boolean truncated;
  private final ByteBuffer header;
  private final long length;
  private final long mediaBytes;
  private final long durationMillis;
  private final List<TrackSummary> summaries = new ArrayList<>();

  /** What the clip holds of one track. */
  public record TrackSummary(int trackId, String codecString, int samples, int keyFrames, long bytes,
      double durationSeconds, int sampleDescriptions) {}

  ClipMovie(ClipBuilder plan, List<ClipTrack> tracks, List<ClipBuilder.FragmentPlan> fragments, boolean truncated) {
    this.plan = plan;
    this.tracks = tracks;
    this.fragments = fragments;
    this.truncated = truncated;
    long media = 0;
    for (ClipTrack t : tracks) {
      media += t.bytes;
    }
    this.mediaBytes = media;
    Timing[] timing = new Timing[tracks.size()];
    long clipStart = Long.MAX_VALUE;
    for (int i = 0; i < tracks.size(); i++) {
      timing[i] = new Timing(tracks.get(i));
      clipStart = Math.min(clipStart, timing[i].firstPtsNs);
    }
    long duration = 0;
    for (Timing t : timing) {
      t.place(clipStart);
      duration = Math.max(duration, t.movieDuration);
    }
    this.durationMillis = duration;
    boolean large = media + 8 > 0xFFFFFFFFL;
    // the moov's size does not depend on the chunk offsets' values, only on their width: render it
    // once to learn where mdat starts, then again with the real offsets
    byte[] probe = render(timing, 0, false);
    boolean co64 = probe.length + (large ? 16 : 8) + media > 0xFFFFFFFFL;
    if (co64) {
      probe = render(timing, 0, true);
    }
    long mdatStart = probe.length + (large ? 16 : 8);
    byte[] head = render(timing, mdatStart, co64);
    BoxWriter mdat = new BoxWriter(16);
    if (large) {
      mdat.u32(1).fourcc("mdat").u64(media + 16);
    } else {
      mdat.u32(media + 8).fourcc("mdat");
    }
    byte[] m = mdat.toByteArray();
    ByteBuffer h = ByteBuffer.allocate(head.length + m.length);
    h.put(head).put(m).flip();
    this.header = h.asReadOnlyBuffer();
    this.length = head.length + m.length + media;
    for (int i = 0; i < tracks.size(); i++) {
      ClipTrack t = tracks.get(i);
      int keys = 0;
      for (int s = 0; s < t.count; s++) {
        keys += t.keys[s] ? 1 : 0;
      }
      summaries.add(new TrackSummary(t.trackId, t.first().codecString(), t.count, keys, t.bytes,
          (double) timing[i].mediaDuration / t.first().timescale(), t.descriptions.size()));
    }
  }

  /** Exact byte length of the file: an HTTP Content-Length. */
  public long length() {
    return length;
  }

  /** ftyp, moov and the mdat header, as a read-only view; the payload follows it. */
  public ByteBuffer header() {
    return header.duplicate();
  }

  /** The frame payload bytes in mdat. */
  public long mediaBytes() {
    return mediaBytes;
  }

  /** Whether a limit ended the clip before the media given to it did. */
  public boolean truncated() {
    return truncated;
  }

  /** The movie's duration (its longest track's presentation), in ms. */
  public long durationMillis() {
    return durationMillis;
  }

  /** The tracks, in trak order. */
  public List<TrackSummary> tracks() {
    return summaries;
  }

  /** Fragments that were planned (in order); those after a limit contribute nothing. */
  public int fragmentCount() {
    return fragments.size();
  }

  /** Payload bytes fragment {@code i} contributes to mdat (0: it need not be read again). */
  public long payloadBytes(int fragment) {
    return fragments.get(fragment).bytes;
  }

  /**
   * The handler for fragment {@code i}'s second reading: hands {@code sink} each payload of the
   * frames the plan put into the clip, in mdat order, as a view valid during the call only. Call
   * {@link Payloads#finish()} after the reader's end.
   */
  public Payloads payloads(int fragment, Consumer<ByteBuffer> sink) {
    return new Payloads(fragments.get(fragment), sink);
  }

  /**
   * One fragment's second reading. Each frame of a clip track is checked against the plan (track
   * and size); anything else means the stored fragment is not what was planned from, and fails
   * with {@link ClipException.Reason#FRAGMENT_CHANGED}: the bytes already sent no longer fit the
   * moov, so the caller must abort the transfer.
   */
  public final class Payloads implements MkvHandler {
    private final ClipBuilder.FragmentPlan fragment;
    private final Consumer<ByteBuffer> sink;
    private final Map<Integer, ClipTrack> byNumber;
    private int considered;
    private int chunk;
    private int inChunk;
    private long emitted;

    Payloads(ClipBuilder.FragmentPlan fragment, Consumer<ByteBuffer> sink) {
      this.fragment = fragment;
      this.sink = sink;
      this.byNumber = plan.tracks();
      this.chunk = fragment.firstChunk;
    }

    @Override
    public void onFrame(MkvFrame frame) {
      if (!fragment.descriptions.containsKey(frame.trackNumber())) {
        return;
      }
      int i = considered++;
      if (!fragment.accepted.get(i)) {
        return;
      }
      if (chunk >= fragment.endChunk) {
        throw changed("more frames than planned");
      }
      ClipTrack t = byNumber.get(plan.chunkTrack[chunk]);
      int sample = plan.chunkFirst[chunk] + inChunk;
      int size = frame.payload().remaining();
      if (t.trackId != frame.trackNumber() || t.sizes[sample] != size) {
        throw changed("frame " + i + " is track " + frame.trackNumber() + ", " + size + " bytes; planned track "
            + t.trackId + ", " + t.sizes[sample] + " bytes");
      }
      sink.accept(frame.payload());
      emitted += size;
      if (++inChunk == plan.chunkCount[chunk]) {
        chunk++;
        inChunk = 0;
      }
    }

    /** Checks that every planned frame came. */
    public void finish() {
      if (emitted != fragment.bytes || chunk != fragment.endChunk) {
        throw changed(emitted + " of " + fragment.bytes + " planned bytes came");
      }
    }

    private ClipException changed(String what) {
      return new ClipException(ClipException.Reason.FRAGMENT_CHANGED, "fragment " + (fragment.index + 1)
          + " of the clip differs from its first reading: " + what);
    }
  }

  /** Renders ftyp + moov with chunk offsets counted from {@code mdatPayloadStart}. */
  private byte[] render(Timing[] timing, long mdatPayloadStart, boolean co64) {
    long samples = 0;
    for (ClipTrack t : tracks) {
      samples += t.count;
    }
    BoxWriter w = new BoxWriter((int) Math.min(Integer.MAX_VALUE - 64, 1024 + samples * 12 + plan.chunks * 8L));
    boolean avc = false;
    for (ClipTrack t : tracks) {
      avc |= t.first().codecString().startsWith("avc1");
    }
    if (avc) {
      MovieBoxes.ftyp(w, "isom", "isom", "iso2", "avc1", "mp41");
    } else {
      MovieBoxes.ftyp(w, "isom", "isom", "iso2", "mp41");
    }
    int moov = w.start("moov");
    int maxId = 0;
    for (ClipTrack t : tracks) {
      maxId = Math.max(maxId, t.trackId);
    }
    MovieBoxes.mvhd(w, MOVIE_TIMESCALE, durationMillis, maxId + 1);
    long[] chunkOffsets = chunkOffsets(mdatPayloadStart);
    for (int i = 0; i < tracks.size(); i++) {
      ClipTrack t = tracks.get(i);
      Timing tm = timing[i];
      MovieBoxes.trak(w, t.descriptions, tm.movieDuration, tm.mediaDuration, tm::edits,
          tables -> sampleTables(tables, t, tm, chunkOffsets, co64));
    }
    w.end(moov);
    return w.toByteArray();
  }

  /** Each chunk's absolute file offset, in mdat order. */
  private long[] chunkOffsets(long start) {
    long[] out = new long[plan.chunks];
    long at = start;
    for (int c = 0; c < plan.chunks; c++) {
      out[c] = at;
      ClipTrack t = plan.tracks().get(plan.chunkTrack[c]);
      for (int s = plan.chunkFirst[c], e = s + plan.chunkCount[c]; s < e; s++) {
        at += t.sizes[s];
      }
    }
    return out;
  }

  /** stts, stss, ctts, stsc, stsz, stco/co64 (§8.6.1.2, §8.6.2, §8.6.1.3, §8.7.4, §8.7.3, §8.7.5). */
  private void sampleTables(BoxWriter w, ClipTrack t, Timing tm, long[] chunkOffsets, boolean co64) {
    SampleTimes st = tm.times;
    int n = t.count;
    // stts: runs of equal durations
    int stts = w.startFull("stts", 0, 0);
    int countAt = w.position();
    w.u32(0);
    int entries = 0;
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && st.durations[j] == st.durations[i]) {
        j++;
      }
      w.u32(j - i).u32(st.durations[i]);
      entries++;
      i = j;
    }
    w.patchU32(countAt, entries);
    w.end(stts);

    if (t.isVideo()) {
      int keys = 0;
      for (int i = 0; i < n; i++) {
        keys += t.keys[i] ? 1 : 0;
      }
      if (keys < n) { // no stss: every sample is a sync sample (§8.6.2.1)
        int stss = w.startFull("stss", 0, 0);
        w.u32(keys);
        for (int i = 0; i < n; i++) {
          if (t.keys[i]) {
            w.u32(i + 1);
          }
        }
        w.end(stss);
      }
    }

    if (st.compositionOffsets != null) {
      int ctts = w.startFull("ctts", st.negativeOffsets ? 1 : 0, 0);
      countAt = w.position();
      w.u32(0);
      entries = 0;
      int[] off = st.compositionOffsets;
      for (int i = 0; i < n; ) {
        int j = i + 1;
        while (j < n && off[j] == off[i]) {
          j++;
        }
        w.u32(j - i).u32(off[i] & 0xFFFFFFFFL);
        entries++;
        i = j;
      }
      w.patchU32(countAt, entries);
      w.end(ctts);
    }

    // this track's chunks, in mdat order
    List<Integer> own = new ArrayList<>();
    for (int c = 0; c < plan.chunks; c++) {
      if (plan.chunkTrack[c] == t.trackId) {
        own.add(c);
      }
    }
    int stsc = w.startFull("stsc", 0, 0);
    countAt = w.position();
    w.u32(0);
    entries = 0;
    int lastCount = -1;
    int lastDescription = -1;
    for (int k = 0; k < own.size(); k++) {
      int c = own.get(k);
      if (plan.chunkCount[c] != lastCount || plan.chunkDescription[c] != lastDescription) {
        w.u32(k + 1).u32(plan.chunkCount[c]).u32(plan.chunkDescription[c]);
        entries++;
        lastCount = plan.chunkCount[c];
        lastDescription = plan.chunkDescription[c];
      }
    }
    w.patchU32(countAt, entries);
    w.end(stsc);

    int stsz = w.startFull("stsz", 0, 0);
    boolean constant = true;
    for (int i = 1; i < n && constant; i++) {
      constant = t.sizes[i] == t.sizes[0];
    }
    if (constant) {
      w.u32(t.sizes[0]).u32(n);
    } else {
      w.u32(0).u32(n);
      for (int i = 0; i < n; i++) {
        w.u32(t.sizes[i]);
      }
    }
    w.end(stsz);

    int stco = w.startFull(co64 ? "co64" : "stco", 0, 0);
    w.u32(own.size());
    for (int c : own) {
      if (co64) {
        w.u64(chunkOffsets[c]);
      } else {
        w.u32(chunkOffsets[c]);
      }
    }
    w.end(stco);
  }

  /** One track's sample times over the whole clip and where its presentation sits in the movie. */
  private static final class Timing {
    final ClipTrack track;
    final SampleTimes times;
    final long firstPtsNs;
    /** Media time of the earliest presentation: where the track's edit starts. */
    final long mediaStart;
    final long mediaDuration;
    long emptyEditMillis;
    long movieDuration;

    Timing(ClipTrack t) {
      this.track = t;
      Fmp4Track first = t.first();
      this.times = SampleTimes.of(t.ptsNs, t.count, MediaSegmentBuilder.NO_END, first);
      long min = Long.MAX_VALUE;
      for (int i = 0; i < t.count; i++) {
        min = Math.min(min, t.ptsNs[i]);
      }
      this.firstPtsNs = min;
      this.mediaStart = SampleTimes.ticks(min, first.timescale()) - times.baseDecodeTime;
      long d = 0;
      for (long x : times.durations) {
        d += x;
      }
      this.mediaDuration = d;
    }

    void place(long clipStartNs) {
      emptyEditMillis = Math.round((firstPtsNs - clipStartNs) / 1e6);
      // decode times run ahead by the reordering delay, but the samples' durations add up to the
      // presentation's length all the same: it runs from mediaStart for mediaDuration
      movieDuration = emptyEditMillis + Math.round(mediaDuration * (double) MOVIE_TIMESCALE / track.first().timescale());
    }

    /** edts/elst (§8.6.5, §8.6.6), only when the presentation does not start at media time 0 and movie time 0. */
    void edits(BoxWriter w) {
      if (emptyEditMillis == 0 && mediaStart == 0) {
        return;
      }
      long presentedMillis = movieDuration - emptyEditMillis;
      boolean v1 = movieDuration > 0xFFFFFFFFL || mediaStart > Integer.MAX_VALUE;
      int edts = w.start("edts");
      int elst = w.startFull("elst", v1 ? 1 : 0, 0);
      w.u32(emptyEditMillis > 0 ? 2 : 1);
      if (emptyEditMillis > 0) {
        entry(w, v1, emptyEditMillis, -1); // an empty edit: nothing presented until the track starts
      }
      entry(w, v1, presentedMillis, mediaStart);
      w.end(elst);
      w.end(edts);
    }

    private static void entry(BoxWriter w, boolean v1, long duration, long mediaTime) {
      if (v1) {
        w.u64(duration).u64(mediaTime);
      } else {
        w.u32(duration).u32(mediaTime & 0xFFFFFFFFL);
      }
      w.u16(1).u16(0); // media_rate 1.0
    }
  }
}
