package io.vidlog.playback.hls;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.media.fmp4.MediaSegment;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Media segments this node built recently, shared by all sessions: the players of a live stream
 * all ask for its newest fragment within a second of each other, and it is read, decrypted and
 * repackaged once (one build in flight per segment; the others wait for it). A segment's bytes
 * follow from the fragment, the track and which timestamps the session selected, so that is the
 * key. Bounded by the bytes of the segments held, least recently used out; a segment that leaves
 * returns its frames to the repackaging budget (readers still writing it keep their views).
 */
final class SegmentCache {
  /** What identifies a segment's bytes. */
  record Key(String streamId, FragmentNumber number, int track, TimestampKind kind) {}

  /** A segment and what holds its frames. */
  record Built(MediaSegment media, FragmentRepackaging frames) {}

  private static final class Entry {
    final Future<Built> built;
    long bytes;

    Entry(Future<Built> built) {
      this.built = built;
    }
  }

  private final long capacity;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  SegmentCache(long capacity) {
    this.capacity = capacity;
  }

  /** The segment of {@code key}, built by {@code build} unless it is held or being built. */
  Future<MediaSegment> get(Key key, Supplier<Future<Built>> build) {
    Entry e;
    boolean mine = false;
    synchronized (this) {
      e = entries.get(key);
      if (e == null || e.built.failed()) {
        e = new Entry(build.get());
        entries.put(key, e);
        mine = true;
      }
    }
    if (mine) {
      Entry added = e;
      added.built.onComplete(ar -> settle(key, added, ar.succeeded() ? ar.result() : null));
    }
    return e.built.map(Built::media);
  }

  private void settle(Key key, Entry entry, Built built) {
    synchronized (this) {
      if (built == null) {
        entries.remove(key, entry);
        return;
      }
      if (entries.get(key) != entry) {
        built.frames().release(); // evicted while it was being built
        return;
      }
      entry.bytes = built.media().length();
      bytes += entry.bytes;
      Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
      while (bytes > capacity && it.hasNext()) {
        Entry old = it.next().getValue();
        if (!old.built.isComplete()) {
          continue;
        }
        it.remove();
        bytes -= old.bytes;
        if (old.built.succeeded()) {
          old.built.result().frames().release();
        }
      }
    }
  }

  /** Bytes of the segments held. */
  synchronized long bytes() {
    return bytes;
  }
}
