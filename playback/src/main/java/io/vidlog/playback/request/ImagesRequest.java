package io.vidlog.playback.request;

import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.kvs.Invalid;
import io.vidlog.kvs.Paging;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.http.Fields;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A validated GetImages request (docs/wire-protocol.md §3.4). The times asked for are
 * {@code StartTimestamp + k × SamplingInterval} up to {@code EndTimestamp} inclusive; a page
 * answers at most {@link #PAGE_LIMIT} of them, from the one {@code NextToken} names.
 *
 * @param intervalMillis SamplingInterval (at least 200 ms)
 * @param format JPEG or PNG
 * @param quality JPEGQuality 1..100 (80 when absent)
 * @param width WidthPixels, 0 when absent
 * @param height HeightPixels, 0 when absent
 * @param pageSize min(MaxResults, 25)
 * @param first the index of the first time of this page (0 without a NextToken)
 */
public record ImagesRequest(StreamRef stream, TimestampKind kind, long startMillis, long endMillis,
    long intervalMillis, String format, int quality, int width, int height, int pageSize, int first) {
  /** KVS: at most 300 s between StartTimestamp and EndTimestamp. */
  public static final long MAX_RANGE_MILLIS = 300_000;
  /** KVS: the sampling interval is at least 200 ms (5 images a second). */
  public static final long MIN_INTERVAL_MILLIS = 200;
  /** SamplingInterval when the request has none (the model makes it optional). */
  public static final long DEFAULT_INTERVAL_MILLIS = 3_000;
  /** KVS: "The default limit is 25 images per API response". */
  public static final int PAGE_LIMIT = 25;
  public static final int MAX_WIDTH = 3840;
  public static final int MAX_HEIGHT = 2160;
  private static final byte TOKEN_VERSION = 1;

  public static ImagesRequest parse(Fields f) {
    StreamRef stream = f.stream();
    TimestampKind kind = f.enumOf("ImageSelectorType", FragmentSelectorType.class, true).kind();
    long start = f.timestampMillis("StartTimestamp", true);
    long end = f.timestampMillis("EndTimestamp", true);
    if (end < start) {
      throw Invalid.field("EndTimestamp", "must not be before StartTimestamp");
    }
    if (end - start > MAX_RANGE_MILLIS) {
      throw Invalid.field("EndTimestamp", "must be within 300 seconds of StartTimestamp");
    }
    Long interval = f.integer("SamplingInterval", MIN_INTERVAL_MILLIS, Integer.MAX_VALUE, false);
    String format = f.enumValue("Format", java.util.Set.of("JPEG", "PNG"), true);
    int quality = quality(f.object("FormatConfig", false));
    Integer width = f.intValue("WidthPixels", 1, MAX_WIDTH, false);
    Integer height = f.intValue("HeightPixels", 1, MAX_HEIGHT, false);
    Long max = f.integer("MaxResults", 1, 100, false);
    int page = max == null ? PAGE_LIMIT : (int) Math.min(PAGE_LIMIT, max);
    long step = interval == null ? DEFAULT_INTERVAL_MILLIS : interval;
    String token = f.string("NextToken", 1, Paging.MAX_NEXT_TOKEN, Paging.NEXT_TOKEN_BASE64, false);
    int first = token == null ? 0 : readToken(token, stream, kind, start, end, step);
    return new ImagesRequest(stream, kind, start, end, step, format, quality, width == null ? 0 : width,
        height == null ? 0 : height, page, first);
  }

  /** FormatConfig: at most one entry, JPEGQuality, an integer 1..100 as a string. */
  private static int quality(Fields config) {
    if (config == null) {
      return 80;
    }
    if (config.json().size() != 1 || !config.has("JPEGQuality")) {
      throw Invalid.field("FormatConfig", "must have exactly one key, JPEGQuality");
    }
    String v = config.string("JPEGQuality", 1, 256, java.util.regex.Pattern.compile("[a-zA-Z_0-9]+"), true);
    try {
      int q = Integer.parseInt(v);
      if (q >= 1 && q <= 100) {
        return q;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw Invalid.field("FormatConfig.JPEGQuality", "must be an integer from 1 to 100");
  }

  /** How many times the request asks for in all. */
  public int count() {
    return (int) ((endMillis - startMillis) / intervalMillis) + 1;
  }

  /** The k-th time asked for. */
  public long time(int k) {
    return startMillis + k * intervalMillis;
  }

  /** The NextToken of a page that ends before time {@code next}: it names that time and this grid. */
  public String token(int next) {
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + 8);
    b.put(TOKEN_VERSION).putInt(next).put(fingerprint(stream, kind, startMillis, endMillis, intervalMillis));
    return Base64.getEncoder().encodeToString(b.array());
  }

  private static int readToken(String token, StreamRef stream, TimestampKind kind, long start, long end, long step) {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      b = new byte[0];
    }
    if (b.length == 13 && b[0] == TOKEN_VERSION) {
      ByteBuffer buf = ByteBuffer.wrap(b, 1, 12);
      int next = buf.getInt();
      byte[] print = new byte[8];
      buf.get(print);
      int count = (int) ((end - start) / step) + 1;
      if (next > 0 && next < count && MessageDigest.isEqual(print, fingerprint(stream, kind, start, end, step))) {
        return next;
      }
    }
    throw Invalid.field("NextToken", "must be a NextToken of this request's stream, selector type, time range and "
        + "sampling interval");
  }

  private static byte[] fingerprint(StreamRef stream, TimestampKind kind, long start, long end, long step) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((stream.streamName() + '|' + kind + '|' + start + '|' + end + '|' + step)
          .getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[8];
      System.arraycopy(sha.digest(), 0, out, 0, 8);
      return out;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
