package io.vidlog.kvs;

/**
 * How a request names a stream: by StreamName or by StreamARN, exactly one (docs/wire-protocol.md §0
 * "Stream identity"; KVS's media APIs document the rule, vidlog applies it to every API). Both forms are
 * checked when the reference is made, so every holder knows the stream's name: {@link #streamName()}
 * is the name given or the name inside the ARN, which is what authorization decides on before any
 * lookup (a denied caller learns nothing about whether the stream exists).
 */
public record StreamRef(String name, StreamArn arn) {

  /**
   * From a request's StreamName and StreamARN members (null or empty when absent): exactly one,
   * each valid, else InvalidArgumentException.
   */
  public static StreamRef of(String name, String arn) {
    boolean hasName = name != null && !name.isEmpty();
    boolean hasArn = arn != null && !arn.isEmpty();
    if (hasName == hasArn) {
      throw KvsError.INVALID_ARGUMENT.exception(hasName
          ? "Specify either StreamName or StreamARN, not both"
          : "StreamName or StreamARN is required");
    }
    if (hasName) {
      StreamRules.name(name);
      return new StreamRef(name, null);
    }
    return new StreamRef(null, StreamArn.parse(arn));
  }

  public static StreamRef byName(String name) {
    return of(name, null);
  }

  public static StreamRef byArn(StreamArn arn) {
    return new StreamRef(null, arn);
  }

  /** The name given, or the name inside the ARN given. */
  public String streamName() {
    return name != null ? name : arn.streamName();
  }

  /** True when this reference names the stream with this name and ARN (an ARN must match exactly). */
  public boolean matches(String streamName, String streamArn) {
    return streamName().equals(streamName) && (arn == null || arn.render().equals(streamArn));
  }

  @Override
  public String toString() {
    return name != null ? name : arn.render();
  }
}
