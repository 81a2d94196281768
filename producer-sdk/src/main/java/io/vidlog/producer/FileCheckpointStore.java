package io.vidlog.producer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** {@link CheckpointStore#file(Path)}: write a temporary file beside the target, force it, rename it over. */
final class FileCheckpointStore implements CheckpointStore {
  private final Path path;
  private final Path temp;

  FileCheckpointStore(Path path) {
    this.path = path.toAbsolutePath();
    this.temp = this.path.resolveSibling(this.path.getFileName() + ".tmp");
  }

  @Override
  public Optional<Checkpoint> load() throws IOException {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(Checkpoint.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IOException("checkpoint file " + path + " does not hold a checkpoint: " + e.getMessage(), e);
    }
  }

  @Override
  public void save(Checkpoint checkpoint) throws IOException {
    byte[] line = (checkpoint.render() + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    // the rename is atomic, so a crash leaves either the old checkpoint or the new one
    Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public String toString() {
    return "CheckpointStore[" + path + "]";
  }
}
