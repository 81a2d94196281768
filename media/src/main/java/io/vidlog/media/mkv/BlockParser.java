package io.vidlog.media.mkv;

import static io.vidlog.media.MediaFormatException.Format.MKV;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.GrowingBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Push-driven parser of one SimpleBlock or Block body (RFC 9559 §10.1–§10.3): track number vint,
 * signed 16-bit relative timecode, flags, optional lacing header (Xiph, EBML or fixed-size,
 * RFC 9559 §10.4), then the frames. Frames that arrive whole in one chunk are handed out as views;
 * a frame split across chunks is assembled once, in a {@link GrowingBuffer} that grows as its
 * bytes arrive (bounded by {@code maxFrameSize}, charged to the reader's {@link ByteBudget}), or,
 * when the block's input is kept by its owner ({@link MkvReader.Input#KEPT}), handed out as views
 * of each chunk it arrived in, without a copy (the bytes held are charged the same way).
 */
final class BlockParser {
  /** Receives each frame; {@code pieces} are valid during the call only, unless they are views of kept input. */
  interface FrameSink {
    void frame(int track, int relativeTimecode, int flags, int laceIndex, List<ByteBuffer> pieces);
  }

  private enum State { TRACK, TIMECODE, FLAGS, LACE_COUNT, LACE_XIPH, LACE_EBML, FRAMES, DONE, CLOSED }

  private static final int LACING_NONE = 0;
  private static final int LACING_XIPH = 1;
  private static final int LACING_FIXED = 2;
  private static final int LACING_EBML = 3;
  /** First allocation for a split frame: a claimed size alone never takes more. */
  private static final int FIRST_ASSEMBLY = 4 * 1024;
  /** The assembly array kept between frames; larger ones go back to the budget after their frame. */
  private static final int KEEP_ASSEMBLY = 64 * 1024;

  private final int maxFrameSize;
  private final FrameSink sink;

  private State state = State.DONE;
  private long dataOffset; // absolute offset of the block's first data byte
  private long size;
  private long pos;

  private int vintLength;
  private int vintRead;
  private long vintValue;
  private long vintStart;

  private int track;
  private int timecodeBytes;
  private int relativeTimecode;
  private int flags;
  private int lacing;
  private int laceCount;
  private final long[] laceSizes = new long[256];
  private int laceIndex;
  private long xiphSum;

  private int frameIndex;
  private long frameLeft;
  private boolean assembling;
  private final GrowingBuffer assembly;
  private final ByteBudget budget;
  /** Whether the current block's input chunks are kept by their owner (split frames are referenced). */
  private boolean kept;
  /** The views of a split frame of kept input, and the bytes of them charged to the budget. */
  private final List<ByteBuffer> pieces = new ArrayList<>();
  private long piecesCharged;

  BlockParser(int maxFrameSize, ByteBudget budget, FrameSink sink) {
    this.maxFrameSize = maxFrameSize;
    this.sink = sink;
    this.budget = budget;
    this.assembly = new GrowingBuffer(budget, MKV, FIRST_ASSEMBLY, KEEP_ASSEMBLY);
  }

  /** Bytes held for frame assembly. */
  long bufferedBytes() {
    return assembly.held() + piecesCharged;
  }

  /** Drops a frame being assembled, returns its buffer to the budget and reports no more frames. */
  void release() {
    assembling = false;
    assembly.release();
    dropPieces();
    state = State.CLOSED;
  }

  /**
   * A new block body of {@code size} bytes starting at absolute offset {@code dataOffset};
   * {@code kept} says whether the chunks it is fed stay unchanged after the call (their owner keeps
   * them), so a split frame may be handed out as views of them.
   */
  void start(long dataOffset, long size, boolean kept) {
    this.kept = kept;
    this.dataOffset = dataOffset;
    this.size = size;
    this.pos = 0;
    this.state = State.TRACK;
    this.vintRead = 0;
    this.timecodeBytes = 0;
    this.assembling = false;
  }

  void feed(ByteBuffer chunk) {
    while (chunk.hasRemaining() && state != State.CLOSED) {
      if (state == State.FRAMES) {
        frameBytes(chunk);
      } else if (state == State.DONE) {
        throw new IllegalStateException("block data after its last frame");
      } else {
        pos++; // pos now counts the byte being parsed
        headerByte(chunk.get() & 0xFF);
      }
      emitEmpty();
    }
  }

  /** The block's data ended; it must have held a complete header and all its frames. */
  void end() {
    emitEmpty();
    if (state != State.DONE && state != State.CLOSED) {
      throw MKV.malformed(dataOffset + pos,
          "block of " + size + " bytes ends inside its " + (state == State.FRAMES ? "frames" : "header"));
    }
  }


  private void headerByte(int b) {
    switch (state) {
      case TRACK -> {
        if (vintByte(b, "track number")) {
          if (vintValue > Integer.MAX_VALUE || vintValue == 0) {
            throw MKV.unsupported(vintStart, "block track number " + vintValue);
          }
          track = (int) vintValue;
          state = State.TIMECODE;
        }
      }
      case TIMECODE -> {
        relativeTimecode = (relativeTimecode << 8) | b;
        if (++timecodeBytes == 2) {
          relativeTimecode = (short) relativeTimecode;
          state = State.FLAGS;
        }
      }
      case FLAGS -> {
        flags = b;
        lacing = (b >> 1) & 3;
        if (lacing == LACING_NONE) {
          laceCount = 1;
          laceSizes[0] = size - pos;
          startFrames();
        } else {
          state = State.LACE_COUNT;
        }
      }
      case LACE_COUNT -> {
        laceCount = b + 1;
        laceIndex = 0;
        xiphSum = 0;
        if (lacing == LACING_FIXED) {
          long rest = size - pos;
          if (rest % laceCount != 0) {
            throw MKV.malformed(dataOffset + pos - 1, "fixed-size lacing of " + laceCount + " frames over " + rest
                + " bytes (not a multiple)");
          }
          for (int i = 0; i < laceCount; i++) {
            laceSizes[i] = rest / laceCount;
          }
          startFrames();
        } else {
          state = lacing == LACING_XIPH ? State.LACE_XIPH : State.LACE_EBML;
          vintRead = 0;
          if (laceCount == 1) {
            lastLace();
          }
        }
      }
      case LACE_XIPH -> {
        // RFC 9559 §10.4.2: each size is a run of 255s ended by a byte < 255.
        xiphSum += b;
        if (xiphSum > size - pos) {
          throw MKV.malformed(dataOffset + pos - 1, "Xiph lace size " + xiphSum + " exceeds the " + (size - pos)
              + " bytes left in the block");
        }
        if (b != 255) {
          laceSizes[laceIndex++] = xiphSum;
          xiphSum = 0;
          if (laceIndex == laceCount - 1) {
            lastLace();
          }
        }
      }
      case LACE_EBML -> {
        if (vintByte(b, "EBML lace size")) {
          long v;
          if (laceIndex == 0) {
            v = vintValue;
          } else {
            // RFC 9559 §10.4.3: later sizes are signed differences, biased by 2^(7n-1)-1.
            long bias = (1L << (7 * vintLength - 1)) - 1;
            v = laceSizes[laceIndex - 1] + (vintValue - bias);
          }
          if (v < 0 || v > size) {
            throw MKV.malformed(vintStart, "EBML lace size " + v + " of frame " + laceIndex + " outside 0.." + size);
          }
          laceSizes[laceIndex++] = v;
          if (laceIndex == laceCount - 1) {
            lastLace();
          }
        }
      }
      default -> throw new IllegalStateException("unexpected state " + state);
    }
  }

  /** Accumulates one vint byte; true when the vint is complete. */
  private boolean vintByte(int b, String what) {
    if (vintRead == 0) {
      vintStart = dataOffset + pos - 1;
      if (b == 0) {
        throw MKV.malformed(vintStart, what + " vint starts with 0x00");
      }
      vintLength = Integer.numberOfLeadingZeros(b) - 23;
      vintValue = b & (0xFF >>> vintLength);
    } else {
      vintValue = (vintValue << 8) | b;
    }
    if (++vintRead == vintLength) {
      vintRead = 0;
      return true;
    }
    return false;
  }

  /** The last lace's size is what remains of the block after the lacing header ({@code headerEnd}). */
  private void lastLace() {
    long rest = size - pos;
    long sum = 0;
    for (int i = 0; i < laceCount - 1; i++) {
      sum += laceSizes[i];
    }
    if (sum > rest) {
      throw MKV.malformed(dataOffset + pos, "lacing header declares " + sum + " bytes for " + (laceCount - 1)
          + " frames but only " + rest + " remain in the block");
    }
    laceSizes[laceCount - 1] = rest - sum;
    startFrames();
  }

  private void startFrames() {
    for (int i = 0; i < laceCount; i++) {
      if (laceSizes[i] > maxFrameSize) {
        throw MKV.unsupported(dataOffset + pos, "frame of " + laceSizes[i]
            + " bytes (track " + track + ") exceeds maxFrameSize " + maxFrameSize);
      }
    }
    state = State.FRAMES;
    frameIndex = 0;
    frameLeft = laceSizes[0];
  }

  private void frameBytes(ByteBuffer chunk) {
    int rem = chunk.remaining();
    if (!assembling && rem >= frameLeft) {
      int n = (int) frameLeft;
      int p = chunk.position();
      ByteBuffer view = chunk.slice(p, n);
      chunk.position(p + n);
      pos += n;
      frameLeft = 0;
      emit(List.of(view));
      emitEmpty();
      return;
    }
    if (kept) {
      keptBytes(chunk);
      return;
    }
    if (!assembling) {
      assembling = true;
      assembly.start((int) frameLeft, dataOffset + pos, "frame " + frameIndex + " of track " + track);
    }
    int n = assembly.append(chunk);
    pos += n;
    frameLeft -= n;
    if (frameLeft == 0) {
      assembling = false;
      try {
        emit(List.of(assembly.contents()));
      } finally {
        assembly.finish();
      }
    }
  }

  /** A frame of kept input that is not whole in this chunk: a view of its part here, no copy. */
  private void keptBytes(ByteBuffer chunk) {
    int n = (int) Math.min(frameLeft, chunk.remaining());
    if (!assembling) {
      assembling = true;
      pieces.clear();
    }
    // the views pin the chunks they come from: what they hold is charged like an assembly array
    budget.reserve(n, MKV, dataOffset + pos, "holding frame " + frameIndex + " of track " + track + " ("
        + frameLeft + " bytes missing)");
    piecesCharged += n;
    int p = chunk.position();
    pieces.add(chunk.slice(p, n));
    chunk.position(p + n);
    pos += n;
    frameLeft -= n;
    if (frameLeft == 0) {
      assembling = false;
      try {
        emit(List.copyOf(pieces));
      } finally {
        dropPieces();
      }
    }
  }

  private void dropPieces() {
    pieces.clear();
    budget.release(piecesCharged);
    piecesCharged = 0;
  }

  private void emit(List<ByteBuffer> payload) {
    int index = frameIndex;
    advance();
    sink.frame(track, relativeTimecode, flags & ~0x06, index, payload);
  }

  private void advance() {
    frameIndex++;
    if (frameIndex < laceCount) {
      frameLeft = laceSizes[frameIndex];
    } else {
      state = State.DONE;
    }
  }

  /** Emits zero-length frames (legal in lacing) without waiting for more bytes. */
  private void emitEmpty() {
    while (state == State.FRAMES && frameLeft == 0 && !assembling) {
      emit(List.of(ByteBuffer.allocate(0)));
    }
  }
}
