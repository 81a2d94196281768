package io.vidlog.fragmentstore.streams;

import io.vidlog.kvs.KvsError;

/**
 * How a request names a stream: by StreamName or by StreamARN. Media APIs require exactly one;
 * control-plane APIs accept either (kvs-api.md §0).
 */
public record StreamRef(String name, String arn) {

  public static StreamRef of(String name, String arn) {
    boolean hasName = name != null && !name.isEmpty();
    boolean hasArn = arn != null && !arn.isEmpty();
    if (hasName == hasArn) {
      throw KvsError.INVALID_ARGUMENT.exception(hasName
          ? "Specify either StreamName or StreamARN, not both"
          : "StreamName or StreamARN is required");
    }
    return new StreamRef(hasName ? name : null, hasArn ? arn : null);
  }

  public static StreamRef byName(String name) {
    return of(name, null);
  }

  @Override
  public String toString() {
    return name != null ? name : arn;
  }
}
