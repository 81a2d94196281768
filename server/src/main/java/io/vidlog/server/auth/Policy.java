package io.vidlog.server.auth;

import io.vidlog.kvs.KvsActions;
import java.util.List;
import java.util.Set;

/**
 * What an access key may do: KVS action names × stream-name glob patterns ({@code *} any run of
 * characters, {@code ?} one character). An admin policy allows everything. A call without a stream
 * (ListStreams) needs only the action.
 */
public record Policy(boolean admin, Set<String> actions, List<String> streams) {

  public Policy {
    actions = Set.copyOf(actions);
    streams = List.copyOf(streams);
  }

  public static Policy adminPolicy() {
    return new Policy(true, Set.of(KvsActions.ALL), List.of("*"));
  }

  public boolean allows(String action, String streamName) {
    if (admin) {
      return true;
    }
    if (!actions.contains(KvsActions.ALL) && !actions.contains(action)) {
      return false;
    }
    return streamName == null ? !streams.isEmpty() : allowsStream(streamName);
  }

  /** Whether any stream pattern matches {@code streamName} (for filtering ListStreams). */
  public boolean allowsStream(String streamName) {
    if (admin) {
      return true;
    }
    for (String p : streams) {
      if (Glob.matches(p, streamName)) {
        return true;
      }
    }
    return false;
  }
}
