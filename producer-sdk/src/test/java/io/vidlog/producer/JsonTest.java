package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void readsWhatItWrites() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("s", "a \"q\" \\ / \n\t\u0001é€😀");
    doc.put("n", new BigDecimal("1597730826.769"));
    doc.put("i", 3);
    doc.put("b", true);
    doc.put("z", null);
    doc.put("l", List.of("x", Map.of("k", "v")));
    String text = Json.write(doc);
    Map<String, Object> back = Json.parseObject(text);
    assertEquals(doc.get("s"), back.get("s"));
    assertEquals(new BigDecimal("1597730826.769"), back.get("n"));
    assertEquals(new BigDecimal("3"), back.get("i"));
    assertEquals(Boolean.TRUE, back.get("b"));
    assertEquals(null, back.get("z"));
    assertEquals(List.of("x", Map.of("k", "v")), back.get("l"));
    assertEquals(text, Json.write(back).replace("\"i\":3", "\"i\":3"));
  }

  @Test
  void readsEscapesAndNumbersAsRfc8259() {
    assertEquals("Aé\n", Json.parse("\"\\u0041\\u00e9\\n\""));
    assertEquals(new BigDecimal("-1.5E+3"), Json.parse(" -1.5e3 "));
    assertEquals(List.of(), Json.parse("[ ]"));
  }

  @Test
  void refusesMalformedDocumentsNamingTheOffset() {
    for (String bad : List.of("", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "01", "1.", "\"\\x\"", "tru", "{} {}",
        "\"a\u0001\"", "-", "[".repeat(100) + "]".repeat(100))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
      assertEquals(true, e.getMessage().startsWith("malformed JSON at offset"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
  }
}
