package io.vidlog.kvs;

import java.math.BigDecimal;

/**
 * The reserved {@code AWS_KINESISVIDEO_*} SimpleTag names: those GetMedia and GetMediaForFragmentList
 * write into each chunk (docs/wire-protocol.md §2, §3.2) and those a producer sends to steer ingest
 * (§1.1, §5), with the value format KVS uses for timestamps.
 */
public final class KvsTag {
  /** Names with this prefix are KVS's; a producer's own metadata may not start with "AWS" at all (§5). */
  public static final String RESERVED_PREFIX = "AWS_KINESISVIDEO_";
  /** Sent by a producer (empty value): closes the open fragment without waiting for the next Cluster. */
  public static final String END_OF_FRAGMENT = "AWS_KINESISVIDEO_END_OF_FRAGMENT";
  public static final String IMAGE_GENERATION = "AWS_KINESISVIDEO_IMAGE_GENERATION";
  public static final String IMAGE_PREFIX = "AWS_KINESISVIDEO_IMAGE_PREFIX";
  public static final String NOTIFICATION = "AWS_KINESISVIDEO_NOTIFICATION";
  public static final String FRAGMENT_NUMBER = "AWS_KINESISVIDEO_FRAGMENT_NUMBER";
  public static final String SERVER_TIMESTAMP = "AWS_KINESISVIDEO_SERVER_TIMESTAMP";
  public static final String PRODUCER_TIMESTAMP = "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP";
  /** GetMediaForFragmentList's documented spelling; the parser library reads the one above. */
  public static final String SERVER_SIDE_TIMESTAMP = "AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP";
  public static final String PRODUCER_SIDE_TIMESTAMP = "AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP";
  public static final String MILLIS_BEHIND_NOW = "AWS_KINESISVIDEO_MILLIS_BEHIND_NOW";
  public static final String CONTINUATION_TOKEN = "AWS_KINESISVIDEO_CONTINUATION_TOKEN";
  public static final String ERROR_CODE = "AWS_KINESISVIDEO_ERROR_CODE";
  public static final String ERROR_ID = "AWS_KINESISVIDEO_ERROR_ID";
  public static final String EXCEPTION_ERROR_CODE = "AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE";
  public static final String EXCEPTION_MESSAGE = "AWS_KINESISVIDEO_EXCEPTION_MESSAGE";

  private KvsTag() {}

  /** A timestamp tag value: epoch seconds with exactly three decimals, e.g. {@code 1511852109.126}. */
  public static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).toPlainString();
  }
}
