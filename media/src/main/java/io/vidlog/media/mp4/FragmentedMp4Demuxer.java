package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.GrowingBuffer;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Push-driven demuxer for fragmented MP4 (ISO/IEC 14496-12 §8.8; CMAF): {@code ftyp}, {@code moov}
 * with {@code mvex}, then {@code moof}+{@code mdat} pairs, fed as {@link ByteBuffer} slices of any
 * size. It buffers only the small boxes it must read whole (ftyp, styp, moov, moof; each bounded by
 * {@link Mp4Limits#maxHeaderBoxBytes()}), skips other boxes without buffering, and streams each
 * mdat: a sample wholly inside a slice is handed out as a view of it, a sample split across slices
 * is assembled into one array of its (bounded) size. Memory stays flat whatever the mdat size.
 * Both buffers grow as their bytes arrive, never to a size merely declared, and are charged to a
 * {@link ByteBudget} (an overdraft is an OVER_BUDGET error); a failure or {@link #close()} releases
 * them at once.
 *
 * <p>Sample data must lie in the mdat that follows its moof, the CMAF layout; data elsewhere (an
 * mdat before its moof, a moof whose data is in a later mdat) is refused as UNSUPPORTED. A moov
 * without mvex (a progressive file) is UNSUPPORTED here: spool it and use {@link Mp4FileDemuxer}.
 * Not thread-safe.
 */
public final class FragmentedMp4Demuxer {
  private enum State { HEADER, BUFFER, SKIP, MDAT, FAILED }

  /** Kept between boxes and between split samples. */
  private static final int KEEP_BUFFER = 64 * 1024;
  /**
   * Heap cost charged per sample waiting for its mdat (the record and its list slot): a trun of a
   * few bytes may declare up to {@link Mp4Limits#maxSamplesPerFragment()} samples.
   */
  static final int PENDING_BYTES = 56;

  private final Mp4Handler handler;
  private final Mp4Limits limits;

  private final Map<Integer, Long> nextDecodeTime = new HashMap<>();
  private State state = State.HEADER;
  private long position;
  private final BoxHeaderBuffer headers = new BoxHeaderBuffer();
  private long boxStart;
  private String boxType;
  private int boxHeaderSize;
  private long boxEnd; // Long.MAX_VALUE for an mdat that runs to the end of the input
  private final GrowingBuffer body;
  private Movie movie;
  private final ByteBudget budget;
  private List<Fragment.Pending> pending = List.of();
  private long pendingCharge;
  private int next;
  /** A moof arrived since the last mdat: an mdat needs one before it (CMAF order). */
  private boolean moofSinceMdat;
  private final GrowingBuffer assembly;
  private boolean assembling;
  /** Set by {@link #close()}, possibly from inside a handler callback: report nothing more. */
  private boolean closed;

  /** A demuxer for trusted input: its buffers are not budgeted. */
  public FragmentedMp4Demuxer(Mp4Handler handler, Mp4Limits limits) {
    this(handler, limits, ByteBudget.unlimited());
  }

  /** A demuxer whose buffers are charged to {@code budget}. */
  public FragmentedMp4Demuxer(Mp4Handler handler, Mp4Limits limits, ByteBudget budget) {
    this(handler, limits, budget, 4 * 1024);
  }

  /** {@code initialBuffer}: first allocation for a buffered box or a split sample (tests use tiny ones). */
  FragmentedMp4Demuxer(Mp4Handler handler, Mp4Limits limits, ByteBudget budget, int initialBuffer) {
    this.handler = handler;
    this.limits = limits;
    this.budget = budget;
    this.body = new GrowingBuffer(budget, MP4, initialBuffer, KEEP_BUFFER);
    this.assembly = new GrowingBuffer(budget, MP4, initialBuffer, KEEP_BUFFER);
  }

  /** Bytes held in buffers now (all charged to the budget). */
  public long bufferedBytes() {
    return body.held() + assembly.held() + pendingCharge;
  }

  /**
   * Releases every buffer at once and refuses further input; the handler hears nothing more, also
   * when it calls this from one of its callbacks (the slice being pushed is dropped). Safe at any
   * time, more than once.
   */
  public void close() {
    closed = true;
    state = State.FAILED;
    body.release();
    assembly.release();
    assembling = false;
    setPending(List.of());
  }

  /** The samples to cut from the next mdat, charged to the budget as long as they are held. */
  private void setPending(List<Fragment.Pending> samples) {
    budget.release(pendingCharge);
    pendingCharge = 0;
    pending = List.of();
    next = 0;
    long cost = (long) samples.size() * PENDING_BYTES;
    budget.reserve(cost, MP4, boxStart, "the list of " + samples.size() + " samples of a fragment");
    pendingCharge = cost;
    pending = samples;
  }

  /**
   * Consumes all of {@code slice}; on error the demuxer is failed, has released its buffers and
   * refuses further input.
   */
  public void push(ByteBuffer slice) {
    if (state == State.FAILED || closed) {
      throw MP4.malformed(position, "demuxer already failed or closed");
    }
    try {
      while (slice.hasRemaining() && !closed) {
        switch (state) {
          case HEADER -> readHeader(slice);
          case BUFFER -> readBody(slice);
          case SKIP -> skip(slice);
          case MDAT -> readMdat(slice);
          default -> throw new IllegalStateException(state.name());
        }
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** Ends the input: fails with MALFORMED when it stopped inside a box or before a moof's data. */
  public void end() {
    State at = state;
    boolean samplesMissing = next < pending.size();
    close(); // nothing may follow the end: the buffers go back now
    boolean openMdat = at == State.MDAT && boxEnd == Long.MAX_VALUE && !samplesMissing;
    if (at == State.FAILED || (at != State.HEADER && !openMdat) || headers.partial()) {
      throw MP4.malformed(position, "input ends inside box '" + boxType + "'");
    }
    if (samplesMissing) {
      throw MP4.malformed(position, "input ends before the data of moof samples");
    }
    if (movie == null) {
      throw MP4.malformed(position, "input ends without moov");
    }
    handler.onEnd();
  }

  private void readHeader(ByteBuffer in) {
    int before = in.position();
    BoxHeaderBuffer.Header h = headers.take(in, position);
    position += in.position() - before;
    if (h == null) {
      return;
    }
    boxStart = h.start();
    boxType = h.fourcc();
    boxHeaderSize = h.length();
    long size = h.size();
    if (size == 0) {
      if (!boxType.equals("mdat")) {
        throw MP4.unsupported(boxStart, "box '" + boxType + "' of size 0 (to end of input)");
      }
      boxEnd = Long.MAX_VALUE;
    } else {
      boxEnd = boxStart + size;
    }
    startBox(size);
  }

  private void startBox(long size) {
    switch (boxType) {
      case "ftyp", "styp", "moov", "moof" -> {
        long payload = size - boxHeaderSize;
        if (payload > limits.maxHeaderBoxBytes()) {
          throw MP4.unsupported(boxStart, "'" + boxType + "' of " + size
              + " bytes over the limit " + limits.maxHeaderBoxBytes());
        }
        // grown as bytes arrive: a size claim alone never takes the whole limit
        body.start((int) payload, boxStart, "'" + boxType + "'");
        state = State.BUFFER;
        if (payload == 0) {
          finishBody();
        }
      }
      case "mdat" -> startMdat();
      default -> state = position == boxEnd ? State.HEADER : State.SKIP;
    }
  }

  private void readBody(ByteBuffer in) {
    position += body.append(in);
    if (body.complete()) {
      finishBody();
    }
  }

  private void finishBody() {
    try {
      parseBody(new Box(boxType, body.contents().slice(), boxStart, boxHeaderSize));
    } finally {
      body.finish(); // what was parsed out of it is copied: nothing keeps a view of the array
    }
  }

  private void parseBody(Box box) {
    state = State.HEADER;
    switch (boxType) {
      case "moov" -> {
        if (movie != null) {
          throw MP4.unsupported(boxStart, "second moov");
        }
        Movie m = Movie.parse(box);
        if (!m.fragmented()) {
          throw MP4.unsupported(boxStart, "moov without mvex: a progressive MP4 cannot "
              + "be streamed; spool it and use Mp4FileDemuxer");
        }
        movie = m.withoutSampleTables(); // they are views of the moov buffer, which is reused
        handler.onTracks(m.tracks());
        if (!closed && m.hasSampleTableEntries()) {
          // Fragmented without empty_moov (ffmpeg's plain frag_keyframe): the moov describes the
          // first fragment itself, and its data is in the mdat that follows.
          setPending(samplesInMoov(m));
          moofSinceMdat = true;
        }
      }
      case "moof" -> {
        if (movie == null) {
          throw MP4.unsupported(boxStart, "moof before moov");
        }
        if (next < pending.size()) {
          throw MP4.unsupported(boxStart, "moof whose predecessor's samples were not in "
              + "the mdat that followed it");
        }
        setPending(Fragment.parse(box, movie, nextDecodeTime, limits));
        moofSinceMdat = true;
      }
      default -> { } // ftyp, styp: nothing vidlog needs
    }
  }

  private List<Fragment.Pending> samplesInMoov(Movie m) {
    List<Fragment.Pending> out = new java.util.ArrayList<>();
    for (Mp4Track t : m.tracks()) {
      SampleTable s = SampleTable.build(m.sampleTables().get(t.trackId()), limits, budget);
      try {
        if (out.size() + s.count > limits.maxSamplesPerFragment()) {
          throw MP4.unsupported(boxStart, "moov lists more than "
              + limits.maxSamplesPerFragment() + " samples");
        }
        for (int i = 0; i < s.count; i++) {
          out.add(new Fragment.Pending(t.trackId(), s.offsets[i], s.sizes[i], s.decodeTimes[i],
              s.compositionOffsets[i], s.isSync(i)));
        }
        nextDecodeTime.put(t.trackId(), s.endTime);
      } finally {
        s.release();
      }
    }
    out.sort(java.util.Comparator.comparingLong(Fragment.Pending::offset));
    Fragment.checkNoOverlap(out, boxStart);
    return out;
  }

  private void startMdat() {
    if (movie == null) {
      throw MP4.unsupported(boxStart, "mdat before moov");
    }
    long payloadStart = boxStart + boxHeaderSize;
    if (!moofSinceMdat && boxEnd != payloadStart) {
      throw MP4.unsupported(boxStart, "mdat before its moof (vidlog takes moof then mdat)");
    }
    moofSinceMdat = false;
    for (int i = next; i < pending.size(); i++) {
      Fragment.Pending p = pending.get(i);
      if (p.offset() < payloadStart || p.offset() + p.size() > boxEnd) {
        throw MP4.unsupported(p.offset(), "sample of track " + p.trackId()
            + " lies outside the mdat at " + boxStart + " that follows its moof");
      }
    }
    state = position == boxEnd ? State.HEADER : State.MDAT;
  }

  private void readMdat(ByteBuffer in) {
    if (next == pending.size()) {
      skip(in); // the rest of the mdat carries nothing a moof points at
      return;
    }
    Fragment.Pending p = pending.get(next);
    if (position < p.offset()) {
      advance(in, (int) Math.min(in.remaining(), p.offset() - position));
    } else if (!assembling && in.remaining() >= p.size()) {
      ByteBuffer view = in.slice(in.position(), p.size()).asReadOnlyBuffer();
      advance(in, p.size());
      emit(p, view);
    } else {
      if (!assembling) {
        assembling = true;
        assembly.start(p.size(), p.offset(), "sample of track " + p.trackId()); // grown as bytes arrive
      }
      position += assembly.append(in);
      if (assembly.complete()) {
        assembling = false;
        try {
          emit(p, assembly.contents().asReadOnlyBuffer());
        } finally {
          assembly.finish();
        }
      }
    }
    if (position == boxEnd) {
      state = State.HEADER;
    }
  }

  private void emit(Fragment.Pending p, ByteBuffer payload) {
    next++;
    handler.onSample(new Mp4Sample(p.trackId(), p.decodeTime(),
        p.decodeTime() + p.compositionOffset(), p.key(), payload, p.offset()));
  }

  private void advance(ByteBuffer in, int n) {
    in.position(in.position() + n);
    position += n;
  }

  private void skip(ByteBuffer in) {
    long n = Math.min(in.remaining(), boxEnd - position);
    advance(in, (int) n);
    if (position == boxEnd) {
      state = State.HEADER;
    }
  }
}
