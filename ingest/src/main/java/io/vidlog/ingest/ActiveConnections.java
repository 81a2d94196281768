package io.vidlog.ingest;

import io.vidlog.kvs.AckError;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PutMedia connection that currently owns each stream (in this process). KVS allows one
 * connection per stream and "the last connection is accepted" (kvs-api.md §1.4, §6): a new
 * connection takes over and the older one is told {@link AckError#CONNECTION_SUPERSEDED} (ErrorId
 * 4000) after its in-flight fragment.
 */
final class ActiveConnections {
  private final ConcurrentHashMap<String, IngestSession> byStream = new ConcurrentHashMap<>();

  /** Registers {@code session} as the stream's owner and tells the previous owner, if any. */
  void takeOver(IngestSession session) {
    IngestSession previous = byStream.put(session.stream().streamId(), session);
    if (previous != null && previous != session) {
      previous.context().runOnContext(v -> previous.supersede());
    }
  }

  void release(IngestSession session) {
    byStream.remove(session.stream().streamId(), session);
  }

  IngestSession owner(String streamId) {
    return byStream.get(streamId);
  }

  int size() {
    return byStream.size();
  }
}
