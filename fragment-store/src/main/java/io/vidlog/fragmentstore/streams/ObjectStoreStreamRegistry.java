package io.vidlog.fragmentstore.streams;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.Rejected;
import io.vidlog.fragmentstore.Sealers;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.kvs.StreamArn;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.StreamRules;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StreamRegistry} of vidlog: each stream is one sealed record in the object store
 * ({@code registry/streams/<streamId>}, {@link SealContext} scope {@code system}, kind
 * {@code stream}), all records are loaded into memory by {@link #open} and answered from there.
 * Mutations of one stream name run one after another ({@link KeyedSequencer}), never blocking a
 * thread; the in-memory state changes only after the record is durable.
 *
 * <p>Deleting writes the record back with a {@code deleted} flag first (the stream is unreachable
 * from that moment, docs/wire-protocol.md §4 "DeleteStream makes the data inaccessible immediately"), tells
 * the {@link #onDeleted} listeners, then frees {@code streams/<streamId>/} in the background and
 * finally the record itself; a restart resumes unfinished frees. A re-created stream gets a new
 * streamId, so it never sees its predecessor's objects.
 *
 * <p>Single-writer: one node owns the registry (several nodes need a conditional put or a lock
 * service on {@code registry/names/}, later).
 */
public final class ObjectStoreStreamRegistry implements StreamRegistry {
  public static final String RECORD_PREFIX = "registry/streams/";
  public static final String SEAL_KIND = "stream";
  /** Where each stream's objects live; freed after deletion. */
  public static final String STREAM_PREFIX = "streams/";
  private static final int MAX_TAGS = StreamRules.MAX_TAGS;
  private static final int MAX_RETENTION_HOURS = StreamRules.MAX_RETENTION_HOURS;
  private static final String TOKEN_PREFIX = "vls1:";
  private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreStreamRegistry.class);

  private final Vertx vertx;
  private final ObjectStore store;
  private final ObjectSealer sealer;
  private final RegistryConfig config;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentSkipListMap<String, StreamInfo> byName = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<String, StreamInfo> byId = new ConcurrentHashMap<>();
  /** Deleted streams whose objects are still being freed, by id. */
  private final ConcurrentHashMap<String, StreamInfo> freeing = new ConcurrentHashMap<>();
  private final KeyedSequencer sequencer = new KeyedSequencer();
  private final List<Consumer<StreamInfo>> deleteListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong lastCreationMillis = new AtomicLong();

  private ObjectStoreStreamRegistry(Vertx vertx, ObjectStore store, ObjectSealer sealer, RegistryConfig config) {
    this.vertx = vertx;
    this.store = store;
    this.sealer = sealer;
    this.config = config;
  }

  /** Loads every stream record and resumes the freeing of deleted streams. */
  public static Future<ObjectStoreStreamRegistry> open(Vertx vertx, ObjectStore store, Sealers sealers,
      RegistryConfig config) {
    return sealers.forScope(SealContext.SYSTEM).compose(sealer -> open(vertx, store, sealer, config));
  }

  /** As {@link #open(Vertx, ObjectStore, Sealers, RegistryConfig)} with the {@code system} scope's sealer. */
  public static Future<ObjectStoreStreamRegistry> open(Vertx vertx, ObjectStore store, ObjectSealer sealer,
      RegistryConfig config) {
    ObjectStoreStreamRegistry r = new ObjectStoreStreamRegistry(vertx, store, sealer, config);
    return r.loadFrom(null).map(v -> {
      LOG.info("stream registry loaded: {} streams, {} being freed", r.byId.size(), r.freeing.size());
      r.freeing.values().forEach(r::freeInBackground);
      return r;
    });
  }

  private Future<Void> loadFrom(String startAfter) {
    return store.list(RECORD_PREFIX, startAfter, 100).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Future<Void>> reads = new ArrayList<>();
      for (ObjectInfo o : page) {
        reads.add(store.get(o.key()).map(b -> {
          load(o.key(), b);
          return null;
        }));
      }
      String last = page.get(page.size() - 1).key();
      return Future.all(reads).compose(v -> loadFrom(last));
    });
  }

  private void load(String key, Buffer sealed) {
    String id = key.substring(RECORD_PREFIX.length());
    StreamRecordCodec.Stored stored;
    try {
      stored = StreamRecordCodec.decode(sealer.open(new SealContext(SealContext.SYSTEM, SEAL_KIND, id), sealed.getBytes()));
    } catch (RuntimeException e) {
      // A record that does not authenticate is left in place (never silently deleted) and skipped.
      LOG.error("stream record {} is unreadable, skipped: {}", key, e.toString());
      return;
    }
    StreamInfo s = stored.info();
    if (stored.deleted()) {
      freeing.put(s.streamId(), s);
      return;
    }
    StreamInfo other = byName.get(s.streamName());
    if (other != null && other.creationTimeMillis() >= s.creationTimeMillis()) {
      LOG.warn("two live records for stream name {}: keeping {}, ignoring {}", s.streamName(), other.streamId(), id);
      return;
    }
    if (other != null) {
      byId.remove(other.streamId());
    }
    byName.put(s.streamName(), s);
    byId.put(s.streamId(), s);
    lastCreationMillis.accumulateAndGet(s.creationTimeMillis(), Math::max);
  }

  public RegistryConfig config() {
    return config;
  }

  /** A snapshot of the live streams (retention sweeper, metrics). */
  public Collection<StreamInfo> streams() {
    return List.copyOf(byId.values());
  }

  /** The request's members have been validated by the API layer (the KVS model's rules). */
  @Override
  public Future<StreamInfo> create(CreateStreamRequest req) {
    return CallerContext.deliver(sequencer.run(req.streamName(), () -> {
      if (byName.containsKey(req.streamName())) {
        throw new Rejected(Rejected.Reason.ALREADY_EXISTS, "The stream " + req.streamName() + " already exists");
      }
      long created = lastCreationMillis.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis()));
      String arn = StreamArn.of(config.region(), config.accountId(), req.streamName(), created).render();
      StreamInfo s = new StreamInfo(req.streamName(), arn, newStreamId(), StreamStatus.ACTIVE, req.deviceName(),
          req.mediaType(), req.kmsKeyId() == null ? config.defaultKmsKeyId() : req.kmsKeyId(),
          req.dataRetentionInHours() == null ? 0 : req.dataRetentionInHours(), newVersion(), created,
          sortedTags(req.tags() == null ? Map.of() : req.tags()));
      return persist(s, false).map(v -> {
        byName.put(s.streamName(), s);
        byId.put(s.streamId(), s);
        LOG.info("created stream {} ({})", s.streamName(), s.streamId());
        return s;
      });
    }));
  }

  @Override
  public Future<StreamInfo> describe(StreamRef ref) {
    try {
      return Future.succeededFuture(resolve(ref));
    } catch (Rejected e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * ListStreams, {@code maxResults} (at least 1) at a time; the NextToken is opaque base64 naming the
   * last stream returned, so paging is stable across creates and deletes.
   */
  @Override
  public Future<StreamPage> list(int maxResults, String nextToken, String nameBeginsWith) {
    if (maxResults < 1) {
      throw new IllegalArgumentException("maxResults " + maxResults);
    }
    int max = maxResults;
    String after;
    try {
      after = nextToken == null ? null : decodeToken(nextToken);
    } catch (Rejected e) {
      return Future.failedFuture(e);
    }
    String prefix = nameBeginsWith == null ? "" : nameBeginsWith;
    Map<String, StreamInfo> tail = after == null || after.compareTo(prefix) < 0
        ? byName.tailMap(prefix, true) : byName.tailMap(after, false);
    List<StreamInfo> out = new ArrayList<>();
    String token = null;
    for (StreamInfo s : tail.values()) {
      if (!s.streamName().startsWith(prefix)) {
        break;
      }
      if (out.size() == max) {
        token = encodeToken(out.get(out.size() - 1).streamName());
        break;
      }
      out.add(s);
    }
    return Future.succeededFuture(new StreamPage(List.copyOf(out), token));
  }

  @Override
  public Future<Void> delete(StreamRef ref, String currentVersion) {
    return mutate(ref, currentVersion, false, s -> {
      StreamInfo deleting = withStatus(s, StreamStatus.DELETING);
      return persist(deleting, true).map(v -> {
        byName.remove(s.streamName(), s);
        byId.remove(s.streamId());
        freeing.put(s.streamId(), deleting);
        LOG.info("deleted stream {} ({}); freeing its objects", s.streamName(), s.streamId());
        for (Consumer<StreamInfo> l : deleteListeners) {
          try {
            l.accept(deleting);
          } catch (RuntimeException e) {
            LOG.error("onDeleted listener failed for {}", s.streamId(), e);
          }
        }
        freeInBackground(deleting);
        return null;
      });
    });
  }

  @Override
  public Future<StreamInfo> update(StreamRef ref, String currentVersion, String deviceName, String mediaType) {
    return mutate(ref, currentVersion, true, s -> replace(new StreamInfo(s.streamName(), s.streamArn(),
        s.streamId(), s.status(), deviceName == null ? s.deviceName() : deviceName,
        mediaType == null ? s.mediaType() : mediaType, s.kmsKeyId(), s.dataRetentionInHours(), newVersion(),
        s.creationTimeMillis(), s.tags())));
  }

  @Override
  public Future<StreamInfo> updateRetention(StreamRef ref, String currentVersion, boolean increase, int changeInHours) {
    if (changeInHours < 1) {
      throw new IllegalArgumentException("changeInHours " + changeInHours);
    }
    return mutate(ref, currentVersion, true, s -> {
      long hours = increase ? (long) s.dataRetentionInHours() + changeInHours
          : (long) s.dataRetentionInHours() - changeInHours;
      if (hours < 0 || hours > MAX_RETENTION_HOURS) {
        throw new Rejected(Rejected.Reason.OUT_OF_RANGE, "DataRetentionInHours would become " + hours
            + "; it must stay between 0 and " + MAX_RETENTION_HOURS);
      }
      return replace(new StreamInfo(s.streamName(), s.streamArn(), s.streamId(), s.status(), s.deviceName(),
          s.mediaType(), s.kmsKeyId(), (int) hours, newVersion(), s.creationTimeMillis(), s.tags()));
    });
  }

  /** TagStream: adds or overwrites tags; more than 50 in total fails with TagsPerResourceExceededLimit. */
  @Override
  public Future<Void> tag(StreamRef ref, Map<String, String> tags) {
    return mutate(ref, null, false, s -> {
      Map<String, String> merged = new TreeMap<>(s.tags());
      merged.putAll(tags);
      if (merged.size() > MAX_TAGS) {
        throw new Rejected(Rejected.Reason.TOO_MANY_TAGS,
            "A stream can have at most " + MAX_TAGS + " tags; this would make " + merged.size());
      }
      return replace(withTags(s, merged)).mapEmpty();
    });
  }

  @Override
  public Future<Void> untag(StreamRef ref, List<String> keys) {
    return mutate(ref, null, false, s -> {
      Map<String, String> left = new TreeMap<>(s.tags());
      keys.forEach(left::remove);
      return replace(withTags(s, left)).mapEmpty();
    });
  }

  @Override
  public Future<StreamInfo> byId(String streamId) {
    return Future.succeededFuture(streamId == null ? null : byId.get(streamId));
  }

  @Override
  public void onDeleted(Consumer<StreamInfo> listener) {
    deleteListeners.add(listener);
  }

  /** Deleted streams whose objects are not yet all freed (tests, metrics). */
  public int streamsBeingFreed() {
    return freeing.size();
  }

  // ---------------------------------------------------------------------------------------------

  private <T> Future<T> mutate(StreamRef ref, String currentVersion, boolean versionRequired,
      Function<StreamInfo, Future<T>> op) {
    if (versionRequired && currentVersion == null) {
      throw new IllegalArgumentException("currentVersion is required");
    }
    return CallerContext.deliver(sequencer.run(ref.streamName(), () -> {
      StreamInfo s = resolve(ref);
      if (currentVersion != null && !currentVersion.equals(s.version())) {
        throw new Rejected(Rejected.Reason.VERSION_MISMATCH, "The stream version " + currentVersion
            + " does not match the current version of stream " + s.streamName());
      }
      return op.apply(s);
    }));
  }

  private Future<StreamInfo> replace(StreamInfo next) {
    return persist(next, false).map(v -> {
      byName.put(next.streamName(), next);
      byId.put(next.streamId(), next);
      return next;
    });
  }

  private Future<Void> persist(StreamInfo s, boolean deleted) {
    byte[] sealed;
    try {
      sealed = sealer.seal(sealContext(s.streamId()), StreamRecordCodec.encode(s, deleted));
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalStateException("could not seal stream record", e));
    }
    return store.put(RECORD_PREFIX + s.streamId(), Buffer.buffer(sealed))
        .onSuccess(v -> changeListeners.forEach(l -> l.accept(s.streamId())));
  }

  /**
   * Called with a stream's id each time this node made a change to its record durable (create,
   * update, tags, retention, delete): other nodes over the same store {@link #reload} it.
   */
  public void onChanged(Consumer<String> listener) {
    changeListeners.add(listener);
  }

  /**
   * Reads a stream's record again from the store, after another node over the same store changed
   * it: a newer or changed record replaces the one in memory; a deleted one makes the stream
   * unreachable here and tells the {@link #onDeleted} listeners (the node that deleted it frees its
   * objects).
   */
  public Future<Void> reload(String streamId) {
    return store.get(RECORD_PREFIX + streamId).<Void>map(sealed -> {
      StreamRecordCodec.Stored stored = StreamRecordCodec.decode(sealer.open(sealContext(streamId), sealed.getBytes()));
      StreamInfo s = stored.info();
      if (stored.deleted()) {
        forgetDeleted(streamId);
        return null;
      }
      StreamInfo other = byName.get(s.streamName());
      if (other != null && !other.streamId().equals(s.streamId())
          && other.creationTimeMillis() >= s.creationTimeMillis()) {
        return null;
      }
      if (other != null) {
        byId.remove(other.streamId());
      }
      byName.put(s.streamName(), s);
      byId.put(s.streamId(), s);
      lastCreationMillis.accumulateAndGet(s.creationTimeMillis(), Math::max);
      return null;
    }).recover(e -> {
      if (e instanceof StoreException se && se.kind() == StoreException.Kind.NOT_FOUND) {
        forgetDeleted(streamId);
        return Future.succeededFuture();
      }
      return Future.failedFuture(e);
    });
  }

  private void forgetDeleted(String streamId) {
    StreamInfo gone = byId.remove(streamId);
    if (gone == null) {
      return;
    }
    byName.remove(gone.streamName(), gone);
    StreamInfo deleting = withStatus(gone, StreamStatus.DELETING);
    for (Consumer<StreamInfo> l : deleteListeners) {
      try {
        l.accept(deleting);
      } catch (RuntimeException e) {
        LOG.error("onDeleted listener failed for {}", streamId, e);
      }
    }
  }

  private static SealContext sealContext(String streamId) {
    return new SealContext(SealContext.SYSTEM, SEAL_KIND, streamId);
  }

  private StreamInfo resolve(StreamRef ref) {
    StreamInfo s = byName.get(ref.streamName());
    if (s == null || !ref.matches(s.streamName(), s.streamArn())) {
      throw Rejected.notFound("The stream " + ref + " does not exist");
    }
    return s;
  }

  private void freeInBackground(StreamInfo s) {
    freeObjects(STREAM_PREFIX + s.streamId() + "/")
        .compose(v -> store.delete(RECORD_PREFIX + s.streamId()))
        .onSuccess(v -> {
          freeing.remove(s.streamId());
          LOG.info("freed the objects of deleted stream {} ({})", s.streamName(), s.streamId());
        })
        .onFailure(e -> {
          LOG.warn("freeing deleted stream {} failed, retrying in 60 s: {}", s.streamId(), e.toString());
          vertx.setTimer(60_000, t -> freeInBackground(s));
        });
  }

  /** Deletes everything under {@code prefix}, 100 objects at a time (bounded concurrency). */
  private Future<Void> freeObjects(String prefix) {
    return store.list(prefix, null, 100).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Future<Void>> deletes = new ArrayList<>(page.size());
      page.forEach(o -> deletes.add(store.delete(o.key())));
      return Future.all(deletes).compose(v -> freeObjects(prefix));
    });
  }

  private static StreamInfo withStatus(StreamInfo s, StreamStatus status) {
    return new StreamInfo(s.streamName(), s.streamArn(), s.streamId(), status, s.deviceName(), s.mediaType(),
        s.kmsKeyId(), s.dataRetentionInHours(), s.version(), s.creationTimeMillis(), s.tags());
  }

  private static StreamInfo withTags(StreamInfo s, Map<String, String> tags) {
    return new StreamInfo(s.streamName(), s.streamArn(), s.streamId(), s.status(), s.deviceName(), s.mediaType(),
        s.kmsKeyId(), s.dataRetentionInHours(), s.version(), s.creationTimeMillis(), sortedTags(tags));
  }

  private static Map<String, String> sortedTags(Map<String, String> tags) {
    return Collections.unmodifiableMap(new TreeMap<>(tags));
  }

  /** A creation id: 20 lowercase hex characters (80 random bits), safe in object keys. */
  private String newStreamId() {
    byte[] b = new byte[10];
    random.nextBytes(b);
    StringBuilder sb = new StringBuilder(20);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }

  /** A KVS-style Version: {@code [a-zA-Z0-9]}, 20 characters. */
  private String newVersion() {
    char[] c = new char[20];
    for (int i = 0; i < c.length; i++) {
      c[i] = ALNUM[random.nextInt(ALNUM.length)];
    }
    return new String(c);
  }

  private static String encodeToken(String lastName) {
    return Base64.getEncoder().encodeToString((TOKEN_PREFIX + lastName).getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeToken(String token) {
    try {
      if (token.isEmpty() || token.length() > 1024) {
        throw new IllegalArgumentException();
      }
      String s = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
      if (!s.startsWith(TOKEN_PREFIX) || !StreamRules.isValidName(s.substring(TOKEN_PREFIX.length()))) {
        throw new IllegalArgumentException();
      }
      return s.substring(TOKEN_PREFIX.length());
    } catch (IllegalArgumentException e) {
      throw new Rejected(Rejected.Reason.BAD_TOKEN, "NextToken is not a token this server issued");
    }
  }
}
