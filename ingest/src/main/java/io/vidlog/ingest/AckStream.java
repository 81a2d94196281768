package io.vidlog.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.kvs.AckError;
import java.util.ArrayDeque;

/**
 * The ack half of a PutMedia exchange (docs/wire-protocol.md §1.3). BUFFERING, RECEIVED and IDLE go out at
 * once. A fragment's PERSISTED (or 5001 ARCHIVAL_ERROR) waits for its durable commit, in fragment
 * order, and every ERROR waits behind the final acks of the fragments received before it: the KVS
 * producer SDK rolls its buffer back on an error ack, so an error that overtook the PERSISTED ack of
 * an earlier fragment would make it re-send a fragment that is already stored. After the response
 * is closed or ended, acks are dropped; the fragments they describe are stored regardless.
 * Confined to the connection's context.
 */
final class AckStream {
  /** An ack that must wait its turn: after {@code durable} completes (null: at once when it is at the head). */
  private record Waiting(Future<Void> durable, AckEvent ack) {}

  private final PutMediaExchange exchange;
  private final Context context;
  private final String streamName;
  private final Runnable onProgress;
  private final StoreFailureLog failures;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int commits;
  private boolean open = true;

  /**
   * {@code onProgress} runs on the context after each durable commit completed (and its acks went
   * out); {@code failures} logs the fragments the store refused, shared by every connection.
   */
  AckStream(PutMediaExchange exchange, Context context, String streamName, Runnable onProgress,
      StoreFailureLog failures) {
    this.exchange = exchange;
    this.context = context;
    this.streamName = streamName;
    this.onProgress = onProgress;
    this.failures = failures;
  }

  /** BUFFERING, RECEIVED or IDLE: sent now. */
  void now(AckEvent ack) {
    if (open) {
      exchange.write(ack.toLine());
    }
  }

  /** PERSISTED when {@code durable} succeeds (the chunk is stored and indexed), ERROR 5001 when it fails. */
  void afterCommit(Future<Void> durable, long timecode, FragmentNumber number) {
    commits++;
    waiting.add(new Waiting(durable, AckEvent.of(AckEvent.Type.PERSISTED, timecode, number)));
    durable.onComplete(ar -> context.runOnContext(v -> {
      drain();
      onProgress.run();
    }));
  }

  /** An ERROR: sent after the final acks of every fragment before it. */
  void error(AckEvent error) {
    waiting.add(new Waiting(null, error));
    drain();
  }

  /** Fragments whose durable commit is still in flight. */
  int pendingCommits() {
    return commits;
  }

  /** True when no ack waits: every received fragment has its final ack. */
  boolean settled() {
    return waiting.isEmpty();
  }

  /** True when the client is not reading its acks fast enough. */
  boolean full() {
    return open && exchange.writeQueueFull();
  }

  /** Ends the ack stream. */
  void end() {
    if (open) {
      open = false;
      exchange.end();
    }
  }

  /** The client is gone: nothing more can be written. */
  void closed() {
    open = false;
  }

  private void drain() {
    while (!waiting.isEmpty() && (waiting.peek().durable() == null || waiting.peek().durable().isComplete())) {
      Waiting w = waiting.poll();
      if (w.durable() == null) {
        now(w.ack());
        continue;
      }
      commits--;
      if (w.durable().succeeded()) {
        failures.persisted();
        now(w.ack());
      } else {
        Throwable cause = w.durable().cause();
        AckError error = archivalError(cause);
        failures.failed(streamName, w.ack().number(), error, cause);
        now(AckEvent.error(error, w.ack().fragmentTimecode(), w.ack().number()));
      }
    }
  }

  /**
   * The ERROR for a fragment that was received but not stored (docs/wire-protocol.md §1.3): 5001
   * STORE_FULL when the store had no space for it (as a store failure of kind FULL, or the file
   * system's own error from a write on the way there), 5001 ARCHIVAL_ERROR otherwise.
   */
  static AckError archivalError(Throwable cause) {
    return StoreException.isFull(cause) || StoreException.isNoSpace(cause) ? AckError.STORE_FULL
        : AckError.ARCHIVAL_ERROR;
  }
}
