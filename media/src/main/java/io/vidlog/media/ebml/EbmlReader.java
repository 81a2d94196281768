package io.vidlog.media.ebml;

import static io.vidlog.media.MediaFormatException.Format.EBML;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.GrowingBuffer;
import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;

/**
 * Push-driven EBML framing (RFC 8794), in the style of Netty's {@code HttpObjectDecoder} and
 * Media3's {@code DefaultEbmlReader}: fed slices of any size, it reports element starts, buffered
 * leaf data, streamed payload chunks and element ends to an {@link EbmlProcessor}. It never builds a
 * tree and never waits for "the rest": partial progress lives in fields, one state per phase.
 *
 * <p>Unknown-size masters (RFC 8794 §6.2) are closed when an element of the same or a higher level
 * starts, when a new EBML header starts, when an enclosing known-size master ends, or at
 * {@link #end()}. Every size is checked against {@link EbmlLimits} before allocation, and a
 * {@link EbmlProcessor.Action#BUFFER} element split across slices is collected in a
 * {@link GrowingBuffer} that grows as its bytes arrive (charged to a {@link ByteBudget}): a size
 * alone never allocates. After any failure, including one thrown by the processor, the reader
 * refuses further input and has released its buffer; {@link #close()} releases it at any time.
 *
 * <p>Not thread-safe; one reader per input stream.
 */
public final class EbmlReader {
  /** RFC 8794 §11.2.1: the EBML header element id. */
  public static final int EBML_HEADER_ID = 0x1A45DFA3;

  private enum State { ID, SIZE, BUFFER, STREAM, SKIP, FAILED }

  private final EbmlProcessor processor;
  private final EbmlSchema schema;
  private final EbmlLimits limits;

  // Open master elements, innermost last.
  private final int[] openIds;
  private final long[] openEnds; // absolute end offset, -1 for unknown size
  private final int[] openLevels;
  private final boolean[] openSkipped; // unknown-size master stepped over: children not reported
  private int depth;

  private State state = State.ID;
  private long consumed;

  // The element header being read.
  private final byte[] header = new byte[12];
  private int headerLength;
  private int vintLength;
  private long vintValue;
  private long headerOffset;
  private int headerStartInSlice;
  private int elementId;
  private long elementSize;
  private long remaining;

  /** First allocation for an element split across slices (less for a smaller element); it doubles from there. */
  private static final int FIRST_BUFFER = 4 * 1024;
  /** Kept between elements so that small split elements do not allocate each time. */
  private static final int KEEP_BUFFER = 64 * 1024;

  // BUFFER across slices.
  private final GrowingBuffer scratch;

  private Throwable failure;
  /** Set by {@link #close()}, possibly from inside a processor callback: report nothing more. */
  private boolean closed;

  public EbmlReader(EbmlProcessor processor, EbmlSchema schema, EbmlLimits limits) {
    this(processor, schema, limits, ByteBudget.unlimited());
  }

  /** {@code budget}: charged for the buffer of elements split across slices. */
  public EbmlReader(EbmlProcessor processor, EbmlSchema schema, EbmlLimits limits, ByteBudget budget) {
    this.processor = processor;
    this.scratch = new GrowingBuffer(budget, EBML, FIRST_BUFFER, KEEP_BUFFER);
    this.schema = schema;
    this.limits = limits;
    int n = limits.maxDepth() + 1;
    openIds = new int[n];
    openEnds = new long[n];
    openLevels = new int[n];
    openSkipped = new boolean[n];
  }

  /** Absolute offset of the next byte to be read (bytes consumed so far). */
  public long position() {
    return consumed;
  }

  /** Number of open master elements. */
  public int depth() {
    return depth;
  }

  /** Bytes the reader holds in its buffer now (charged to its budget). */
  public long bufferedBytes() {
    return scratch.held();
  }

  /**
   * Releases the buffer at once and refuses further input; the processor hears nothing more, also
   * when it calls this from one of its callbacks (the slice being fed is dropped). Safe to call at
   * any time, more than once.
   */
  public void close() {
    closed = true;
    scratch.release();
    if (failure == null) {
      failure = new IllegalStateException("close() was called");
    }
    state = State.FAILED;
  }

  /** Whether the reader sits between elements (no header or data partially read). */
  public boolean atElementBoundary() {
    return state == State.ID && headerLength == 0;
  }

  /**
   * Consumes all remaining bytes of {@code in} (its position ends at its limit). Views handed to
   * the processor share {@code in}'s content.
   *
   * @throws MediaFormatException (format EBML) for malformed or unsupported input
   * @throws IllegalStateException if the reader failed earlier
   */
  public void feed(ByteBuffer in) {
    checkUsable();
    if (headerLength > 0) {
      headerStartInSlice = -1; // the header began in an earlier slice
    }
    try {
      while (in.hasRemaining() && !closed) {
        switch (state) {
          case ID -> readIdByte(in);
          case SIZE -> readSizeByte(in);
          case BUFFER -> bufferData(in);
          case STREAM -> streamData(in);
          case SKIP -> skipData(in);
          default -> throw new IllegalStateException("unreachable state " + state);
        }
      }
    } catch (RuntimeException | Error e) {
      fail(e);
      throw e;
    }
  }

  /**
   * End of input: closes the open unknown-size masters (innermost first).
   *
   * @throws MediaFormatException MALFORMED if the input stops inside an element header, inside a
   *     known-size element's data, or inside a known-size master
   */
  public void end() {
    checkUsable();
    try {
      if (state != State.ID || headerLength != 0) {
        String where = state == State.ID || state == State.SIZE ? "header" : "data";
        long missing = state == State.ID || state == State.SIZE ? -1 : remaining;
        throw EBML.malformed(headerOffset, "input ends inside the " + where + " of element "
            + hex(state == State.ID ? 0 : elementId) + (missing >= 0 ? " (" + missing + " bytes missing)" : ""));
      }
      for (int i = depth - 1; i >= 0; i--) {
        if (openEnds[i] >= 0) {
          throw EBML.malformed(consumed, "input ends inside element " + hex(openIds[i])
              + " which declares " + (openEnds[i] - consumed) + " more bytes");
        }
      }
      while (depth > 0) {
        pop();
      }
      state = State.FAILED; // nothing may follow the end
      failure = new IllegalStateException("end() was called");
      scratch.release();
    } catch (RuntimeException | Error e) {
      fail(e);
      throw e;
    }
  }

  private void checkUsable() {
    if (failure != null) {
      throw new IllegalStateException("EbmlReader is unusable after an earlier failure or end()", failure);
    }
  }

  private void fail(Throwable e) {
    if (failure == null) {
      failure = e;
    }
    state = State.FAILED;
    scratch.release(); // unusable from now on: its buffer goes back at once
  }

  // --- element header -------------------------------------------------------------------------

  private void readIdByte(ByteBuffer in) {
    if (headerLength == 0) {
      headerOffset = consumed;
      headerStartInSlice = in.position();
    }
    int b = in.get() & 0xFF;
    consumed++;
    header[headerLength++] = (byte) b;
    if (headerLength == 1) {
      if (b == 0) {
        throw EBML.malformed(headerOffset, "element id starts with 0x00 (id longer than 8 bytes)");
      }
      vintLength = Integer.numberOfLeadingZeros(b) - 23;
      if (vintLength > 4) {
        throw EBML.malformed(headerOffset, "element id of " + vintLength
            + " bytes (first byte 0x" + Integer.toHexString(b) + ") exceeds EBMLMaxIDLength 4");
      }
      vintValue = b;
    } else {
      vintValue = (vintValue << 8) | b;
    }
    if (headerLength == vintLength) {
      elementId = (int) vintValue;
      // RFC 8794 §5: an id whose data bits are all ones is reserved.
      if (isAllOnesId(vintValue, vintLength)) {
        throw EBML.malformed(headerOffset, "reserved element id " + hex(elementId));
      }
      closeUnknownSizedBefore(elementId);
      state = State.SIZE;
    }
  }

  private static boolean isAllOnesId(long value, int length) {
    long dataMask = (1L << (7 * length)) - 1;
    return (value & dataMask) == dataMask;
  }

  private void readSizeByte(ByteBuffer in) {
    int b = in.get() & 0xFF;
    consumed++;
    header[headerLength++] = (byte) b;
    int idLength = Integer.numberOfLeadingZeros(header[0] & 0xFF) - 23;
    int sizeRead = headerLength - idLength;
    if (sizeRead == 1) {
      if (b == 0) {
        throw EBML.malformed(headerOffset + idLength,
            "element size starts with 0x00 (size longer than 8 bytes) for element " + hex(elementId));
      }
      vintLength = Integer.numberOfLeadingZeros(b) - 23;
      vintValue = b & (0xFF >>> vintLength);
    } else {
      vintValue = (vintValue << 8) | b;
    }
    if (sizeRead == vintLength) {
      long allOnes = (1L << (7 * vintLength)) - 1;
      elementSize = vintValue == allOnes ? -1 : vintValue;
      onHeader(in);
    }
  }

  private void onHeader(ByteBuffer in) {
    int id = elementId;
    long size = elementSize;
    long dataStart = consumed;
    int parentIndex = depth - 1;
    boolean parentSkipped = parentIndex >= 0 && openSkipped[parentIndex];
    long bound = nearestKnownEnd();
    if (size >= 0 && bound >= 0 && dataStart + size > bound) {
      throw EBML.malformed(headerOffset, "element " + hex(id) + " of " + size
          + " bytes overruns its parent, which ends at offset " + bound);
    }
    if (size < 0 && !schema.isMaster(id)) {
      // RFC 8794 §6.2: only master elements may have an unknown size.
      throw EBML.malformed(headerOffset, "unknown size on element " + hex(id)
          + ", which is not a known master element");
    }
    EbmlProcessor.Action action;
    if (parentSkipped) {
      action = EbmlProcessor.Action.SKIP;
    } else {
      action = processor.onElementStart(id, parentIndex >= 0 ? openIds[parentIndex] : 0, size, headerOffset,
          headerLength, depth);
      if (closed) {
        return;
      }
    }
    if (size < 0 && action != EbmlProcessor.Action.MASTER) {
      if (action != EbmlProcessor.Action.SKIP) {
        // RFC 9559 allows unknown sizes on Segment and Cluster only; a buffered element needs its size.
        throw EBML.malformed(headerOffset, "unknown size on element " + hex(id) + ", which must have a size");
      }
      // An unknown-size master we do not want: walk its children without reporting them.
      push(id, -1, true);
      headerLength = 0;
      state = State.ID;
      closeFinished();
      return;
    }
    switch (action) {
      case MASTER -> {
        push(id, size < 0 ? -1 : dataStart + size, false);
        endHeader();
        closeFinished();
      }
      case BUFFER -> startBuffer(in, id, size);
      case STREAM -> {
        remaining = size;
        endHeader();
        if (size == 0) {
          processor.onElementEnd(id, consumed);
          closeFinished();
        } else {
          state = State.STREAM;
        }
      }
      case SKIP -> {
        remaining = size;
        endHeader();
        if (size == 0) {
          closeFinished();
        } else {
          state = State.SKIP;
        }
      }
      default -> throw new IllegalStateException("no action for " + hex(id));
    }
  }

  private void endHeader() {
    headerLength = 0;
    state = State.ID;
  }

  private void push(int id, long end, boolean skipped) {
    if (depth >= limits.maxDepth()) {
      throw EBML.unsupported(headerOffset, "master element " + hex(id) + " nested at depth " + (depth + 1)
          + " exceeds the limit " + limits.maxDepth());
    }
    openIds[depth] = id;
    openEnds[depth] = end;
    openLevels[depth] = schema.level(id);
    openSkipped[depth] = skipped;
    depth++;
  }

  private void pop() {
    pop(consumed);
  }

  private void pop(long endOffset) {
    depth--;
    if (!openSkipped[depth] && !closed) {
      processor.onElementEnd(openIds[depth], endOffset);
    }
  }

  private long nearestKnownEnd() {
    for (int i = depth - 1; i >= 0; i--) {
      if (openEnds[i] >= 0) {
        return openEnds[i];
      }
    }
    return -1;
  }

  /** Pops masters whose data ends here: known-size ones at their end, unknown-size ones at an ancestor's end. */
  private void closeFinished() {
    while (depth > 0) {
      long end = openEnds[depth - 1];
      if (end == consumed || (end < 0 && nearestKnownEndBelow(depth - 1) == consumed)) {
        pop();
      } else {
        return;
      }
    }
  }

  private long nearestKnownEndBelow(int index) {
    for (int i = index - 1; i >= 0; i--) {
      if (openEnds[i] >= 0) {
        return openEnds[i];
      }
    }
    return -1;
  }

  /** RFC 8794 §6.2: an unknown-size element ends where an element that cannot be its child starts. */
  private void closeUnknownSizedBefore(int id) {
    // The closed elements end where the new element's header starts.
    if (id == EBML_HEADER_ID) {
      while (depth > 0 && openEnds[depth - 1] < 0) {
        pop(headerOffset);
      }
      return;
    }
    int level = schema.level(id);
    if (level < 0) {
      return;
    }
    while (depth > 0 && openEnds[depth - 1] < 0 && openLevels[depth - 1] >= level) {
      pop(headerOffset);
    }
  }

  // --- element data ---------------------------------------------------------------------------

  private void startBuffer(ByteBuffer in, int id, long size) {
    if (size > limits.maxBufferedSize()) {
      throw EBML.unsupported(headerOffset, "element " + hex(id) + " of " + size
          + " bytes exceeds the buffered-element limit " + limits.maxBufferedSize());
    }
    int n = (int) size;
    int hl = headerLength;
    if (headerStartInSlice >= 0 && headerStartInSlice + hl == in.position() && in.remaining() >= n) {
      // Arrived whole in this slice: hand out a view, no copy.
      ByteBuffer view = in.slice(headerStartInSlice, hl + n);
      in.position(in.position() + n);
      consumed += n;
      endHeader();
      processor.onData(id, view, hl);
      closeFinished();
      return;
    }
    scratch.start(hl + n, headerOffset, "element " + hex(id));
    scratch.append(header, 0, hl);
    remaining = n;
    if (n == 0) {
      finishBuffer();
    } else {
      state = State.BUFFER;
    }
  }

  private void bufferData(ByteBuffer in) {
    int n = scratch.append(in);
    consumed += n;
    remaining -= n;
    if (remaining == 0) {
      finishBuffer();
    }
  }

  private void finishBuffer() {
    int hl = headerLength;
    int id = elementId;
    ByteBuffer element = scratch.contents();
    endHeader();
    processor.onData(id, element, hl);
    scratch.finish(); // keeps per-reader memory flat after a large element
    closeFinished();
  }

  private void streamData(ByteBuffer in) {
    int n = (int) Math.min(remaining, in.remaining());
    int pos = in.position();
    ByteBuffer chunk = in.slice(pos, n);
    in.position(pos + n);
    consumed += n;
    remaining -= n;
    processor.onPayload(elementId, chunk);
    if (remaining == 0 && !closed) {
      processor.onElementEnd(elementId, consumed);
      state = State.ID;
      closeFinished();
    }
  }

  private void skipData(ByteBuffer in) {
    int n = (int) Math.min(remaining, in.remaining());
    in.position(in.position() + n);
    consumed += n;
    remaining -= n;
    if (remaining == 0) {
      state = State.ID;
      closeFinished();
    }
  }

  /** An id as RFC 8794 writes it, e.g. {@code 0x1A45DFA3}. */
  public static String hex(int id) {
    return "0x" + Integer.toHexString(id).toUpperCase(java.util.Locale.ROOT);
  }
}
