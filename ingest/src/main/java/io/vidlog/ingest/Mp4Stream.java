package io.vidlog.ingest;

import io.vertx.core.Future;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mp4.FragmentedMp4Demuxer;
import io.vidlog.media.mp4.Mp4Limits;
import java.nio.ByteBuffer;

/**
 * A fragmented MP4 upload (moov with mvex, then moof+mdat pairs) demuxed as the body arrives, on
 * the connection's event loop like an MKV body: {@link FragmentedMp4Demuxer} buffers only the small
 * boxes it must read whole and hands samples out as views of the arriving bytes, {@link Mp4ToMkv}
 * turns them into MKV events for the connection's handler. So each frame reaches the live feed as
 * soon as its bytes are in, BUFFERING goes out at a fragment's first sample and RECEIVED/PERSISTED
 * while the upload continues; the connection's usual back-pressure (the request paused while the
 * store is behind) bounds what is in memory. Nothing touches the disk.
 */
final class Mp4Stream implements BodyParser {
  private final FragmentedMp4Demuxer demuxer;

  /** {@code budget}: charged for the demuxer's buffers, returned at {@link #close()}. */
  Mp4Stream(MkvHandler handler, IngestConfig config, ByteBudget budget) {
    this.demuxer = new FragmentedMp4Demuxer(new Mp4ToMkv(handler, config.mp4TargetFragment().toNanos(),
        config.maxFragmentDuration().toNanos()), Mp4Limits.defaults(), budget);
  }

  @Override
  public void feed(ByteBuffer bytes) {
    demuxer.push(bytes);
  }

  @Override
  public Future<Void> end() {
    demuxer.end();
    return Future.succeededFuture();
  }

  @Override
  public void close() {
    demuxer.close();
  }
}
