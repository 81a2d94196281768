package io.vidlog.fragmentstore.index;

import io.vidlog.fragmentstore.Rejected;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A ListFragments NextToken: the last fragment a page returned, by (timestamp, number) in the
 * query's order, as standard base64 ({@code [a-zA-Z0-9+/]+={0,2}}, docs/wire-protocol.md §3.1). A position by
 * key, not by offset, so appends and retention between pages neither repeat nor skip fragments.
 */
public record PageToken(TimestampKind kind, long timestamp, int hi, long lo) {
  private static final byte VERSION = 1;
  private static final int LENGTH = 1 + 1 + 8 + 4 + 8;

  public String encode() {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).put(VERSION).put((byte) kind.ordinal()).putLong(timestamp).putInt(hi)
        .putLong(lo);
    return Base64.getEncoder().encodeToString(b.array());
  }

  /** Decodes a token for a query by {@code kind}; InvalidArgumentException when it is not ours. */
  public static PageToken decode(String token, TimestampKind kind) {
    try {
      if (token.length() > 4096) {
        throw new IllegalArgumentException();
      }
      byte[] raw = Base64.getDecoder().decode(token);
      ByteBuffer b = ByteBuffer.wrap(raw);
      if (raw.length != LENGTH || b.get() != VERSION || b.get() != kind.ordinal()) {
        throw new IllegalArgumentException();
      }
      long ts = b.getLong();
      int hi = b.getInt();
      long lo = b.getLong();
      if (hi < 0 || lo < 0 || lo >= NumberKey.LO_MOD) {
        throw new IllegalArgumentException();
      }
      return new PageToken(kind, ts, hi, lo);
    } catch (IllegalArgumentException e) {
      throw new Rejected(Rejected.Reason.BAD_TOKEN, "NextToken is not a token this server issued for this selector");
    }
  }
}
