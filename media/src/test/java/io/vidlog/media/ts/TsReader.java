package io.vidlog.media.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of the transport streams {@link TsSegmentBuilder} writes, for tests: every
 * packet 188 bytes with its sync byte, continuity counters consecutive per PID (a jump only where
 * the discontinuity_indicator allows it), adaptation fields well-formed, PSI sections with valid
 * CRCs, PES packets reassembled with their timestamps.
 */
final class TsReader {
  record Pes(int pid, int streamId, long pts, long dts, byte[] payload, boolean randomAccess, long pcr, int start) {}

  final Map<Integer, Integer> pmtStreams = new LinkedHashMap<>(); // pid -> stream_type
  int pcrPid = -1;
  final List<Pes> pes = new ArrayList<>();
  final Map<Integer, Integer> discontinuities = new HashMap<>();

  static TsReader read(byte[] ts) {
    TsReader r = new TsReader();
    assertEquals(0, ts.length % 188, "whole packets");
    Map<Integer, Integer> cc = new HashMap<>();
    Map<Integer, ByteArrayOutputStream> open = new HashMap<>();
    Map<Integer, long[]> openMeta = new HashMap<>(); // pcr, randomAccess
    for (int p = 0; p < ts.length; p += 188) {
      assertEquals(0x47, ts[p] & 0xFF, "sync byte at " + p);
      boolean pusi = (ts[p + 1] & 0x40) != 0;
      int pid = (ts[p + 1] & 0x1F) << 8 | ts[p + 2] & 0xFF;
      int control = (ts[p + 3] >> 4) & 3;
      int counter = ts[p + 3] & 0xF;
      int q = p + 4;
      boolean discontinuity = false;
      boolean randomAccess = false;
      long pcr = -1;
      if ((control & 2) != 0) {
        int afLength = ts[q] & 0xFF;
        assertTrue(afLength <= 183, "adaptation field length");
        if (afLength > 0) {
          int flags = ts[q + 1] & 0xFF;
          discontinuity = (flags & 0x80) != 0;
          randomAccess = (flags & 0x40) != 0;
          if ((flags & 0x10) != 0) {
            pcr = (ts[q + 2] & 0xFFL) << 25 | (ts[q + 3] & 0xFFL) << 17 | (ts[q + 4] & 0xFFL) << 9
                | (ts[q + 5] & 0xFFL) << 1 | (ts[q + 6] & 0x80) >> 7;
          }
        }
        q += 1 + afLength;
      }
      if ((control & 1) != 0) {
        Integer last = cc.put(pid, counter);
        if (discontinuity) {
          r.discontinuities.merge(pid, 1, Integer::sum);
        } else {
          assertTrue(last != null && counter == ((last + 1) & 0xF),
              "continuity counter of PID " + pid + " at " + p + ": " + last + " then " + counter);
        }
        if (pusi) {
          flush(r, pid, open, openMeta);
          open.put(pid, new ByteArrayOutputStream());
          openMeta.put(pid, new long[] {pcr, randomAccess ? 1 : 0, p});
        }
        ByteArrayOutputStream b = open.get(pid);
        assertTrue(b != null, "payload of PID " + pid + " before its unit start");
        b.write(ts, q, p + 188 - q);
      } else {
        assertEquals(p + 188, q, "a packet without payload is all adaptation field");
      }
    }
    for (int pid : new ArrayList<>(open.keySet())) {
      flush(r, pid, open, openMeta);
    }
    // a video PES has no length: it ends when the next one starts, so order them by where they start
    r.pes.sort(java.util.Comparator.comparingInt(Pes::start));
    return r;
  }

  private static void flush(TsReader r, int pid, Map<Integer, ByteArrayOutputStream> open, Map<Integer, long[]> meta) {
    ByteArrayOutputStream b = open.remove(pid);
    if (b == null) {
      return;
    }
    byte[] d = b.toByteArray();
    if (pid == Psi.PAT_PID || pid == Psi.PMT_PID) {
      section(r, pid, d);
      return;
    }
    assertEquals(0, d[0]);
    assertEquals(0, d[1]);
    assertEquals(1, d[2]);
    int streamId = d[3] & 0xFF;
    int length = (d[4] & 0xFF) << 8 | d[5] & 0xFF;
    int flags = d[7] & 0xFF;
    int headerData = d[8] & 0xFF;
    long pts = (flags & 0x80) != 0 ? timestamp(d, 9) : -1;
    long dts = (flags & 0x40) != 0 ? timestamp(d, 14) : pts;
    int start = 9 + headerData;
    int end = length == 0 ? d.length : 6 + length;
    assertTrue(end <= d.length, "PES length within the data");
    byte[] payload = java.util.Arrays.copyOfRange(d, start, end);
    long[] m = meta.remove(pid);
    r.pes.add(new Pes(pid, streamId, pts, dts, payload, m[1] == 1, m[0], (int) m[2]));
  }

  private static void section(TsReader r, int pid, byte[] d) {
    int pointer = d[0] & 0xFF;
    int s = 1 + pointer;
    int length = (d[s + 1] & 0x0F) << 8 | d[s + 2] & 0xFF;
    assertEquals(0, Psi.crc32(d, s, 3 + length), "CRC_32 of a section leaves 0 over the whole section");
    if (pid == Psi.PMT_PID) {
      r.pcrPid = (d[s + 8] & 0x1F) << 8 | d[s + 9] & 0xFF;
      int infoLength = (d[s + 10] & 0x0F) << 8 | d[s + 11] & 0xFF;
      int at = s + 12 + infoLength;
      int end = s + 3 + length - 4;
      while (at < end) {
        int type = d[at] & 0xFF;
        int esPid = (d[at + 1] & 0x1F) << 8 | d[at + 2] & 0xFF;
        r.pmtStreams.put(esPid, type);
        at += 5 + ((d[at + 3] & 0x0F) << 8 | d[at + 4] & 0xFF);
      }
    } else {
      assertEquals(Psi.PMT_PID, (d[s + 10] & 0x1F) << 8 | d[s + 11] & 0xFF, "the PAT names the PMT");
    }
  }

  private static long timestamp(byte[] d, int at) {
    return (d[at] >> 1 & 7L) << 30 | (d[at + 1] & 0xFFL) << 22 | (d[at + 2] >> 1 & 0x7FL) << 15
        | (d[at + 3] & 0xFFL) << 7 | (d[at + 4] >> 1 & 0x7FL);
  }

  List<Pes> of(int pid) {
    return pes.stream().filter(p -> p.pid() == pid).toList();
  }
}
