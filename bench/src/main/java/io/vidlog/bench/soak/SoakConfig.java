package io.vidlog.bench.soak;

import io.vidlog.bench.ingest.PacedCamera;
import java.nio.file.Path;
import java.util.List;

/**
 * One run of {@link SoakRun}: how many cameras at what rate, which readers, the phases, the server's
 * heap and how often the server is sampled.
 *
 * @param readers readers of each kind, {@code NORMAL, STOPPED, SLOW, RECONNECTING} in that order
 * @param phases what runs one after the other after the warm-up
 * @param stoppedReadMillis how long a STOPPED reader reads before it stops again
 * @param stoppedStopMillis how long a STOPPED reader stops reading each time
 * @param gcEverySeconds how often the server is made to collect fully, for heap after GC
 */
record SoakConfig(Path jar, Path dir, int cameras, PacedCamera.Profile profile, int[] readers, int archiveLoops,
    int heapMb, int warmUpSeconds, List<Phase> phases, int sampleSeconds, int gcEverySeconds,
    long stoppedReadMillis, long stoppedStopMillis) {

  /**
   * A stretch of the run: with or without the readers (and the archive loops); it lasts
   * {@code seconds}, and then on until the cameras have sent {@code untilBytes} since it began (a
   * busy machine sends less in the same time; a reader must fall behind by bytes to be cut off).
   */
  record Phase(String name, int seconds, boolean readers, long untilBytes) {
    Phase(String name, int seconds, boolean readers) {
      this(name, seconds, readers, 0);
    }
  }

  int readerCount() {
    int n = 0;
    for (int r : readers) {
      n += r;
    }
    return n;
  }

  LiveReader.Kind kindOf(int reader) {
    int at = reader;
    for (LiveReader.Kind k : LiveReader.Kind.values()) {
      if (at < readers[k.ordinal()]) {
        return k;
      }
      at -= readers[k.ordinal()];
    }
    throw new IllegalArgumentException("reader " + reader + " of " + readerCount());
  }
}
