package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.mkv.SimpleTag;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KVS's metadata semantics and limits (docs/wire-protocol.md §5), enforced before anything is sent. */
class FragmentMetadataTest {

  static List<String> take(FragmentMetadata m) {
    return m.takeForNextFragment().stream().map(t -> t.name() + "=" + t.value()).toList();
  }

  @Test
  void nonPersistentItemsGoWithTheNextFragmentOnlyPersistentOnesUntilRemoved() {
    FragmentMetadata m = new FragmentMetadata();
    m.put("p", "1", true);
    m.put("once", "a", false);
    assertEquals(List.of("p=1", "once=a"), take(m));
    assertEquals(List.of("p=1"), take(m));
    m.put("p", "2", true);
    m.put("q", "x", true);
    assertEquals(List.of("p=2", "q=x"), take(m));
    m.put("p", "", true);
    assertEquals(List.of("q=x"), take(m));
    m.put("empty", "", false);
    assertEquals(List.of("q=x", "empty="), take(m));
  }

  @Test
  void limitsAreTheServices() {
    FragmentMetadata m = new FragmentMetadata();
    assertThrows(IllegalArgumentException.class, () -> m.put("AWS_KINESISVIDEO_X", "v", false));
    assertThrows(IllegalArgumentException.class, () -> m.put("AWSome", "v", true));
    assertThrows(IllegalArgumentException.class, () -> m.put("", "v", false));
    assertThrows(IllegalArgumentException.class, () -> m.put("n".repeat(129), "v", false));
    m.put("n".repeat(128), "v".repeat(256), false);
    assertThrows(IllegalArgumentException.class, () -> m.put("n", "é".repeat(129), false), "bytes, not characters");
    for (int i = 1; i < FragmentMetadata.MAX_ITEMS; i++) {
      m.put("k" + i, "v", i % 2 == 0);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.put("eleventh", "v", false));
    assertTrue(e.getMessage().contains("more than 10"), e.getMessage());
    m.put("k2", "replaced", true); // replacing a persistent item adds nothing
    assertEquals(10, m.takeForNextFragment().size());
  }

  @Test
  void itemsBecomeOneTagsElement() {
    assertEquals(0, FragmentMetadata.tagsElement(List.of()).length);
    byte[] tags = FragmentMetadata.tagsElement(List.of(SimpleTag.of("a", "b")));
    assertEquals(0x12, tags[0]); // Tags id 0x1254C367
  }
}
