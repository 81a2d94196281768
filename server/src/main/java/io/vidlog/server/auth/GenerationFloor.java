package io.vidlog.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest {@link KeySet} generation this node has seen, kept beside its data dir
 * ({@value #FILE}): a key set older than that was rolled back (an old copy of the store put back), and
 * with it revocations undone, so it is refused. The object store alone cannot tell: anyone able to
 * write it can put back any older state, but not this file on the node.
 */
public final class GenerationFloor {
  public static final String FILE = "access-key-set.generation";
  private static final Logger LOG = LoggerFactory.getLogger(GenerationFloor.class);

  private final Path file;
  private final Executor writer;
  private final AtomicLong seen;

  private GenerationFloor(Path file, Executor writer, long initial) {
    this.file = file;
    this.writer = writer;
    this.seen = new AtomicLong(initial);
  }

  /** Kept only in memory (tests, or a node without a data dir). */
  public static GenerationFloor inMemory() {
    return new GenerationFloor(null, Runnable::run, 0);
  }

  /**
   * Read now from {@code dataDir}; raised values are written by {@code writer} (a worker thread on the
   * server, the calling thread in the CLI, which exits right after).
   */
  public static GenerationFloor inDataDir(Path dataDir, Executor writer) {
    Path file = dataDir.resolve(FILE);
    try {
      return new GenerationFloor(file, writer, Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    } catch (NoSuchFileException e) {
      return new GenerationFloor(file, writer, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(file + " does not hold a key-set generation: delete it to start over", e);
    }
  }

  public long get() {
    return seen.get();
  }

  /** Where it is kept, for messages ("in memory" without a file). */
  public String where() {
    return file == null ? "in memory" : file.toString();
  }

  /** Records that {@code generation} was seen; a lower value changes nothing. */
  void raise(long generation) {
    long before = seen.getAndAccumulate(generation, Math::max);
    if (generation > before && file != null) {
      writer.execute(this::write);
    }
  }

  /** Writes the current value (whichever write runs last writes the highest). */
  private synchronized void write() {
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try {
      Files.writeString(tmp, Long.toString(seen.get()) + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot record the access-key set generation in {}: {}", file, e.toString());
    }
  }
}
