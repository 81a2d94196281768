package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

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
 *
 * <p>Sample data must lie in the mdat that follows its moof, the CMAF layout; data elsewhere (an
 * mdat before its moof, a moof whose data is in a later mdat) is refused as UNSUPPORTED. A moov
 * without mvex (a progressive file) is UNSUPPORTED here: spool it and use {@link Mp4FileDemuxer}.
 * Not thread-safe.
 */
public final class FragmentedMp4Demuxer {
  private enum State { HEADER, BUFFER, SKIP, MDAT, FAILED }

  private final Mp4Handler handler;
  private final Mp4Limits limits;
  private final int initialBuffer;
  private final Map<Integer, Long> nextDecodeTime = new HashMap<>();
  private State state = State.HEADER;
  private long position;
  private final BoxHeaderBuffer headers = new BoxHeaderBuffer();
  private long boxStart;
  private String boxType;
  private int boxHeaderSize;
  private long boxEnd; // Long.MAX_VALUE for an mdat that runs to the end of the input
  private byte[] body;
  private int bodyFill;
  private int bodyLength;
  private Movie movie;
  private List<Fragment.Pending> pending = List.of();
  private int next;
  /** A moof arrived since the last mdat: an mdat needs one before it (CMAF order). */
  private boolean moofSinceMdat;
  private byte[] assembly;
  private int assemblyFill;

  public FragmentedMp4Demuxer(Mp4Handler handler, Mp4Limits limits) {
    this(handler, limits, 64 * 1024);
  }

  /** {@code initialBuffer}: first allocation for a buffered box or a split sample (tests use tiny ones). */
  FragmentedMp4Demuxer(Mp4Handler handler, Mp4Limits limits, int initialBuffer) {
    this.handler = handler;
    this.limits = limits;
    this.initialBuffer = initialBuffer;
  }

  /** Consumes all of {@code slice}; on error the demuxer is failed and refuses further input. */
  public void push(ByteBuffer slice) {
    if (state == State.FAILED) {
      throw MP4.malformed(position, "demuxer already failed");
    }
    try {
      while (slice.hasRemaining()) {
        switch (state) {
          case HEADER -> readHeader(slice);
          case BUFFER -> readBody(slice);
          case SKIP -> skip(slice);
          case MDAT -> readMdat(slice);
          default -> throw new IllegalStateException(state.name());
        }
      }
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** Ends the input: fails with MALFORMED when it stopped inside a box or before a moof's data. */
  public void end() {
    boolean openMdat = state == State.MDAT && boxEnd == Long.MAX_VALUE && next == pending.size();
    if (state == State.FAILED || (state != State.HEADER && !openMdat) || headers.partial()) {
      state = State.FAILED;
      throw MP4.malformed(position, "input ends inside box '" + boxType + "'");
    }
    if (next < pending.size()) {
      state = State.FAILED;
      throw MP4.malformed(position, "input ends before the data of moof samples");
    }
    if (movie == null) {
      state = State.FAILED;
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
        bodyLength = (int) payload;
        body = new byte[Math.min(bodyLength, initialBuffer)];
        bodyFill = 0;
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
    if (bodyFill == body.length) {
      body = java.util.Arrays.copyOf(body, (int) Math.min(bodyLength, 2L * body.length));
    }
    int n = Math.min(body.length - bodyFill, in.remaining());
    in.get(body, bodyFill, n);
    bodyFill += n;
    position += n;
    if (bodyFill == bodyLength) {
      finishBody();
    }
  }

  private void finishBody() {
    Box box = new Box(boxType, ByteBuffer.wrap(body), boxStart, boxHeaderSize);
    body = null;
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
        movie = m;
        handler.onTracks(m.tracks());
        if (m.hasSampleTableEntries()) {
          // Fragmented without empty_moov (ffmpeg's plain frag_keyframe): the moov describes the
          // first fragment itself, and its data is in the mdat that follows.
          pending = samplesInMoov(m);
          next = 0;
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
        pending = Fragment.parse(box, movie, nextDecodeTime, limits);
        next = 0;
        moofSinceMdat = true;
      }
      default -> { } // ftyp, styp: nothing vidlog needs
    }
  }

  private List<Fragment.Pending> samplesInMoov(Movie m) {
    List<Fragment.Pending> out = new java.util.ArrayList<>();
    for (Mp4Track t : m.tracks()) {
      SampleTable s = SampleTable.build(m.sampleTables().get(t.trackId()), limits);
      if (out.size() + s.count > limits.maxSamplesPerFragment()) {
        throw MP4.unsupported(boxStart, "moov lists more than "
            + limits.maxSamplesPerFragment() + " samples");
      }
      for (int i = 0; i < s.count; i++) {
        out.add(new Fragment.Pending(t.trackId(), s.offsets[i], s.sizes[i], s.decodeTimes[i],
            s.compositionOffsets[i], s.isSync(i)));
      }
      nextDecodeTime.put(t.trackId(), s.endTime);
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
    } else if (assembly == null && in.remaining() >= p.size()) {
      ByteBuffer view = in.slice(in.position(), p.size()).asReadOnlyBuffer();
      advance(in, p.size());
      emit(p, view);
    } else {
      if (assembly == null) {
        assembly = new byte[Math.min(p.size(), initialBuffer)]; // grown as bytes arrive
        assemblyFill = 0;
      } else if (assemblyFill == assembly.length) {
        assembly = java.util.Arrays.copyOf(assembly, (int) Math.min(p.size(), 2L * assembly.length));
      }
      int n = Math.min(assembly.length - assemblyFill, in.remaining());
      in.get(assembly, assemblyFill, n);
      assemblyFill += n;
      position += n;
      if (assemblyFill == p.size()) {
        ByteBuffer whole = ByteBuffer.wrap(assembly).asReadOnlyBuffer();
        assembly = null;
        emit(p, whole);
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
