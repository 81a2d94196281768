package io.vidlog.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The PutMedia connection that owns each stream in this process, and the takeover rule (KVS allows
 * one connection per stream, docs/wire-protocol.md §1.4 and §6). A newcomer is admitted when the stream has
 * no owner, or when the owner's producer is no longer active: it stopped reading input (its body
 * ended, it failed, it is draining its last acks) or it has been silent for
 * {@link IngestConfig#takeoverSilence()} (the reconnect case: the producer's old connection died
 * without a close). The newcomer then owns the stream and a silent owner is superseded (ErrorId
 * 4000 after its pending acks). While the owner's producer is active the newcomer is refused, and
 * the owner is left alone: two producers on one stream must not take it from each other in turn.
 */
final class ActiveConnections {
  private final ConcurrentHashMap<String, IngestSession> byStream = new ConcurrentHashMap<>();

  /**
   * Makes {@code newcomer} the owner of its stream unless the owner's producer is active; returns
   * false when refused. A silent owner is told on its own context.
   */
  boolean claim(IngestSession newcomer, long silenceNanos) {
    IngestSession[] displaced = {null};
    IngestSession owner = byStream.compute(newcomer.stream().streamId(), (id, current) -> {
      if (current == null || current == newcomer) {
        return newcomer;
      }
      if (current.producerActive(silenceNanos)) {
        return current;
      }
      displaced[0] = current;
      return newcomer;
    });
    IngestSession previous = displaced[0];
    if (previous != null) {
      previous.context().runOnContext(v -> previous.supersede());
    }
    return owner == newcomer;
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
