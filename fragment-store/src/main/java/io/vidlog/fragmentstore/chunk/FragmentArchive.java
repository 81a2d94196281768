package io.vidlog.fragmentstore.chunk;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.List;
import java.util.function.Function;

/**
 * Sealed, self-contained fragment chunks in the object store, one object per fragment
 * ({@code streams/<streamId>/chunks/<fragmentNumber>}). Writing streams plaintext MKV through
 * AES-256-GCM in fixed-size segments into a local spool file (never the whole fragment in the heap)
 * and hands the file to {@link io.vidlog.fragmentstore.object.ObjectStore#putFile}; reading streams
 * it back decrypted, segment by segment, with back-pressure.
 */
public interface FragmentArchive {

  /** Starts the chunk of one fragment. */
  ChunkWriter begin(StreamInfo stream, FragmentNumber number);

  /** Opens a stored chunk; fails with StoreException NOT_FOUND or INTEGRITY. */
  Future<ChunkReader> open(StreamInfo stream, FragmentNumber number);

  /** Reads only the header of a stored chunk (index rebuild). */
  Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number);

  /** Fragment numbers of stored chunks in ascending order, strictly after {@code after} (null: from the first). */
  Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max);

  /** Deletes one chunk (retention). */
  Future<Void> delete(StreamInfo stream, FragmentNumber number);

  /** One chunk being written. Not thread-safe: one producer connection writes it. */
  interface ChunkWriter {
    /**
     * Appends plaintext MKV bytes; the future completes when more may be written (back-pressure).
     * The writer takes {@code mkv} over and may keep a reference until the bytes are sealed: the
     * caller must not change them afterwards.
     */
    Future<Void> write(Buffer mkv);

    /** Seals the header and the rest, stores the object durably; completes when PERSISTED may be acked. */
    Future<Void> commit(ChunkHeader header);

    /** Drops the chunk and its spool file; nothing becomes visible. */
    void abort();

    /** {@code writer} with its commit done by {@code commit} (which calls the writer's own), for decorators. */
    static ChunkWriter withCommit(ChunkWriter writer, Function<ChunkHeader, Future<Void>> commit) {
      return new ChunkWriter() {
        @Override
        public Future<Void> write(Buffer mkv) {
          return writer.write(mkv);
        }

        @Override
        public Future<Void> commit(ChunkHeader header) {
          return commit.apply(header);
        }

        @Override
        public void abort() {
          writer.abort();
        }
      };
    }
  }

  /** A stored chunk being read. */
  interface ChunkReader {
    ChunkHeader header();

    /** The plaintext MKV bytes, decrypted as they are read; paused until fetched or piped. */
    ReadStream<Buffer> mkv();
  }
}
