package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vidlog.kvs.KvsError;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.StreamRef;
import io.vidlog.fragmentstore.streams.StreamRegistry;
import io.vidlog.fragmentstore.streams.StreamStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A StreamRegistry double: streams added by the test, looked up by name or ARN, deletable. */
final class FixedStreams implements StreamRegistry {
  private final Map<String, StreamInfo> byName = new ConcurrentHashMap<>();
  private final List<Consumer<StreamInfo>> listeners = new CopyOnWriteArrayList<>();

  StreamInfo add(String name, int retentionHours) {
    return add(name, retentionHours, name + "-" + System.nanoTime());
  }

  StreamInfo add(String name, int retentionHours, String streamId) {
    StreamInfo info = new StreamInfo(name, "arn:aws:kinesisvideo:us-east-1:000000000000:stream/" + name + "/1",
        streamId, StreamStatus.ACTIVE, null, "video/h264", null, retentionHours, "1",
        System.currentTimeMillis(), Map.of());
    byName.put(name, info);
    return info;
  }

  void remove(String name) {
    StreamInfo info = byName.remove(name);
    if (info != null) {
      listeners.forEach(l -> l.accept(info));
    }
  }

  @Override
  public Future<StreamInfo> describe(StreamRef ref) {
    StreamInfo info = ref.name() != null ? byName.get(ref.name())
        : byName.values().stream().filter(s -> ref.matches(s.streamName(), s.streamArn())).findFirst().orElse(null);
    return info == null ? Future.failedFuture(KvsError.RESOURCE_NOT_FOUND.exception("Stream " + ref + " not found"))
        : Future.succeededFuture(info);
  }

  @Override
  public void onDeleted(Consumer<StreamInfo> listener) {
    listeners.add(listener);
  }

  @Override
  public Future<StreamInfo> create(CreateStreamRequest request) {
    return unsupported();
  }

  @Override
  public Future<StreamPage> list(int maxResults, String nextToken, String nameBeginsWith) {
    return unsupported();
  }

  @Override
  public Future<Void> delete(StreamRef ref, String currentVersion) {
    return unsupported();
  }

  @Override
  public Future<StreamInfo> update(StreamRef ref, String currentVersion, String deviceName, String mediaType) {
    return unsupported();
  }

  @Override
  public Future<StreamInfo> updateRetention(StreamRef ref, String currentVersion, boolean increase, int change) {
    return unsupported();
  }

  @Override
  public Future<Void> tag(StreamRef ref, Map<String, String> tags) {
    return unsupported();
  }

  @Override
  public Future<Void> untag(StreamRef ref, List<String> keys) {
    return unsupported();
  }

  @Override
  public Future<StreamInfo> byId(String streamId) {
    return Future.succeededFuture(byName.values().stream().filter(s -> s.streamId().equals(streamId)).findFirst()
        .orElse(null));
  }

  private static <T> Future<T> unsupported() {
    return Future.failedFuture(new UnsupportedOperationException());
  }
}
