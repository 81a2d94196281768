package io.vidlog.playback.mkv;

/** The names of the {@code AWS_KINESISVIDEO_*} SimpleTags GetMedia writes into each chunk (kvs-api.md §2, §3.2). */
public final class KvsTag {
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
}
