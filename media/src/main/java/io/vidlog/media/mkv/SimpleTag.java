package io.vidlog.media.mkv;

import java.util.List;

/**
 * A SimpleTag: TagName with a TagString (or TagBinary; then {@code value} is null) and any nested
 * SimpleTags. KVS fragment metadata is a flat list of name/string pairs (docs/wire-protocol.md §5).
 */
public record SimpleTag(String name, String value, byte[] binary, List<SimpleTag> children) {
  public static SimpleTag of(String name, String value) {
    return new SimpleTag(name, value, null, List.of());
  }
}
