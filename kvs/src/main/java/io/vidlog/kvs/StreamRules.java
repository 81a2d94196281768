package io.vidlog.kvs;

import java.util.regex.Pattern;

/**
 * The KVS model's rules for stream members (docs/wire-protocol.md §0 and §4): patterns and lengths of
 * names, device names, media types, versions and tags, and the retention and tag-count limits. The
 * request reader checks them with these constants; nothing else keeps a copy.
 */
public final class StreamRules {
  /** StreamName (and DeviceName): 1–256 of these characters. */
  public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
  public static final int NAME_MAX = 256;
  public static final int DEVICE_NAME_MAX = 128;
  /** MediaType: one or more comma-separated {@code type/subtype}, at most 128 characters. */
  public static final Pattern MEDIA_TYPE = Pattern.compile("[\\w\\-.+]+/[\\w\\-.+]+(,[\\w\\-.+]+/[\\w\\-.+]+)*");
  public static final int MEDIA_TYPE_MAX = 128;
  public static final int KMS_KEY_ID_MAX = 2048;
  /** Version / CurrentVersion: 1–64 alphanumerics. */
  public static final Pattern VERSION = Pattern.compile("[a-zA-Z0-9]+");
  public static final int VERSION_MAX = 64;
  /** TagKey and TagValue: letters, digits, spaces and {@code _.:/=+-@}; keys 1–128, values 0–256. */
  public static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  public static final int TAG_KEY_MAX = 128;
  public static final int TAG_VALUE_MAX = 256;
  /** Tag keys starting with this are AWS's own. */
  public static final String RESERVED_TAG_PREFIX = "aws:";
  public static final int MAX_TAGS = 50;
  /** DataRetentionInHours: 0 (no persistence) to ten years. */
  public static final int MAX_RETENTION_HOURS = 87_600;
  /** A fragment number: 1–128 decimal digits (docs/wire-protocol.md §1.2). */
  public static final Pattern FRAGMENT_NUMBER = Pattern.compile("[0-9]{1,128}");
  /** A continuation token as GetMedia accepts it. */
  public static final Pattern CONTINUATION_TOKEN = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
  /** NextToken of the list APIs: base64-like text. */
  public static final Pattern NEXT_TOKEN = Pattern.compile("[a-zA-Z0-9+/=._-]*");

  /** A stream-name pattern in an access policy: name characters plus {@code *} (any run) and {@code ?} (one). */
  public static final Pattern NAME_GLOB = Pattern.compile("[a-zA-Z0-9_.*?-]+");

  private StreamRules() {}

  public static boolean isValidNameGlob(String glob) {
    return glob != null && glob.length() <= NAME_MAX && NAME_GLOB.matcher(glob).matches();
  }

  public static boolean isValidName(String name) {
    return name != null && name.length() <= NAME_MAX && NAME.matcher(name).matches();
  }

  /** A StreamName member; InvalidArgumentException naming the field when it is not one. */
  public static String name(String name) {
    if (name == null || name.isEmpty() || name.length() > NAME_MAX) {
      throw Invalid.field("StreamName", "must have length between 1 and " + NAME_MAX);
    }
    if (!NAME.matcher(name).matches()) {
      throw Invalid.field("StreamName", "must satisfy regular expression pattern: " + NAME.pattern());
    }
    return name;
  }
}
