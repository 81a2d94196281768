package io.vidlog.server.auth;

import java.util.Locale;
import java.util.Set;

/** The KVS action names a policy may grant (IAM's {@code kinesisvideo:<Action>} without the prefix). */
public final class KvsActions {
  public static final String ALL = "*";
  public static final Set<String> KNOWN = Set.of(
      "CreateStream", "DescribeStream", "ListStreams", "DeleteStream", "UpdateStream", "UpdateDataRetention",
      "GetDataEndpoint", "TagStream", "UntagStream", "ListTagsForStream", "TagResource", "UntagResource",
      "ListTagsForResource", "PutMedia", "GetMedia", "ListFragments", "GetMediaForFragmentList",
      "GetHLSStreamingSessionURL", "GetDASHStreamingSessionURL", "GetClip", "GetImages");

  private KvsActions() {}

  /** {@code kinesisvideo:PutMedia} or {@code PutMedia} → {@code PutMedia}; null when unknown. */
  public static String normalise(String action) {
    String a = action.strip();
    if (a.toLowerCase(Locale.ROOT).startsWith("kinesisvideo:")) {
      a = a.substring("kinesisvideo:".length());
    }
    if (a.equals(ALL)) {
      return ALL;
    }
    for (String k : KNOWN) {
      if (k.equalsIgnoreCase(a)) {
        return k;
      }
    }
    return null;
  }

  /** The action of a lower-camel API path: {@code /createStream} → {@code CreateStream}. */
  public static String ofPath(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    return p.isEmpty() ? p : Character.toUpperCase(p.charAt(0)) + p.substring(1);
  }
}
