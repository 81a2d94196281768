package io.vidlog.ingest;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vertx.core.Future;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mp4.Mp4LayoutProbe;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * An MP4 upload on {@code /putMedia} (Content-Type {@code video/mp4} or a body opening with
 * {@code ftyp}). The head of the body is held while {@link Mp4LayoutProbe} reads its box headers:
 * a moov with {@code mvex} (fragmented MP4) is demuxed as it arrives by {@link Mp4Stream}, so acks
 * and live frames flow while the upload continues; anything else (mdat before moov, a moov without
 * mvex, or a head over {@link #MAX_HEAD_BYTES} before the question is settled) is spooled to disk
 * by the {@code spool} parser and demuxed when the body ends. Either way the held head is replayed
 * into the chosen parser first, so it sees the body from its first byte. The held head and every
 * buffer of the chosen parser are charged to the connection's budget ({@link IngestBuffers}).
 */
final class Mp4Upload implements BodyParser {
  /**
   * Most bytes held before the layout is known. A fragmented moov is a few KB (its sample tables are
   * empty, or list one fragment); a larger head is a progressive moov at the start, or boxes before
   * the moov that only the file demuxer skips cheaply, so it is spooled.
   */
  static final int MAX_HEAD_BYTES = 1 << 20;

  private final IngestConfig config;
  private final MkvHandler handler;
  private final IngestBuffers buffers;
  private final ByteBudget budget;
  private final Function<ByteBudget, BodyParser> spool;
  private final Mp4LayoutProbe probe = new Mp4LayoutProbe();
  private final ArrayDeque<ByteBuffer> head = new ArrayDeque<>();
  private long headBytes;
  private BodyParser target;

  /**
   * {@code spool} makes the parser for a progressive upload, charging the budget it is given;
   * called at most once.
   */
  Mp4Upload(IngestConfig config, MkvHandler handler, IngestBuffers buffers, Function<ByteBudget, BodyParser> spool) {
    this.config = config;
    this.handler = handler;
    this.buffers = buffers;
    this.budget = buffers.connection();
    this.spool = spool;
  }

  @Override
  public void feed(ByteBuffer bytes) {
    try {
      take(bytes);
    } catch (MediaFormatException e) {
      throw buffers.refusal(e);
    }
  }

  private void take(ByteBuffer bytes) {
    if (target != null) {
      target.feed(bytes);
      return;
    }
    Mp4LayoutProbe.Layout layout = probe.push(bytes);
    if (layout == Mp4LayoutProbe.Layout.UNDECIDED && headBytes + bytes.remaining() <= MAX_HEAD_BYTES) {
      budget.reserve(bytes.remaining(), MP4, headBytes, "holding the head of an MP4 upload until its layout is known");
      byte[] copy = new byte[bytes.remaining()];
      bytes.duplicate().get(copy);
      head.add(ByteBuffer.wrap(copy));
      headBytes += copy.length;
      return;
    }
    target = layout == Mp4LayoutProbe.Layout.FRAGMENTED ? new Mp4Stream(handler, config, budget)
        : spool.apply(budget);
    while (!head.isEmpty()) {
      ByteBuffer held = head.poll();
      int n = held.remaining();
      try {
        target.feed(held);
      } finally {
        budget.release(n);
        headBytes -= n;
      }
    }
    target.feed(bytes);
  }

  @Override
  public Future<Void> end() {
    if (target == null) {
      throw MP4.malformed(headBytes, "MP4 body ends after " + headBytes
          + " bytes, before its moov told whether it is fragmented");
    }
    Future<Void> end;
    try {
      end = target.end();
    } catch (MediaFormatException e) {
      throw buffers.refusal(e);
    }
    return end.recover(e -> Future.failedFuture(buffers.refusal(e)));
  }

  @Override
  public boolean behind() {
    return target != null && target.behind();
  }

  @Override
  public void resume() {
    if (target != null) {
      target.resume();
    }
  }

  @Override
  public void close() {
    head.clear();
    budget.release(headBytes);
    headBytes = 0;
    if (target != null) {
      target.close();
    }
  }
}
