package io.vidlog.kvs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tag map's refusal names the model's map member ({@code Tags.key}, {@code Tags.value}), never the
 * key the client sent, which is client text of any length. Found by the server's
 * RequestBodiesFuzzTest ({@code finding-tag-key-echoed-in-path}).
 */
class FieldsTagMapTest {

  private static KvsException refusal(JsonObject tags) {
    Fields f = new Fields(new JsonObject().put("Tags", tags));
    KvsException e = assertThrows(KvsException.class, () -> f.tagMap("Tags", true));
    assertEquals(KvsError.INVALID_ARGUMENT, e.error());
    return e;
  }

  @Test
  void aBadKeyIsNamedByItsMemberNotEchoed() {
    String key = "bad,key'" + "x".repeat(1_000);
    KvsException e = refusal(new JsonObject().put(key, "v"));
    assertEquals("1 validation error detected: Value at 'Tags.key' failed to satisfy constraint: Member must have "
        + "length between 1 and 128", e.getMessage());
    assertFalse(refusal(new JsonObject().put("a,b", "v")).getMessage().contains("a,b"));
  }

  @Test
  void aBadValueIsNamedByItsMember() {
    String key = "k".repeat(128);
    assertEquals("1 validation error detected: Value at 'Tags.value' failed to satisfy constraint: Member must be a "
        + "string", refusal(new JsonObject().put(key, 7)).getMessage());
    assertEquals("1 validation error detected: Value at 'Tags.value' failed to satisfy constraint: Member must "
        + "satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
        refusal(new JsonObject().put(key, "semi;colon")).getMessage());
    assertEquals("1 validation error detected: Value at 'Tags.key' failed to satisfy constraint: Member must not "
        + "start with aws:", refusal(new JsonObject().put("aws:x", "v")).getMessage());
  }

  @Test
  void goodTagsAreReadInOrder() {
    Fields f = new Fields(new JsonObject().put("Tags", new JsonObject().put("site", "lab").put("b c", "x=y")));
    assertEquals(Map.of("site", "lab", "b c", "x=y"), f.tagMap("Tags", true));
  }
}
