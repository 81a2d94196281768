package io.vidlog.media.ts;

import java.util.Arrays;

/**
 * Writes MPEG-2 transport stream packets (ISO/IEC 13818-1 §2.4.3): 188 bytes each, sync byte 0x47,
 * a 13-bit PID, a 4-bit continuity counter per PID, and an adaptation field when a packet carries
 * a PCR, a random access point, the start of a new segment, or stuffing. A PES packet or a PSI
 * section is split over as many packets as it needs; the last one is padded with adaptation-field
 * stuffing (§2.4.3.5), never with 0xFF payload bytes, so every payload byte belongs to the stream.
 */
final class TsPackets {
  static final int SIZE = 188;
  private static final int HEADER = 4;

  private byte[] out;
  private int pos;
  private final int[] continuity = new int[8192];
  private final boolean[] seen = new boolean[8192];

  TsPackets(int initialCapacity) {
    out = new byte[Math.max(SIZE, initialCapacity / SIZE * SIZE + SIZE)];
  }

  /**
   * Writes one PES packet or PSI section as packets of {@code pid}.
   *
   * @param pcr the PCR base (90 kHz, 33 bits) to carry in the first packet, or -1
   * @param randomAccess set random_access_indicator in the first packet (a key frame starts here)
   * @param psi a PSI section: the first packet's payload starts with pointer_field 0
   */
  void write(int pid, byte[] data, int offset, int length, long pcr, boolean randomAccess, boolean psi) {
    int at = offset;
    int end = offset + length;
    boolean first = true;
    byte[] pointer = psi ? new byte[] {0} : new byte[0];
    int pending = pointer.length;
    while (at < end || first) {
      ensure(SIZE);
      int p = pos;
      // the first packet of a PID in this output says its counter may jump (§2.4.3.5
      // discontinuity_indicator): each segment is made on its own, counters start at 0
      boolean discontinuity = !seen[pid];
      seen[pid] = true;
      boolean hasPcr = first && pcr >= 0;
      boolean flagsNeeded = discontinuity || hasPcr || (first && randomAccess);
      int afLength = flagsNeeded ? 1 + (hasPcr ? 6 : 0) : -1; // adaptation_field_length, -1: no field
      int payloadRoom = SIZE - HEADER - (afLength < 0 ? 0 : 1 + afLength);
      int payload = Math.min(payloadRoom, pending + end - at);
      if (payload < payloadRoom) {
        // stuffing: the adaptation field grows by what the payload leaves
        int stuffing = payloadRoom - payload;
        afLength = afLength < 0 ? stuffing - 1 : afLength + stuffing;
      }
      out[p] = 0x47;
      out[p + 1] = (byte) ((first ? 0x40 : 0) | (pid >> 8 & 0x1F));
      out[p + 2] = (byte) pid;
      int control = (afLength >= 0 ? 0x20 : 0) | (payload > 0 ? 0x10 : 0);
      out[p + 3] = (byte) (control | continuity[pid]);
      if (payload > 0) {
        continuity[pid] = (continuity[pid] + 1) & 0xF; // counts packets with a payload only (§2.4.3.3)
      }
      int q = p + HEADER;
      if (afLength >= 0) {
        out[q++] = (byte) afLength;
        if (afLength > 0) {
          int flags = (discontinuity ? 0x80 : 0) | (first && randomAccess ? 0x40 : 0) | (hasPcr ? 0x10 : 0);
          out[q++] = (byte) flags;
          int used = 1;
          if (hasPcr) {
            long base = pcr & ((1L << 33) - 1);
            out[q++] = (byte) (base >>> 25);
            out[q++] = (byte) (base >>> 17);
            out[q++] = (byte) (base >>> 9);
            out[q++] = (byte) (base >>> 1);
            out[q++] = (byte) ((base & 1) << 7 | 0x7E); // reserved 6 bits, extension 0
            out[q++] = 0;
            used += 6;
          }
          Arrays.fill(out, q, q + afLength - used, (byte) 0xFF);
          q += afLength - used;
        }
      }
      int fromPointer = Math.min(pending, payload);
      if (fromPointer > 0) {
        System.arraycopy(pointer, pointer.length - pending, out, q, fromPointer);
        pending -= fromPointer;
        q += fromPointer;
      }
      int n = payload - fromPointer;
      System.arraycopy(data, at, out, q, n);
      at += n;
      pos += SIZE;
      first = false;
    }
  }

  private void ensure(int n) {
    if (pos + n > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, pos + n));
    }
  }

  int length() {
    return pos;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(out, pos);
  }
}
