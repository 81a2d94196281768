package io.vidlog.server.control;

/**
 * The {@code KmsKeyId} DescribeStream and ListStreams report, as KVS reports it: an ARN.
 * CreateStream accepts a key id, an alias ({@code alias/…}), a key ARN or an alias ARN (docs/wire-protocol.md
 * §4) and the registry keeps what was given; this makes an ARN of it in the stream's own partition,
 * region and account. KVS answers the default key, which CreateStream callers leave out, as the
 * alias ARN {@code arn:aws:kms:<region>:<account>:alias/aws/kinesisvideo} (seen in real
 * DescribeStream output), not as the ARN of the key behind it, so an alias stays an alias ARN and a
 * bare key id becomes a key ARN ({@code …:key/<id>}).
 */
final class KmsKeyArns {
  private KmsKeyArns() {}

  /**
   * @param kmsKeyId as the stream was created with (or the default alias); null stays null
   * @param streamArn {@code arn:<partition>:kinesisvideo:<region>:<account>:stream/<name>/<digits>}
   */
  static String of(String kmsKeyId, String streamArn) {
    if (kmsKeyId == null || kmsKeyId.startsWith("arn:")) {
      return kmsKeyId;
    }
    String[] arn = streamArn == null ? new String[0] : streamArn.split(":", 6);
    if (arn.length < 6) {
      return kmsKeyId; // not a stream ARN: nothing to build the key ARN from
    }
    String prefix = "arn:" + arn[1] + ":kms:" + arn[3] + ":" + arn[4] + ":";
    return kmsKeyId.startsWith("alias/") ? prefix + kmsKeyId : prefix + "key/" + kmsKeyId;
  }
}
