package io.vidlog.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ConnectionGuardTest {
  @Test
  void ipv4ClientsAreAddresses() {
    assertEquals("192.0.2.7", ConnectionGuard.clientOf("192.0.2.7"));
    assertNotEquals(ConnectionGuard.clientOf("192.0.2.7"), ConnectionGuard.clientOf("192.0.2.8"));
  }

  @Test
  void ipv6ClientsAreSlash64s() {
    String a = ConnectionGuard.clientOf("2001:db8:0:1::5");
    assertEquals("2001:db8:0:1::/64", a);
    assertEquals(a, ConnectionGuard.clientOf("2001:db8:0:1:ffff:ffff:ffff:ffff"));
    assertEquals(a, ConnectionGuard.clientOf("2001:0db8:0000:0001:1234:5678:9abc:def0"));
    assertNotEquals(a, ConnectionGuard.clientOf("2001:db8:0:2::5"));
    assertEquals("0:0:0:0::/64", ConnectionGuard.clientOf("::1"));
  }

  @Test
  void ipv4MappedIpv6IsTheIpv4Client() {
    assertEquals("192.0.2.7", ConnectionGuard.clientOf("::ffff:192.0.2.7"));
  }
}
