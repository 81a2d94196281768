package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentNumbers;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayDeque;

/**
 * One stream's fragment numbers and index appends, shared by every connection of the stream: a
 * number is minted together with a slot in mint order, and each slot is appended to the
 * {@link TimeIndex} only after every earlier slot was appended or skipped, because the index takes
 * appends in fragment-number order per stream. This also holds while an old connection finishes its
 * in-flight fragment after a new one took over. Thread-safe.
 */
final class FragmentSequencer {
  private final TimeIndex index;
  private final FragmentNumbers numbers;
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private boolean appending;

  FragmentSequencer(TimeIndex index, FragmentNumbers numbers) {
    this.index = index;
    this.numbers = numbers;
  }

  /** A minted fragment waiting for its durable chunk; resolve it with {@link #ready} or {@link #skip}. */
  static final class Slot {
    final FragmentNumber number;
    private final Promise<Void> indexed = Promise.promise();
    private StreamInfo stream;
    private FragmentRecord record;
    private boolean skipped;

    private Slot(FragmentNumber number) {
      this.number = number;
    }

    private boolean resolved() {
      return skipped || record != null;
    }

    /** Completes when the fragment is in the index (PERSISTED may be acked). */
    Future<Void> indexed() {
      return indexed.future();
    }
  }

  synchronized Slot mint(StreamInfo stream) {
    Slot slot = new Slot(numbers.next(stream.streamId()));
    slots.add(slot);
    return slot;
  }

  /** The chunk is durable: append the record when the slot's turn comes. */
  void ready(Slot slot, StreamInfo stream, FragmentRecord record) {
    synchronized (this) {
      slot.stream = stream;
      slot.record = record;
    }
    drain();
  }

  /** The fragment will never be indexed (refused, failed, or retention 0). */
  void skip(Slot slot, Throwable cause) {
    synchronized (this) {
      slot.skipped = true;
    }
    if (cause != null) {
      slot.indexed.tryFail(cause);
    } else {
      slot.indexed.tryComplete();
    }
    drain();
  }

  /** Fragments minted but not yet in the index or given up (their commit is still in flight). */
  synchronized int pending() {
    return slots.size();
  }

  private void drain() {
    while (true) {
      Slot head;
      synchronized (this) {
        head = slots.peek();
        if (appending || head == null || !head.resolved()) {
          return;
        }
        if (head.skipped) {
          slots.poll();
          continue;
        }
        appending = true;
      }
      Slot slot = head;
      Future<Void> append;
      try {
        append = index.append(slot.stream, slot.record);
      } catch (RuntimeException e) {
        append = Future.failedFuture(e);
      }
      append.onComplete(ar -> {
        synchronized (this) {
          slots.poll();
          appending = false;
        }
        if (ar.succeeded()) {
          slot.indexed.tryComplete();
        } else {
          slot.indexed.tryFail(ar.cause());
        }
        drain();
      });
      return;
    }
  }
}
