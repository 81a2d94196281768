package io.vidlog.producer;

import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fragment metadata with the KVS producer's semantics (docs/wire-protocol.md §5): non-persistent items
 * go with the next fragment only, persistent ones with every fragment until put again with an empty
 * value. The service's limits are enforced here, when the item is put, so a fragment is never refused
 * for its metadata (4009): names of 1–128 bytes that do not start with {@code AWS}, values of at most
 * 256 bytes, at most 10 items per fragment. Not thread-safe; the engine calls it under its lock.
 */
final class FragmentMetadata {
  static final int MAX_ITEMS = 10;
  static final int MAX_NAME_BYTES = 128;
  static final int MAX_VALUE_BYTES = 256;

  private final Map<String, String> persistent = new LinkedHashMap<>();
  private final List<SimpleTag> next = new ArrayList<>();

  void put(String name, String value, boolean isPersistent) {
    if (name == null || value == null) {
      throw new IllegalArgumentException("metadata name and value must not be null");
    }
    int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (nameBytes == 0 || nameBytes > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("metadata name of " + nameBytes + " bytes: 1 to " + MAX_NAME_BYTES
          + " bytes (UTF-8) allowed");
    }
    if (name.startsWith("AWS")) {
      throw new IllegalArgumentException("metadata name " + name + ": names starting with AWS are reserved");
    }
    int valueBytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (valueBytes > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("metadata value of " + valueBytes + " bytes for " + name + ": at most "
          + MAX_VALUE_BYTES + " bytes (UTF-8) allowed");
    }
    if (isPersistent) {
      if (value.isEmpty()) {
        persistent.remove(name);
        return;
      }
      int count = next.size() + persistent.size() + (persistent.containsKey(name) ? 0 : 1);
      checkCount(count);
      persistent.put(name, value);
    } else {
      checkCount(next.size() + persistent.size() + 1);
      next.add(SimpleTag.of(name, value));
    }
  }

  private static void checkCount(int count) {
    if (count > MAX_ITEMS) {
      throw new IllegalArgumentException("more than " + MAX_ITEMS + " metadata items for one fragment "
          + "(persistent ones included)");
    }
  }

  /** The items of the fragment starting now (persistent first, in the order they were put); clears the non-persistent ones. */
  List<SimpleTag> takeForNextFragment() {
    List<SimpleTag> items = new ArrayList<>(persistent.size() + next.size());
    persistent.forEach((k, v) -> items.add(SimpleTag.of(k, v)));
    items.addAll(next);
    next.clear();
    return items;
  }

  /** A Tags element holding {@code items} (TargetTypeValue 50, as the service writes metadata), or an empty array. */
  static byte[] tagsElement(List<SimpleTag> items) {
    return items.isEmpty() ? new byte[0] : MkvWriter.MINIMAL.tags(List.of(new Tag(50, items)));
  }
}
