package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.List;

/**
 * Per-stream index of persisted fragments (docs/architecture.md §Storage, "Time index"): lookups by fragment
 * number, server timestamp and producer timestamp in logarithmic time. Producer timestamps need not
 * be monotonic. Durable in the object store; a node with an empty disk rebuilds it from there.
 */
public interface TimeIndex {

  /** Records a fragment whose chunk is durable. Appends are in fragment-number order per stream. */
  Future<Void> append(StreamInfo stream, FragmentRecord record);

  Future<FragmentRecord> get(StreamInfo stream, FragmentNumber number);

  /** The first fragment with a number greater than {@code after}; null when none yet. */
  Future<FragmentRecord> next(StreamInfo stream, FragmentNumber after);

  Future<FragmentRecord> earliest(StreamInfo stream);

  Future<FragmentRecord> latest(StreamInfo stream);

  /**
   * The fragment to start at for a timestamp (GetMedia SERVER_/PRODUCER_TIMESTAMP): the one that
   * contains {@code millis}, else the first that starts after it; null when none.
   */
  Future<FragmentRecord> locate(StreamInfo stream, TimestampKind kind, long millis);

  /**
   * Fragments whose start lies in [{@code fromMillis}, {@code toMillis}] inclusive (ListFragments),
   * at most {@code max}, continuing after {@code pageToken} (null for the first page).
   */
  Future<Page> range(StreamInfo stream, TimestampKind kind, long fromMillis, long toMillis, int max, String pageToken);

  /** Removes fragments whose server timestamp is before {@code cutoffMillis}; returns them (retention). */
  Future<List<FragmentRecord>> expireBefore(StreamInfo stream, long cutoffMillis);

  /** Which timestamp a query is by. */
  enum TimestampKind { SERVER, PRODUCER }

  /** One page of a range query; {@code nextToken} is null on the last page. */
  record Page(List<FragmentRecord> records, String nextToken) {}
}
