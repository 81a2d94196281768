package io.vidlog.server.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LiveInterest} over the Hazelcast map {@code vidlog.live-readers}: one entry
 * {@code "<member>/<streamId>" → streamId} per stream a node relays. Every node keeps a local view
 * (stream → members) through entry listeners, so the owner's check is a map lookup; entries of a
 * member that left are dropped from the views at once and from the map by every node (idempotent).
 * No split-brain protection: a wrong answer during a partition only costs frames published for
 * nobody, or a reader on the cut-off side missing frames it could not have received anyway.
 */
final class HazelcastLiveInterest implements LiveInterest {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastLiveInterest.class);
  static final String READERS = "vidlog.live-readers";

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final IMap<String, String> map;
  /** Stream id → members relaying it, as this node last saw the map. */
  private final ConcurrentHashMap<String, Set<String>> view = new ConcurrentHashMap<>();
  /** The streams this node announced, put again under its new member id after a merge. */
  private final Set<String> mine = ConcurrentHashMap.newKeySet();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  HazelcastLiveInterest(Vertx vertx, HazelcastInstance hz) {
    this.vertx = vertx;
    this.hz = hz;
    this.map = hz.getMap(READERS);
    map.addEntryListener((EntryAddedListener<String, String>) e -> changed(e, true), true);
    map.addEntryListener((EntryRemovedListener<String, String>) e -> changed(e, false), true);
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {}

      @Override
      public void memberRemoved(MembershipEvent e) {
        String gone = e.getMember().getUuid().toString();
        view.forEach((streamId, members) -> {
          if (members.remove(gone)) {
            fire(streamId);
          }
        });
        vertx.executeBlocking(() -> {
          map.keySet().stream().filter(k -> k.startsWith(gone + "/")).forEach(map::delete);
          return null;
        }, false);
      }
    });
    vertx.executeBlocking(() -> {
      map.forEach((k, streamId) -> {
        view.computeIfAbsent(streamId, id -> ConcurrentHashMap.newKeySet()).add(member(k));
        fire(streamId);
      });
      return null;
    }, false).onFailure(e -> LOG.debug("live readers' view not loaded yet: {}", e.toString()));
  }

  private String me() {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  private static String member(String key) {
    return key.substring(0, key.indexOf('/'));
  }

  private void changed(EntryEvent<String, String> e, boolean added) {
    // from the key: a removal's event need not carry the old value (IMap.delete does not read it)
    String streamId = e.getKey().substring(e.getKey().indexOf('/') + 1);
    Set<String> members = view.computeIfAbsent(streamId, id -> ConcurrentHashMap.newKeySet());
    if (added) {
      members.add(member(e.getKey()));
    } else {
      members.remove(member(e.getKey()));
    }
    fire(streamId);
  }

  private void fire(String streamId) {
    listeners.forEach(l -> l.accept(streamId));
  }

  @Override
  public void announce(String streamId) {
    mine.add(streamId);
    String key = me() + "/" + streamId;
    vertx.executeBlocking(() -> {
      map.set(key, streamId);
      return null;
    }, true)
        .onFailure(e -> LOG.warn("stream {}: could not announce this node's live readers: {}", streamId, e.toString()));
  }

  @Override
  public void withdraw(String streamId) {
    mine.remove(streamId);
    String key = me() + "/" + streamId;
    vertx.executeBlocking(() -> {
      map.delete(key);
      return null;
    }, true)
        .onFailure(e -> LOG.warn("stream {}: could not withdraw this node's live readers: {}", streamId, e.toString()));
  }

  @Override
  public boolean elsewhere(String streamId) {
    Set<String> members = view.get(streamId);
    if (members == null || members.isEmpty()) {
      return false;
    }
    String me = me();
    return members.stream().anyMatch(m -> !m.equals(me));
  }

  @Override
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** After a merge back into the cluster (a new member id): this node's streams are announced again. */
  void rejoined() {
    List.copyOf(mine).forEach(this::announce);
  }
}
