package io.vidlog.bench.ingest;

import io.vidlog.fragmentstore.chunk.SealedFragmentArchive;
import io.vidlog.fragmentstore.object.FsObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the store did since the last sample: fragments committed, the file and directory fsyncs
 * issued, the block devices' completed flush requests (from
 * {@code /proc/diskstats}, field 19: every process on the machine counts, so read it as an upper
 * bound) and the sealed-segment arrays lent out (a leak shows as a count that keeps growing).
 */
final class StoreProbe {
  private final FsObjectStore store;
  private final SealedFragmentArchive archive;
  private FsObjectStore.CommitStats last;
  private long lastFlushes;

  StoreProbe(FsObjectStore store, SealedFragmentArchive archive) {
    this.store = store;
    this.archive = archive;
    this.last = store.commitStats();
    this.lastFlushes = diskFlushes();
  }

  /** One line about the interval since the previous call. */
  synchronized String sample() {
    FsObjectStore.CommitStats now = store.commitStats();
    long flushes = diskFlushes();
    long files = now.files() - last.files();
    long dirSyncs = now.dirSyncs() - last.dirSyncs();
    long fileSyncs = now.fileSyncs() - last.fileSyncs();
    long deviceFlushes = flushes < 0 ? -1 : flushes - lastFlushes;
    last = now;
    lastFlushes = flushes;
    return String.format("store: %d objects, fsyncs %d file + %d dir, "
        + "device flushes %s (%s per object, all processes), sealed segments lent %d", files, fileSyncs, dirSyncs,
        deviceFlushes < 0 ? "n/a" : Long.toString(deviceFlushes),
        deviceFlushes < 0 || files == 0 ? "n/a" : String.format("%.2f", (double) deviceFlushes / files),
        archive.sealedSegmentsInUse());
  }

  int sealedSegmentsInUse() {
    return archive.sealedSegmentsInUse();
  }

  /** Completed flush requests of all non-virtual block devices, or -1 where the kernel does not say. */
  static long diskFlushes() {
    try {
      long sum = 0;
      for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 20 && !f[2].startsWith("loop") && !f[2].startsWith("ram") && !f[2].matches(".*\\d+p\\d+")
            && !f[2].matches("(sd|vd|xvd)[a-z]+\\d+")) {
          sum += Long.parseLong(f[18]);
        }
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
