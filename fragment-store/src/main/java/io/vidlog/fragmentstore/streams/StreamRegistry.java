package io.vidlog.fragmentstore.streams;

import io.vertx.core.Future;
import io.vidlog.kvs.StreamRef;
import java.util.List;
import java.util.Map;

/**
 * The streams of this deployment with KVS control-plane semantics (docs/wire-protocol.md §4): persisted in the
 * object store (sealed), cached in memory. Requests arrive validated against the KVS model's member
 * rules; refusals because of what the registry holds are {@link io.vidlog.fragmentstore.Rejected}
 * (not found, already exists, version mismatch, too many tags, retention out of range, bad token),
 * which the API layer maps to the error a KVS client expects.
 */
public interface StreamRegistry {

  /** CreateStream. The stream is ACTIVE when the future completes. */
  Future<StreamInfo> create(CreateStreamRequest request);

  /** DescribeStream: an ACTIVE or UPDATING stream; ResourceNotFound for unknown or deleted ones. */
  Future<StreamInfo> describe(StreamRef ref);

  /** ListStreams with paging and an optional BEGINS_WITH name prefix (null for none). */
  Future<StreamPage> list(int maxResults, String nextToken, String nameBeginsWith);

  /**
   * DeleteStream: the stream becomes unreachable at once (describe fails, media APIs fail) and its
   * objects are freed in the background. {@code currentVersion} may be null.
   */
  Future<Void> delete(StreamRef ref, String currentVersion);

  /** UpdateStream: DeviceName and/or MediaType (null leaves a field unchanged). */
  Future<StreamInfo> update(StreamRef ref, String currentVersion, String deviceName, String mediaType);

  /** UpdateDataRetention: {@code changeInHours} is added (INCREASE) or subtracted (DECREASE). */
  Future<StreamInfo> updateRetention(StreamRef ref, String currentVersion, boolean increase, int changeInHours);

  Future<Void> tag(StreamRef ref, Map<String, String> tags);

  Future<Void> untag(StreamRef ref, List<String> keys);

  /** A stream by its creation id, deleted or not known: null. Used by the retention sweeper. */
  Future<StreamInfo> byId(String streamId);

  /** Called with each stream that is deleted, so dependents (ingest, live feeds) can drop it. */
  void onDeleted(java.util.function.Consumer<StreamInfo> listener);

  /** A page of ListStreams. */
  record StreamPage(List<StreamInfo> streams, String nextToken) {}

  /** CreateStream's fields; nullable except the name. */
  record CreateStreamRequest(String streamName, String deviceName, String mediaType, String kmsKeyId,
      Integer dataRetentionInHours, Map<String, String> tags) {}
}
