package io.vidlog.fragmentstore.chunk;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.crypto.ScopeKeys;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The {@link FragmentArchive} of vidlog: one sealed object per fragment at
 * {@code streams/<streamId>/chunks/<fragmentNumber>}, in the layout of {@link ChunkLayout}, sealed
 * under the data keys of scope {@link StreamInfo#streamId()} with the AAD
 * {@code (streamId, "chunk", fragmentNumber)}: a chunk copied to another fragment number or another
 * stream fails to open with INTEGRITY.
 *
 * <p>Create it with {@link #open(Vertx, ObjectStore, Crypto, Path)}, which also empties the spool
 * directory of files a crash left behind (they were never acknowledged).
 */
public final class SealedFragmentArchive implements FragmentArchive {
  /** Bytes read from the end of a chunk to find footer and header in one request (headers are small). */
  static final int TAIL_READ = 4096;

  private final Vertx vertx;
  private final ObjectStore store;
  private final Crypto crypto;
  private final Path spoolDir;
  private final SealedSegmentPool segments = new SealedSegmentPool(SealedSegmentPool.DEFAULT_MAX_IDLE);

  private final UncertainChunks uncertain;

  public SealedFragmentArchive(Vertx vertx, ObjectStore store, Crypto crypto, Path spoolDir) {
    this(vertx, store, crypto, spoolDir, 1_000, 60_000);
  }

  /** With the retry delays of {@link UncertainChunks} (tests shorten them). */
  SealedFragmentArchive(Vertx vertx, ObjectStore store, Crypto crypto, Path spoolDir, long firstRetryMillis,
      long maxRetryMillis) {
    this.vertx = vertx;
    this.store = store;
    this.crypto = crypto;
    this.spoolDir = spoolDir;
    this.uncertain = new UncertainChunks(vertx, store, firstRetryMillis, maxRetryMillis);
  }

  /** Creates the spool directory, removes stale spool files (on a worker) and returns the archive. */
  public static Future<SealedFragmentArchive> open(Vertx vertx, ObjectStore store, Crypto crypto, Path spoolDir) {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(spoolDir);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(spoolDir, "*.spool")) {
        for (Path p : ds) {
          Files.deleteIfExists(p);
        }
      }
      return new SealedFragmentArchive(vertx, store, crypto, spoolDir);
    }, false);
  }

  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    Path spool = spoolDir.resolve(stream.streamId() + "." + number.value() + "." + UUID.randomUUID() + ".spool");
    return uncertain.watch(new SealingChunkWriter(vertx, store, crypto, stream.streamId(), number, spool, segments),
        ChunkLayout.key(stream.streamId(), number));
  }

  /** Chunks whose upload failed with an unknown outcome, waiting to be deleted once the store answers. */
  public int uncertainChunks() {
    return uncertain.waiting();
  }

  /**
   * Sealed-segment arrays lent to chunk writes in flight: back to zero once every chunk was
   * committed or aborted and its writes completed (a leak shows as a count that never returns).
   */
  public int sealedSegmentsInUse() {
    return segments.inUse();
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    return openHeader(stream, number).map(o -> new SealedChunkReader(vertx, store, o.key, o.opener, o.header,
        o.footer.mkvLength()));
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    return openHeader(stream, number).map(o -> o.header);
  }

  @Override
  public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
    return list(store, stream, after, max);
  }

  /**
   * The fragment numbers of the chunk objects of a stream in {@code store}, ascending, after
   * {@code after} (null: from the first); also for test archives that keep chunks at these keys.
   */
  public static Future<List<FragmentNumber>> list(ObjectStore store, StreamInfo stream, FragmentNumber after,
      int max) {
    String prefix = ChunkLayout.prefix(stream.streamId());
    return store.list(prefix, after == null ? null : prefix + after.value(), max).map(infos -> {
      List<FragmentNumber> out = new ArrayList<>(infos.size());
      for (ObjectInfo i : infos) {
        String name = i.key().substring(prefix.length());
        if (FragmentNumber.isValid(name)) {
          out.add(new FragmentNumber(name));
        }
      }
      return out;
    });
  }

  @Override
  public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
    return store.delete(ChunkLayout.key(stream.streamId(), number));
  }

  private record Opened(String key, StreamingSeal opener, ChunkLayout.Footer footer, ChunkHeader header) {}

  /** stat, then the prefix and the tail in parallel, then (rarely) the rest of a large header. */
  private Future<Opened> openHeader(StreamInfo stream, FragmentNumber number) {
    String key = ChunkLayout.key(stream.streamId(), number);
    SealContext ctx = ChunkLayout.context(stream.streamId(), number);
    String what = "chunk " + number + " of stream " + stream.streamId();
    Future<ScopeKeys> keys = crypto.keys(stream.streamId());
    return store.stat(key).compose(info -> {
      long size = info.size();
      long minimum = StreamingSeal.PREFIX_LENGTH + StreamingSeal.TAG_BYTES + ChunkLayout.FOOTER_LENGTH;
      if (size < minimum) {
        return Future.failedFuture(ChunkLayout.integrity(what + ": object of " + size + " bytes is too short"));
      }
      long tailFrom = Math.max(StreamingSeal.PREFIX_LENGTH, size - TAIL_READ);
      Future<Buffer> prefix = store.getRange(key, 0, StreamingSeal.PREFIX_LENGTH);
      Future<Buffer> tail = store.getRange(key, tailFrom, size - tailFrom);
      return Future.all(prefix, tail, keys).compose(all -> {
        byte[] tailBytes = tail.result().getBytes();
        if (tailBytes.length != size - tailFrom) {
          return Future.failedFuture(ChunkLayout.integrity(what + ": object changed while being read"));
        }
        byte[] footerBytes = Arrays.copyOfRange(tailBytes, tailBytes.length - ChunkLayout.FOOTER_LENGTH, tailBytes.length);
        ChunkLayout.Footer footer = ChunkLayout.parseFooter(footerBytes, size, what);
        StreamingSeal opener = keys.result().chunkOpener(ctx, prefix.result().getBytes());
        long headerAt = footer.headerOffset();
        Future<byte[]> sealedHeader = headerAt >= tailFrom
            ? Future.succeededFuture(Arrays.copyOfRange(tailBytes, (int) (headerAt - tailFrom),
                (int) (headerAt - tailFrom) + footer.sealedHeaderLength()))
            : store.getRange(key, headerAt, footer.sealedHeaderLength()).map(Buffer::getBytes);
        return sealedHeader.map(sealed -> {
          byte[] plain = new byte[sealed.length - StreamingSeal.TAG_BYTES];
          opener.open(footer.headerIndex(), true, footer.bytes(), sealed, 0, sealed.length, plain, 0);
          ChunkHeader header = ChunkHeaderCodec.decode(plain);
          if (header.mkvLength() != footer.mkvLength() || !header.number().value().equals(number.value())) {
            throw ChunkLayout.integrity(what + ": header does not match the chunk");
          }
          return new Opened(key, opener, footer, header);
        });
      });
    });
  }

  /** For tests and tools: the object key of a chunk. */
  public static String objectKey(StreamInfo stream, FragmentNumber number) {
    return ChunkLayout.key(stream.streamId(), number);
  }
}
