package io.vidlog.producer;

import java.util.Map;
import java.util.Objects;

/**
 * What CreateStream is asked for (docs/wire-protocol.md §4). Start with {@link #named(String)} and
 * add what you need; the service validates the values (a local copy of its rules would drift).
 *
 * @param dataRetentionInHours 0 keeps nothing (fragments are acknowledged RECEIVED only)
 * @param mediaType e.g. {@code video/h264,audio/aac}; null for none
 * @param deviceName null for none
 * @param kmsKeyId null for the default
 * @param tags stream tags, possibly empty
 */
public record StreamSpec(String streamName, int dataRetentionInHours, String mediaType, String deviceName,
    String kmsKeyId, Map<String, String> tags) {

  public StreamSpec {
    Objects.requireNonNull(streamName, "streamName");
    tags = Map.copyOf(tags);
  }

  /** A stream that keeps its fragments for 24 hours. */
  public static StreamSpec named(String streamName) {
    return new StreamSpec(streamName, 24, null, null, null, Map.of());
  }

  public StreamSpec withRetentionHours(int hours) {
    return new StreamSpec(streamName, hours, mediaType, deviceName, kmsKeyId, tags);
  }

  public StreamSpec withMediaType(String type) {
    return new StreamSpec(streamName, dataRetentionInHours, type, deviceName, kmsKeyId, tags);
  }

  public StreamSpec withDeviceName(String name) {
    return new StreamSpec(streamName, dataRetentionInHours, mediaType, name, kmsKeyId, tags);
  }

  public StreamSpec withKmsKeyId(String keyId) {
    return new StreamSpec(streamName, dataRetentionInHours, mediaType, deviceName, keyId, tags);
  }

  public StreamSpec withTags(Map<String, String> streamTags) {
    return new StreamSpec(streamName, dataRetentionInHours, mediaType, deviceName, kmsKeyId, streamTags);
  }
}
