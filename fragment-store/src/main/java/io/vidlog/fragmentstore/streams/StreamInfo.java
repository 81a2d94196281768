package io.vidlog.fragmentstore.streams;

import java.util.Map;

/**
 * One stream as the control plane describes it (docs/wire-protocol.md §4 {@code StreamInfo}), plus
 * {@code streamId}: the creation id that prefixes every object of this incarnation of the stream,
 * so a deleted and re-created stream never sees old data. {@code tags} is an unmodifiable map.
 */
public record StreamInfo(
    String streamName,
    String streamArn,
    String streamId,
    StreamStatus status,
    String deviceName,
    String mediaType,
    String kmsKeyId,
    int dataRetentionInHours,
    String version,
    long creationTimeMillis,
    Map<String, String> tags) {

  public boolean persists() {
    return dataRetentionInHours > 0;
  }
}
