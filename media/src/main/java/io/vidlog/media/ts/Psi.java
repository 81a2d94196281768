package io.vidlog.media.ts;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The two PSI tables a single-program transport stream needs (ISO/IEC 13818-1 §2.4.4): the PAT,
 * naming program 1 and its PMT's PID, and the PMT, naming the PCR PID and each elementary stream's
 * type and PID. Each is one section with its CRC_32.
 */
final class Psi {
  static final int PAT_PID = 0;
  static final int PMT_PID = 0x1000;
  static final int PROGRAM = 1;

  /** One elementary stream of the PMT. */
  record Stream(int streamType, int pid) {}

  private Psi() {}

  static byte[] pat() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(PROGRAM >> 8);
    b.write(PROGRAM);
    b.write(0xE0 | PMT_PID >> 8);
    b.write(PMT_PID);
    return section(0x00, 1, b.toByteArray()); // table 0, transport_stream_id 1
  }

  static byte[] pmt(int pcrPid, List<Stream> streams) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0xE0 | pcrPid >> 8);
    b.write(pcrPid);
    b.write(0xF0); // program_info_length 0
    b.write(0);
    for (Stream s : streams) {
      b.write(s.streamType());
      b.write(0xE0 | s.pid() >> 8);
      b.write(s.pid());
      b.write(0xF0); // ES_info_length 0
      b.write(0);
    }
    return section(0x02, PROGRAM, b.toByteArray());
  }

  /** A long-form section: header, version 0, current, section 0 of 0, {@code body}, CRC_32. */
  private static byte[] section(int tableId, int idExtension, byte[] body) {
    int length = 5 + body.length + 4; // after section_length: id ext 2, version 1, section numbers 2, body, CRC
    byte[] s = new byte[3 + length];
    s[0] = (byte) tableId;
    s[1] = (byte) (0xB0 | length >> 8); // section_syntax_indicator 1, '0', reserved 11
    s[2] = (byte) length;
    s[3] = (byte) (idExtension >> 8);
    s[4] = (byte) idExtension;
    s[5] = (byte) 0xC1; // reserved 11, version 0, current_next_indicator 1
    s[6] = 0;
    s[7] = 0;
    System.arraycopy(body, 0, s, 8, body.length);
    int crc = crc32(s, 0, s.length - 4);
    s[s.length - 4] = (byte) (crc >>> 24);
    s[s.length - 3] = (byte) (crc >>> 16);
    s[s.length - 2] = (byte) (crc >>> 8);
    s[s.length - 1] = (byte) crc;
    return s;
  }

  /** CRC-32/MPEG-2 (Annex A): polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection, no final xor. */
  static int crc32(byte[] b, int off, int len) {
    int crc = 0xFFFFFFFF;
    for (int i = off; i < off + len; i++) {
      crc ^= (b[i] & 0xFF) << 24;
      for (int k = 0; k < 8; k++) {
        crc = crc < 0 ? crc << 1 ^ 0x04C11DB7 : crc << 1;
      }
    }
    return crc;
  }
}
