package io.vidlog.bench.index;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.List;

/** An archive with no chunks, for benchmarks of the in-memory index. */
final class EmptyArchive implements FragmentArchive {
  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    return Future.failedFuture(new UnsupportedOperationException());
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    return Future.failedFuture(new UnsupportedOperationException());
  }

  @Override
  public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
    return Future.succeededFuture();
  }
}
