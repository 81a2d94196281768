package io.vidlog.kvs;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kinesis Video stream ARN, {@code arn:<partition>:kinesisvideo:<region>:<account>:stream/<name>/<creation>}
 * (docs/wire-protocol.md §0 "Stream identity"), parsed and rendered in one place. The creation part
 * is the stream's creation time in epoch milliseconds, so a re-created stream of the same name has
 * a different ARN.
 */
public record StreamArn(String partition, String region, String account, String streamName, String creation) {
  public static final int MAX_LENGTH = 1024;
  /** The KVS model's ResourceARN pattern: any Kinesis Video resource type (stream, channel, …). */
  public static final Pattern RESOURCE = Pattern.compile(
      "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+");
  private static final Pattern STREAM = Pattern.compile(
      "arn:([a-z\\d-]+):kinesisvideo:([a-z0-9-]+):([0-9]+):stream/([a-zA-Z0-9_.-]{1,256})/([0-9]{1,20})");

  /** The ARN of a stream this server creates. */
  public static StreamArn of(String region, String account, String streamName, long creationMillis) {
    return new StreamArn("aws", region, account, streamName, Long.toString(creationMillis));
  }

  /** The stream ARN in {@code arn}, or empty when it is not one (another resource type, or not an ARN). */
  public static Optional<StreamArn> tryParse(String arn) {
    if (arn == null || arn.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Matcher m = STREAM.matcher(arn);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new StreamArn(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
  }

  /** As {@link #tryParse}, failing with InvalidArgumentException when {@code arn} is not a stream ARN. */
  public static StreamArn parse(String arn) {
    return tryParse(arn).orElseThrow(() -> KvsError.INVALID_ARGUMENT.exception(
        "StreamARN is not a Kinesis Video stream ARN (arn:aws:kinesisvideo:<region>:<account>:stream/<name>/<digits>)"));
  }

  /** The stream name inside {@code arn}, or null when it is not a stream ARN. */
  public static String nameIn(String arn) {
    return tryParse(arn).map(StreamArn::streamName).orElse(null);
  }

  public String render() {
    return "arn:" + partition + ":kinesisvideo:" + region + ":" + account + ":stream/" + streamName + "/" + creation;
  }

  @Override
  public String toString() {
    return render();
  }
}
