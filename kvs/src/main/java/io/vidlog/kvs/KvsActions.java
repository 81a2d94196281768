package io.vidlog.kvs;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Policy action names as text (IAM's {@code kinesisvideo:<Action>} without the prefix): the {@link KvsAction}s and {@code *}. */
public final class KvsActions {
  public static final String ALL = "*";
  public static final Set<String> KNOWN = Arrays.stream(KvsAction.values()).map(KvsAction::actionName)
      .collect(Collectors.toUnmodifiableSet());

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
