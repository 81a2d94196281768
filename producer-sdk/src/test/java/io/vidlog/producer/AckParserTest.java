package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ack stream of docs/wire-protocol.md §1.3, read at every split size. */
class AckParserTest {
  static final String STREAM = """
      {"EventType":"BUFFERING","FragmentTimecode":1597730826769,"FragmentNumber":"1765080268123001000000"}
      {"EventType":"RECEIVED","FragmentTimecode":1597730826769,"FragmentNumber":"1765080268123001000000"}

      {"EventType":"PERSISTED","FragmentTimecode":1597730826769,"FragmentNumber":"1765080268123001000000","NewKey":{"x":[1,2]}}
      {"EventType":"ERROR","FragmentTimecode":1597730828769,"FragmentNumber":"1765080270123001000000","ErrorId":4002,"ErrorCode":"MAX_FRAGMENT_DURATION_REACHED"}
      {"EventType":"IDLE"}
      {"EventType":"SOMETHING_NEW","FragmentTimecode":7}
      {"ErrorId":5000,"EventType":"ERROR"}""";

  static List<String> parse(String text) {
    byte[] in = text.getBytes(StandardCharsets.UTF_8);
    return Splits.same(in, way -> {
      List<String> got = new ArrayList<>();
      AckParser p = new AckParser(a -> got.add(a.toString()));
      Splits.feed(in, way, p::feed);
      p.end();
      return got;
    });
  }

  @Test
  void everyAckKindAtEverySplitUnknownKeysAndTypesTolerated() {
    assertEquals(List.of(
        "BUFFERING timecode=1597730826769 fragment=1765080268123001000000",
        "RECEIVED timecode=1597730826769 fragment=1765080268123001000000",
        "PERSISTED timecode=1597730826769 fragment=1765080268123001000000",
        "ERROR timecode=1597730828769 fragment=1765080270123001000000 error=4002 MAX_FRAGMENT_DURATION_REACHED",
        "IDLE",
        "SOMETHING_NEW timecode=7",
        "ERROR error=5000 null"), parse(STREAM));
  }

  @Test
  void fieldsAreTyped() {
    Ack a = AckParser.parse("{\"EventType\":\"ERROR\",\"FragmentTimecode\":12,\"ErrorId\":5001,\"ErrorCode\":\"ARCHIVAL_ERROR\"}");
    assertEquals(AckType.ERROR, a.type());
    assertEquals(12, a.fragmentTimecode().getAsLong());
    assertEquals(5001, a.errorId());
    assertTrue(a.isRetriableError());
    assertEquals(AckType.UNKNOWN, AckParser.parse("{\"EventType\":\"NEW\"}").type());
  }

  @Test
  void garbageIsAConnectionExceptionWithItsOffset() {
    String text = "{\"EventType\":\"IDLE\"}\n<html>502 Bad Gateway</html>\n";
    byte[] in = text.getBytes(StandardCharsets.UTF_8);
    List<Ack> got = new ArrayList<>();
    AckParser p = new AckParser(got::add);
    ConnectionException e = assertThrows(ConnectionException.class, () -> p.feed(in, 0, in.length));
    assertTrue(e.getMessage().contains("at byte 21") && e.getMessage().contains("502 Bad Gateway"), e.getMessage());
    assertEquals(1, got.size());
    assertThrows(ConnectionException.class, () -> p.feed(in, 0, 1), "refuses input after a failure");
    for (String bad : List.of("{}", "{\"EventType\":3}", "[1]", "{\"EventType\":\"ERROR\"}",
        "{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":1e30}")) {
      byte[] b = (bad + "\n").getBytes(StandardCharsets.UTF_8);
      assertThrows(ConnectionException.class, () -> new AckParser(got::add).feed(b, 0, b.length), bad);
    }
  }

  @Test
  void aLineWithoutEndIsBounded() {
    byte[] junk = new byte[AckParser.MAX_LINE + 1];
    java.util.Arrays.fill(junk, (byte) 'x');
    AckParser p = new AckParser(a -> { });
    ConnectionException e = assertThrows(ConnectionException.class, () -> p.feed(junk, 0, junk.length));
    assertTrue(e.getMessage().contains("longer than"), e.getMessage());
  }
}
