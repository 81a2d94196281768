package io.vidlog.producer.source;

import static io.vidlog.media.MediaFormatException.Format.H264;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups H.264 NAL units, in decoding order, into access units (one coded picture each) by the
 * rules of ITU-T H.264 §7.4.1.2.3: once an access unit holds a slice of its picture, an access
 * unit delimiter, SEI, SPS, PPS or NAL unit of types 14–18 starts the next one, and so does a slice
 * whose first_mb_in_slice is 0 (the first slice of a new picture; arbitrary slice order is not
 * supported). The total size of an access unit is bounded. Not thread-safe.
 */
final class H264AccessUnits {
  /** Receives each access unit: its NAL units in order, with the input offset of the first. */
  interface Handler {
    void onAccessUnit(List<byte[]> nals, long offset);
  }

  private static final int SEI = 6;
  private static final int SPS = 7;
  private static final int PPS = 8;
  private static final int AUD = 9;

  private final Handler handler;
  private final long maxBytes;
  private List<byte[]> nals = new ArrayList<>();
  private long bytes;
  private long offset;
  private boolean hasSlice;

  H264AccessUnits(Handler handler, long maxBytes) {
    this.handler = handler;
    this.maxBytes = maxBytes;
  }

  void onNal(byte[] nal, long at) {
    if ((nal[0] & 0x80) != 0) {
      throw H264.malformed(at, "forbidden_zero_bit set in a NAL unit header (0x"
          + Integer.toHexString(nal[0] & 0xFF) + "): not H.264");
    }
    int type = nal[0] & 0x1F;
    boolean slice = type >= 1 && type <= 5;
    if (hasSlice && (startsAccessUnit(type) || (slice && firstSliceOfPicture(nal, type, at)))) {
      flush();
    }
    if (nals.isEmpty()) {
      offset = at;
    }
    bytes += nal.length;
    if (bytes > maxBytes) {
      throw H264.unsupported(offset, "access unit of more than " + maxBytes + " bytes");
    }
    nals.add(nal);
    hasSlice |= slice;
  }

  /** End of input: reports the last access unit if it holds a slice (anything after the last picture is dropped). */
  void end() {
    if (hasSlice) {
      flush();
    }
  }

  private static boolean startsAccessUnit(int type) {
    return type == AUD || type == SEI || type == SPS || type == PPS || (type >= 14 && type <= 18);
  }

  /**
   * Slices of types 1, 2 and 5 start with a slice header whose first field, first_mb_in_slice, is
   * ue(v): 0 is coded as the single bit 1. Partitions B and C (types 3, 4) carry no slice header.
   */
  private static boolean firstSliceOfPicture(byte[] nal, int type, long at) {
    if (type == 3 || type == 4) {
      return false;
    }
    if (nal.length < 2) {
      throw H264.malformed(at, "slice NAL unit of type " + type + " without a slice header");
    }
    return (nal[1] & 0x80) != 0;
  }

  private void flush() {
    List<byte[]> unit = nals;
    long at = offset;
    nals = new ArrayList<>();
    bytes = 0;
    hasSlice = false;
    handler.onAccessUnit(unit, at);
  }
}
