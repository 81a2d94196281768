package io.vidlog.server.auth;

import io.vidlog.kvs.KvsActions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTest {

  @ParameterizedTest
  @CsvSource({
      "cam-*, cam-1, true", "cam-*, cam-, true", "cam-*, cam, false", "cam-*, xcam-1, false",
      "*, anything, true", "*, '', true", "cam-?, cam-1, true", "cam-?, cam-12, false",
      "*-front, door-front, true", "*-front, door-back, false", "a*b*c, axxbyyc, true", "a*b*c, axxbyy, false",
      "exact, exact, true", "exact, exact2, false", "**, x, true"})
  void globs(String pattern, String name, boolean expected) {
    assertEquals(expected, Glob.matches(pattern, name));
  }

  @Test
  void hostileGlobsStayLinear() {
    String name = "a".repeat(5_000);
    assertFalse(Glob.matches("*a*a*a*a*a*a*a*a*a*a*b", name));
  }

  @Test
  void actionsTimesStreams() {
    Policy p = new Policy(false, Set.of("PutMedia", "DescribeStream"), List.of("cam-*", "door"));
    assertTrue(p.allows("PutMedia", "cam-1"));
    assertTrue(p.allows("DescribeStream", "door"));
    assertFalse(p.allows("GetMedia", "cam-1"), "action not granted");
    assertFalse(p.allows("PutMedia", "garage"), "stream not granted");
    assertTrue(p.allows("DescribeStream", null), "stream-less check needs only the action");
    assertFalse(p.allows("ListStreams", null));
  }

  @Test
  void wildcardActionAndAdmin() {
    Policy all = new Policy(false, Set.of("*"), List.of("lab-*"));
    assertTrue(all.allows("DeleteStream", "lab-1"));
    assertFalse(all.allows("DeleteStream", "prod-1"));
    Policy admin = Policy.adminPolicy();
    assertTrue(admin.allows("DeleteStream", "prod-1"));
    assertTrue(admin.allows("Anything", null));
  }

  @Test
  void actionNames() {
    assertEquals("PutMedia", KvsActions.normalise("kinesisvideo:PutMedia"));
    assertEquals("GetHLSStreamingSessionURL", KvsActions.normalise("gethlsstreamingsessionurl"));
    assertEquals("*", KvsActions.normalise("*"));
    assertNull(KvsActions.normalise("DropTables"));
    assertEquals("CreateStream", KvsActions.ofPath("/createStream"));
    assertEquals("TagResource", KvsActions.ofPath("/TagResource"));
  }
}
