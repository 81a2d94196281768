package io.vidlog.producer;

import io.vidlog.kvs.KvsError;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The control-plane calls (docs/wire-protocol.md §4) on the client's endpoint. */
final class ControlPlane {
  private final ClientContext context;

  ControlPlane(ClientContext context) {
    this.context = context;
  }

  StreamInfo describeStream(String name) {
    Map<String, Object> doc = context.call(context.endpoint(), "/describeStream", Map.of("StreamName", name));
    Map<String, Object> info = Docs.object(doc, "StreamInfo");
    if (info == null) {
      throw new ConnectionException("DescribeStream answered without StreamInfo");
    }
    return streamInfo(info);
  }

  Optional<StreamInfo> findStream(String name) {
    try {
      return Optional.of(describeStream(name));
    } catch (ServiceException e) {
      if (e.is(KvsError.RESOURCE_NOT_FOUND)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  String createStream(StreamSpec spec) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("StreamName", spec.streamName());
    req.put("DataRetentionInHours", spec.dataRetentionInHours());
    putIfSet(req, "MediaType", spec.mediaType());
    putIfSet(req, "DeviceName", spec.deviceName());
    putIfSet(req, "KmsKeyId", spec.kmsKeyId());
    if (!spec.tags().isEmpty()) {
      req.put("Tags", new LinkedHashMap<String, Object>(spec.tags()));
    }
    return Docs.requiredString(context.call(context.endpoint(), "/createStream", req), "StreamARN");
  }

  StreamInfo ensureStream(StreamSpec spec, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<StreamInfo> found = findStream(spec.streamName());
    if (found.isEmpty()) {
      try {
        createStream(spec);
      } catch (ServiceException e) {
        if (!e.is(KvsError.RESOURCE_IN_USE)) {
          throw e; // someone else creating it at the same time is fine; anything else is not
        }
      }
      found = findStream(spec.streamName());
    }
    long pause = 100;
    while (found.isEmpty() || !found.get().isActive()) {
      if (System.nanoTime() > deadline) {
        throw new ConnectionException("stream " + spec.streamName() + " is not ACTIVE after " + timeout.toMillis()
            + " ms (" + found.map(StreamInfo::status).orElse("not found") + ")");
      }
      try {
        Thread.sleep(pause); // KVS creates streams asynchronously (CREATING → ACTIVE); vidlog is ACTIVE at once
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new VidlogException("interrupted while waiting for stream " + spec.streamName() + " to become ACTIVE", e);
      }
      pause = Math.min(pause * 2, 2000);
      found = findStream(spec.streamName());
    }
    return found.get();
  }

  List<StreamInfo> listStreams(String prefix) {
    List<StreamInfo> out = new ArrayList<>();
    String token = null;
    do {
      Map<String, Object> req = new LinkedHashMap<>();
      if (prefix != null && !prefix.isEmpty()) {
        req.put("StreamNameCondition", Map.of("ComparisonOperator", "BEGINS_WITH", "ComparisonValue", prefix));
      }
      putIfSet(req, "NextToken", token);
      Map<String, Object> doc = context.call(context.endpoint(), "/listStreams", req);
      for (Object o : Docs.list(doc, "StreamInfoList")) {
        out.add(streamInfo(Docs.asObject(o, "a StreamInfoList item")));
      }
      token = Docs.string(doc, "NextToken");
    } while (token != null && !token.isEmpty());
    return out;
  }

  void deleteStream(String name) {
    StreamInfo info = describeStream(name);
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("StreamARN", info.streamArn());
    putIfSet(req, "CurrentVersion", info.version());
    context.call(context.endpoint(), "/deleteStream", req);
  }

  static StreamInfo streamInfo(Map<String, Object> m) {
    BigDecimal retention = Docs.number(m, "DataRetentionInHours");
    return new StreamInfo(Docs.requiredString(m, "StreamName"), Docs.string(m, "StreamARN"), Docs.string(m, "Status"),
        Docs.string(m, "Version"), Docs.instant(m, "CreationTime"), retention == null ? 0 : retention.intValue(),
        Docs.string(m, "MediaType"), Docs.string(m, "DeviceName"), Docs.string(m, "KmsKeyId"));
  }

  private static void putIfSet(Map<String, Object> req, String key, String value) {
    if (value != null) {
      req.put(key, value);
    }
  }
}
