package io.vidlog.server.control;

/** Reads the stream name out of a stream ARN ({@code arn:aws:kinesisvideo:<region>:<acct>:stream/<name>/<digits>}). */
final class Arns {
  private Arns() {}

  /** The name part, or null when {@code arn} is not a stream ARN (authorization then fails closed). */
  static String streamName(String arn) {
    if (arn == null) {
      return null;
    }
    int colon = arn.lastIndexOf(':');
    String resource = colon < 0 ? arn : arn.substring(colon + 1);
    if (!resource.startsWith("stream/")) {
      return null;
    }
    int end = resource.lastIndexOf('/');
    return end <= "stream/".length() ? null : resource.substring("stream/".length(), end);
  }
}
