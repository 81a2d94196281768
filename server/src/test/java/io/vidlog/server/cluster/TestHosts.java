package io.vidlog.server.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test hosts made of Linux network namespaces ({@code ip netns}, needs CAP_NET_ADMIN): each host has
 * two links, one to a <em>cluster</em> bridge (the nodes' Hazelcast and event bus traffic) and one
 * to a <em>service</em> bridge, which also carries an address of this test's own namespace (the S3
 * server, producers and readers). Cutting a host's cluster link leaves its service link up: the
 * host is partitioned from the cluster while it still reaches the store, the case a stale owner
 * could write in.
 *
 * <p>Every name starts with {@code vlp<pid of this JVM>}, so concurrent runs do not collide and
 * what a killed run left behind is recognised (its pid is gone) and deleted by the next run. The
 * two subnets are derived from the pid as well (10.x.y.0/24 and 10.x.y+1.0/24).
 */
final class TestHosts implements AutoCloseable {
  private static final String PREFIX = "vlp";
  private static final Pattern OURS = Pattern.compile(PREFIX + "(\\d+)[a-z]*\\d*");

  private final String base;
  private final String serviceNet;
  private final String clusterNet;
  private final List<String> hosts = new ArrayList<>();

  private TestHosts(long pid) {
    this.base = PREFIX + pid;
    int n = (int) (pid % 30_000);
    int x = 16 + n / 128;
    int y = (n % 128) * 2;
    this.serviceNet = "10." + x + "." + y + ".";
    this.clusterNet = "10." + x + "." + (y + 1) + ".";
  }

  /**
   * Why namespaces cannot be made here (no {@code ip} command, or not permitted), or null when a
   * namespace was made and deleted again.
   */
  static String unavailable() {
    String probe = PREFIX + ProcessHandle.current().pid() + "probe";
    try {
      Result r = ip("netns", "add", probe);
      if (r.code != 0) {
        return "'ip netns add' failed (needs root or CAP_NET_ADMIN): " + r.output.trim();
      }
      ip("netns", "delete", probe);
      return null;
    } catch (IOException e) {
      return "no 'ip' command (iproute2): " + e.getMessage();
    }
  }

  /** Deletes namespaces and links of earlier runs whose JVM is gone (a run killed before its cleanup). */
  static void deleteLeftovers() throws IOException {
    for (String ns : ip("netns", "list").output.lines().map(l -> l.split(" ")[0]).toList()) {
      if (stale(ns)) {
        ip("netns", "delete", ns);
      }
    }
    for (String line : ip("-o", "link", "show").output.lines().toList()) {
      String[] f = line.split(":\\s+");
      if (f.length > 1) {
        String link = f[1].split("@")[0];
        if (stale(link)) {
          ip("link", "delete", link);
        }
      }
    }
  }

  private static boolean stale(String name) {
    Matcher m = OURS.matcher(name);
    if (!m.matches()) {
      return false;
    }
    long pid = Long.parseLong(m.group(1));
    return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }

  /** The two bridges, this namespace's service address being {@link #serviceGateway()}. */
  static TestHosts create() throws IOException {
    TestHosts t = new TestHosts(ProcessHandle.current().pid());
    try {
      t.must("link", "add", t.base + "c", "type", "bridge");
      t.must("link", "set", t.base + "c", "up");
      t.must("link", "add", t.base + "s", "type", "bridge");
      t.must("addr", "add", t.serviceNet + "1/24", "dev", t.base + "s");
      t.must("link", "set", t.base + "s", "up");
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  /** This JVM's address on the service network (where the S3 server listens). */
  String serviceGateway() {
    return serviceNet + "1";
  }

  /**
   * Adds host number {@code i} (0-based): a namespace with loopback, a cluster link at {@link
   * #clusterAddress} and a service link at {@link #serviceAddress}.
   */
  void addHost(int i) throws IOException {
    String ns = namespace(i);
    must("netns", "add", ns);
    hosts.add(ns);
    must("-n", ns, "link", "set", "lo", "up");
    link(ns, base + "c" + i, "clu", base + "c", clusterAddress(i));
    link(ns, base + "s" + i, "svc", base + "s", serviceAddress(i));
  }

  private void link(String ns, String outside, String inside, String bridge, String address) throws IOException {
    must("link", "add", outside, "type", "veth", "peer", "name", inside, "netns", ns);
    must("link", "set", outside, "master", bridge, "up");
    must("-n", ns, "addr", "add", address + "/24", "dev", inside);
    must("-n", ns, "link", "set", inside, "up");
  }

  String namespace(int i) {
    return base + "n" + i;
  }

  String clusterAddress(int i) {
    return clusterNet + (i + 2);
  }

  String serviceAddress(int i) {
    return serviceNet + (i + 2);
  }

  /** The command prefix that runs a program inside host {@code i}. */
  List<String> launcher(int i) {
    return List.of("ip", "netns", "exec", namespace(i));
  }

  /** Takes host {@code i}'s cluster link down (its service link stays up). */
  void cut(int i) throws IOException {
    must("link", "set", base + "c" + i, "down");
  }

  /** Brings host {@code i}'s cluster link up again. */
  void heal(int i) throws IOException {
    must("link", "set", base + "c" + i, "up");
  }

  /** Deletes the namespaces (their links go with them) and the bridges; what fails is reported, the rest still goes. */
  @Override
  public void close() throws IOException {
    List<String> failed = new ArrayList<>();
    for (String ns : hosts) {
      Result r = ip("netns", "delete", ns);
      if (r.code != 0) {
        failed.add(ns + ": " + r.output.trim());
      }
    }
    for (String bridge : List.of(base + "c", base + "s")) {
      Result r = ip("link", "delete", bridge);
      if (r.code != 0 && !r.output.contains("Cannot find device")) {
        failed.add(bridge + ": " + r.output.trim());
      }
    }
    if (!failed.isEmpty()) {
      throw new IOException("could not delete test hosts: " + failed);
    }
  }

  private void must(String... args) throws IOException {
    Result r = ip(args);
    if (r.code != 0) {
      throw new IOException("ip " + String.join(" ", args) + " failed: " + r.output.trim());
    }
  }

  private record Result(int code, String output) {}

  private static Result ip(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
