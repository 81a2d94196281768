package io.vidlog.server.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small file system made for one test: a size-limited tmpfs mounted at a directory inside a mount
 * namespace of its own, held by a sleeping process. Servers are started inside that namespace
 * through {@link #launcher()} ({@code nsenter}, which execs the JVM: the process is the server), the
 * test reads and writes the mount through the holder's {@code /proc/<pid>/root}, and the mount goes
 * away with the namespace when the holder and the servers in it have ended. As root it needs
 * {@code unshare --mount}; otherwise {@code unshare --user --map-root-user --mount} (an unprivileged
 * user namespace, which the kernel must allow). Nothing is mounted where other processes see it.
 */
final class SmallDisk implements AutoCloseable {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  private final Process holder;
  private final Path mountPoint;

  private SmallDisk(Process holder, Path mountPoint) {
    this.holder = holder;
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code megabytes} MiB at {@code mountPoint} (an existing empty directory). */
  static SmallDisk mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
    Path at = mountPoint.toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("unshare"));
    if (!ROOT) {
      command.addAll(List.of("--user", "--map-root-user"));
    }
    // an hour at most: a holder left by a killed test JVM does not keep its namespace for ever
    command.addAll(List.of("--mount", "--propagation", "private", "sh", "-c",
        "mount -t tmpfs -o size=" + megabytes + "m tmpfs \"$0\" && echo mounted && exec sleep 3600", at.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"mounted".equals(line)) {
      p.destroyForcibly();
      throw new IllegalStateException("could not mount a tmpfs at " + at + " in a mount namespace of its own ("
          + String.join(" ", command) + "): " + line);
    }
    return new SmallDisk(p, at);
  }

  /** The command prefix that runs a program inside the namespace where the tmpfs is mounted. */
  List<String> launcher() {
    List<String> l = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(holder.pid()), "-m"));
    if (!ROOT) {
      l.addAll(1, List.of("-U", "--preserve-credentials"));
    }
    return l;
  }

  /** {@code path} (under the mount point) as this process reaches it: through the holder's root. */
  Path outside(Path path) {
    return Path.of("/proc/" + holder.pid() + "/root" + path.toAbsolutePath());
  }

  /** Grows (or shrinks) the tmpfs to {@code megabytes} MiB in place: {@code mount -o remount,size=}. */
  void resize(int megabytes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launcher());
    command.addAll(List.of("mount", "-o", "remount,size=" + megabytes + "m", mountPoint.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("remount failed: " + out);
    }
  }

  /** Ends the holder; the tmpfs is unmounted once nothing else runs in its namespace. */
  @Override
  public void close() throws InterruptedException {
    holder.destroy();
    holder.waitFor(30, TimeUnit.SECONDS);
  }
}
