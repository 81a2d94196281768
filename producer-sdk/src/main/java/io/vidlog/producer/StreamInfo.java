package io.vidlog.producer;

import java.time.Instant;

/**
 * A stream as DescribeStream and ListStreams report it (docs/wire-protocol.md §4 "StreamInfo").
 *
 * @param deviceName null when never set
 * @param mediaType null when never set
 * @param dataRetentionInHours 0: nothing is stored, fragments are only acknowledged RECEIVED
 */
public record StreamInfo(String streamName, String streamArn, String status, String version,
    Instant creationTime, int dataRetentionInHours, String mediaType, String deviceName, String kmsKeyId) {

  public boolean isActive() {
    return "ACTIVE".equals(status);
  }
}
