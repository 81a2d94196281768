package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vidlog.media.MediaFormatException;
import java.nio.ByteBuffer;

/**
 * Tells, from the first bytes of an MP4 arriving as a stream, whether it can be demuxed as it
 * arrives ({@link FragmentedMp4Demuxer}) or must be spooled first ({@link Mp4FileDemuxer}). It
 * reads only box headers, never buffers anything and never allocates per byte: the top-level
 * boxes up to the {@code moov}, and the headers of the moov's children. A {@code mvex} child
 * (ISO/IEC 14496-12 §8.8.1: "the presence of this box warns readers that there might be Movie
 * Fragment Boxes") makes it {@link Layout#FRAGMENTED}; a moov that ends without one, or an
 * {@code mdat} before any moov (progressive, moov at the end), makes it {@link Layout#PROGRESSIVE}.
 * A {@code moof} before any moov is reported as fragmented so that the streaming demuxer refuses
 * it at once, and a top-level box that runs to the end of the input (size 0) as progressive
 * (the file demuxer knows its end).
 *
 * <p>The caller keeps the bytes it pushed and bounds them itself (a progressive moov at the start
 * can be large). Not thread-safe.
 */
public final class Mp4LayoutProbe {
  /** What the bytes seen so far say. */
  public enum Layout { UNDECIDED, FRAGMENTED, PROGRESSIVE }

  private static final java.util.Set<String> FIRST_BOXES = java.util.Set.of("ftyp", "styp", "moov", "mdat",
      "free", "skip", "wide", "uuid");

  private final BoxHeaderBuffer headers = new BoxHeaderBuffer();
  private long position;
  /** Input offset of the next box header to read: top-level, or a moov child while inside the moov. */
  private long nextBox;
  private long moovEnd = -1;
  private Layout layout = Layout.UNDECIDED;

  /**
   * Looks at {@code slice} (its position is left unchanged) and returns the layout once known; after
   * that it returns the same answer without reading. Throws a MALFORMED {@link MediaFormatException} for
   * a box header that cannot be valid (size smaller than its header, a moov child that overruns the
   * moov, a top-level type that is not four printable characters, a first box that no MP4 starts
   * with).
   */
  public Layout push(ByteBuffer slice) {
    ByteBuffer in = slice.duplicate();
    while (layout == Layout.UNDECIDED && in.hasRemaining()) {
      if (position < nextBox) {
        int n = (int) Math.min(in.remaining(), nextBox - position);
        in.position(in.position() + n);
        position += n;
      } else {
        readHeader(in);
      }
    }
    return layout;
  }

  /** The layout decided so far. */
  public Layout layout() {
    return layout;
  }

  private void readHeader(ByteBuffer in) {
    int before = in.position();
    BoxHeaderBuffer.Header h = headers.take(in, position);
    position += in.position() - before;
    if (h == null) {
      return;
    }
    if (moovEnd >= 0) {
      moovChild(h.fourcc(), h.start(), h.size());
    } else {
      topLevel(h.type(), h.fourcc(), h.start(), h.size(), h.length());
    }
  }

  private void topLevel(int typeCode, String type, long start, long size, int headerSize) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      int c = (typeCode >>> shift) & 0xFF;
      if (c < 0x20 || c > 0x7E) {
        throw MP4.malformed(start, "top-level box type 0x" + Integer.toHexString(typeCode)
            + " is not four printable characters: not an MP4 box");
      }
    }
    if (start == 0 && !FIRST_BOXES.contains(type)) {
      // ISO/IEC 14496-12 §4.3: ftyp comes first, before any significant variable-size box; older
      // QuickTime files open with moov, mdat, wide, free or skip, CMAF segments with styp. Anything else is not an MP4, and
      // is refused here rather than spooled to its end.
      throw MP4.malformed(0, "an MP4 starts with one of " + FIRST_BOXES + ", not '" + type + "'");
    }
    if (size == 0 || type.equals("mdat")) {
      layout = Layout.PROGRESSIVE; // media before the moov, or a box that runs to the end
      return;
    }
    switch (type) {
      case "moof" -> layout = Layout.FRAGMENTED; // before any moov: the streaming demuxer refuses it
      case "moov" -> {
        moovEnd = start + size;
        nextBox = start + headerSize;
        if (nextBox == moovEnd) {
          layout = Layout.PROGRESSIVE; // an empty moov: the file demuxer names the problem
        }
      }
      default -> nextBox = start + size;
    }
  }

  private void moovChild(String type, long start, long size) {
    if (size == 0 || start + size > moovEnd) {
      throw MP4.malformed(start, "box '" + type + "' of size " + size + " overruns its moov, which ends at "
          + moovEnd);
    }
    if (type.equals("mvex")) {
      layout = Layout.FRAGMENTED;
      return;
    }
    nextBox = start + size;
    if (nextBox == moovEnd) {
      layout = Layout.PROGRESSIVE;
    }
  }
}
