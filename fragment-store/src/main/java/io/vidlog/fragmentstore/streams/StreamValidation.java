package io.vidlog.fragmentstore.streams;

import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The control-plane argument rules of the KVS model (kvs-api.md §0 and §4), each failing with
 * InvalidArgumentException (or TagsPerResourceExceededLimitException) and a message naming the field.
 */
public final class StreamValidation {
  public static final int MAX_RETENTION_HOURS = 87_600;
  public static final int MAX_TAGS = 50;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,256}");
  /** MediaType in the KVS model: one or more comma-separated {@code type/subtype}. */
  private static final Pattern MEDIA_TYPE = Pattern.compile("[\\w\\-.+]+/[\\w\\-.+]+(,[\\w\\-.+]+/[\\w\\-.+]+)*");
  private static final Pattern DEVICE_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
  /** TagKey / TagValue pattern in the KVS model. */
  private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  private static final Pattern VERSION = Pattern.compile("[a-zA-Z0-9]{1,64}");

  private StreamValidation() {}

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public static void name(String name) {
    if (name == null || name.isEmpty()) {
      throw invalid("StreamName is required");
    }
    if (!isValidName(name)) {
      throw invalid("StreamName must be 1-256 characters of [a-zA-Z0-9_.-]");
    }
  }

  public static void deviceName(String deviceName) {
    if (deviceName != null && (deviceName.length() > 128 || !DEVICE_NAME.matcher(deviceName).matches())) {
      throw invalid("DeviceName must be 1-128 characters of [a-zA-Z0-9_.-]");
    }
  }

  public static void mediaType(String mediaType) {
    if (mediaType != null && (mediaType.length() > 128 || !MEDIA_TYPE.matcher(mediaType).matches())) {
      throw invalid("MediaType must be 1-128 characters of type/subtype pairs separated by commas");
    }
  }

  public static void kmsKeyId(String kmsKeyId) {
    if (kmsKeyId != null && (kmsKeyId.isEmpty() || kmsKeyId.length() > 2048)) {
      throw invalid("KmsKeyId must be 1-2048 characters");
    }
  }

  public static void retention(int hours) {
    if (hours < 0 || hours > MAX_RETENTION_HOURS) {
      throw invalid("DataRetentionInHours must be between 0 and " + MAX_RETENTION_HOURS + ", got " + hours);
    }
  }

  public static void currentVersion(String version, boolean required) {
    if (version == null) {
      if (required) {
        throw invalid("CurrentVersion is required");
      }
      return;
    }
    if (!VERSION.matcher(version).matches()) {
      throw invalid("CurrentVersion must be 1-64 characters of [a-zA-Z0-9]");
    }
  }

  /** A Tags map as CreateStream or TagStream sends it: 1-50 entries, key 1-128, value 0-256. */
  public static void tags(Map<String, String> tags) {
    if (tags.isEmpty()) {
      throw invalid("Tags must contain at least 1 entry");
    }
    if (tags.size() > MAX_TAGS) {
      throw KvsError.TAGS_PER_RESOURCE_EXCEEDED_LIMIT.exception("At most " + MAX_TAGS + " tags per stream");
    }
    for (Map.Entry<String, String> e : tags.entrySet()) {
      tagKey(e.getKey());
      String v = e.getValue();
      if (v == null || v.length() > 256 || !TAG_TEXT.matcher(v).matches()) {
        throw invalid("Tag value for key '" + e.getKey() + "' must be 0-256 characters of letters, digits, spaces and _.:/=+-@");
      }
    }
  }

  public static void tagKeys(Collection<String> keys) {
    if (keys == null || keys.isEmpty() || keys.size() > MAX_TAGS) {
      throw invalid("TagKeyList must contain 1-" + MAX_TAGS + " keys");
    }
    keys.forEach(StreamValidation::tagKey);
  }

  private static void tagKey(String k) {
    if (k == null || k.isEmpty() || k.length() > 128 || !TAG_TEXT.matcher(k).matches()) {
      throw invalid("Tag key must be 1-128 characters of letters, digits, spaces and _.:/=+-@");
    }
  }

  static KvsException invalid(String message) {
    return KvsError.INVALID_ARGUMENT.exception(message);
  }
}
