package io.vidlog.server.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a data dir that only an interrupted write leaves behind. Every durable write of the
 * server goes through a file of its own that is renamed into place when complete:
 * <ul>
 *   <li>{@code objects/.tmp/.tmp-<instance>-<uuid>}: an fs object store put, renamed over the
 *       object's key ({@code objects/**}/{@code .tmp-*} for its copy across file systems and for
 *       earlier versions);</li>
 *   <li>{@code spool/<streamId>.<fragment>.<uuid>.spool}: a chunk being sealed, renamed to its object
 *       when the fragment is stored;</li>
 *   <li>{@code spool/uploads/vidlog-upload-*.spool}: a progressive MP4 upload;</li>
 *   <li>{@code *.tmp}: a master key ({@code keys/.master-<id>.tmp}), the TLS certificate and key,
 *       the admin credentials and the access-key generation, each renamed over its file.</li>
 * </ul>
 * Besides those names, any dot-file under {@code objects/} counts: the store's listing skips dot
 * names, so such a file would be invisible and never deleted by retention.
 */
final class DataDirLeftovers {
  private DataDirLeftovers() {}

  /** The leftovers under {@code dataDir}, as paths relative to it. */
  static List<String> in(Path dataDir) throws IOException {
    Path objects = dataDir.resolve("objects");
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files.filter(Files::isRegularFile).filter(f -> isLeftover(f, objects))
          .map(f -> dataDir.relativize(f).toString()).sorted().toList();
    }
  }

  static boolean isLeftover(Path file, Path objects) {
    String name = file.getFileName().toString();
    return name.endsWith(".tmp") || name.endsWith(".spool") || name.startsWith(".tmp-")
        || name.startsWith("vidlog-upload-") || file.startsWith(objects) && name.startsWith(".");
  }
}
