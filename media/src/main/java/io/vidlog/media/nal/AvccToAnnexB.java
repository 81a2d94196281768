package io.vidlog.media.nal;

import static io.vidlog.media.MediaFormatException.Format.NAL;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Push-driven AVCC → Annex-B converter: reads {@code lengthSize}-byte NAL lengths (1, 2 or 4,
 * from the decoder configuration record's lengthSizeMinusOne) across slice boundaries and hands the
 * sink a 4-byte start code followed by the NAL payload as read-only views of the input slices (no
 * copy). A NAL length over {@code maxNalBytes} fails with UNSUPPORTED; {@link #finish()} fails with
 * MALFORMED when the frame ends inside a length field or a NAL unit.
 */
public final class AvccToAnnexB {
  private static final byte[] START_CODE = {0, 0, 0, 1};

  private final int lengthSize;
  private final long maxNalBytes;
  private final Consumer<ByteBuffer> sink;
  private int lengthBytesRead;
  private long length;
  private long remaining;
  private long offset;

  public AvccToAnnexB(int lengthSize, long maxNalBytes, Consumer<ByteBuffer> sink) {
    NalUnits.checkLengthSize(lengthSize);
    this.lengthSize = lengthSize;
    this.maxNalBytes = maxNalBytes;
    this.sink = sink;
  }

  public void push(ByteBuffer slice) {
    while (slice.hasRemaining()) {
      if (remaining == 0) {
        length = (length << 8) | (slice.get() & 0xFF);
        offset++;
        if (++lengthBytesRead == lengthSize) {
          if (length > maxNalBytes) {
            throw NAL.unsupported(offset - lengthSize,
                "NAL unit length " + length + " over the limit " + maxNalBytes);
          }
          if (length == 0) {
            throw NAL.malformed(offset - lengthSize, "NAL unit length 0");
          }
          remaining = length;
          lengthBytesRead = 0;
          length = 0;
          sink.accept(ByteBuffer.wrap(START_CODE).asReadOnlyBuffer());
        }
      } else {
        int n = (int) Math.min(remaining, slice.remaining());
        ByteBuffer part = slice.slice(slice.position(), n).asReadOnlyBuffer();
        slice.position(slice.position() + n);
        remaining -= n;
        offset += n;
        sink.accept(part);
      }
    }
  }

  /** Checks the frame ended on a NAL boundary and resets for the next frame. */
  public void finish() {
    boolean partial = remaining != 0 || lengthBytesRead != 0;
    long at = offset;
    remaining = 0;
    lengthBytesRead = 0;
    length = 0;
    offset = 0;
    if (partial) {
      throw NAL.malformed(at, "AVCC frame ends inside a NAL unit");
    }
  }
}
