package io.vidlog.server.cluster;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.List;

/**
 * The archive as ingest sees it on a node of a cluster: a chunk is committed only while this node
 * still owns the stream ({@link StreamOwners#confirm}); a fenced owner's chunk is dropped and never
 * becomes visible to the others (docs/cluster.md §Fencing). Reads pass through.
 */
final class FencedArchive implements FragmentArchive {
  private final FragmentArchive archive;
  private final StreamOwners owners;

  FencedArchive(FragmentArchive archive, StreamOwners owners) {
    this.archive = archive;
    this.owners = owners;
  }

  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    ChunkWriter writer = archive.begin(stream, number);
    return ChunkWriter.withCommit(writer, header -> owners.confirm(stream.streamId()).transform(ar -> {
      if (ar.failed()) {
        writer.abort();
        return Future.failedFuture(ar.cause());
      }
      return writer.commit(header);
    }));
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    return archive.open(stream, number);
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    return archive.header(stream, number);
  }

  @Override
  public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
    return archive.list(stream, after, max);
  }

  @Override
  public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
    return archive.delete(stream, number);
  }
}
