package io.vidlog.playback.testing;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.live.LiveEvent;
import io.vidlog.fragmentstore.live.LiveFeed;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.TrackEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds fragments in the stored chunk layout ({@link ChunkHeader}'s javadoc): EBML header,
 * unknown-size Segment, Info, Tracks, producer Tags, unknown-size Cluster (Timecode, SimpleBlocks),
 * producer Tags after the blocks — and the live events ingest would publish for the same fragment.
 */
public final class TestChunks {
  public static final int FRAME_MILLIS = 100;
  private static final MkvWriter MKV = MkvWriter.KVS;

  private TestChunks() {}

  /** One fragment: its header, its stored bytes, and the parts live events carry. */
  public record Fragment(ChunkHeader header, Buffer mkv, Buffer mkvHeader, List<TestMedia.Frame> frames,
      Buffer mkvTrailer) {

    public FragmentNumber number() {
      return header.number();
    }

    public LiveEvent.FragmentStart start() {
      return new LiveEvent.FragmentStart(header.number(), header.serverTimestampMillis(),
          header.producerTimestampMillis(), header.clusterTimecode(), mkvHeader);
    }

    public LiveEvent.Frame frame(int j) {
      TestMedia.Frame f = frames.get(j);
      return new LiveEvent.Frame(header.number(), 1, j * FRAME_MILLIS, f.keyFrame() ? 0x80 : 0, Buffer.buffer(f.data()));
    }

    public LiveEvent.FragmentEnd end(boolean persisted) {
      return new LiveEvent.FragmentEnd(header.number(), header, mkvTrailer, persisted);
    }

    /** Publishes the whole fragment to {@code feed}, as ingest would. */
    public void publishTo(LiveFeed feed, boolean persisted) {
      feed.publish(start());
      for (int j = 0; j < frames.size(); j++) {
        feed.publish(frame(j));
      }
      feed.publish(end(persisted));
    }
  }

  /** Zero-padded like vidlog's minted numbers, so they sort as strings too. */
  public static FragmentNumber number(long n) {
    return new FragmentNumber(String.format("%020d", n));
  }

  /**
   * Fragment {@code i} of a test stream: GOP {@code i} of the fixture, server time
   * {@code baseMillis + i * gop length}, producer time relative to the stream start, with producer
   * metadata {@code meta-i} before the cluster and {@code after-i} after it.
   */
  public static Fragment fragment(int i, long baseMillis) {
    return fragment(i, baseMillis, 0);
  }

  /**
   * As {@link #fragment(int, long)}, each frame {@code padding} bytes longer (bulk tests): a filler
   * data NAL unit (H.264 type 12) behind its length field, so the frames stay valid H.264.
   */
  public static Fragment fragment(int i, long baseMillis, int padding) {
    long producerMillis = (long) i * TestMedia.get().gop(i).size() * FRAME_MILLIS;
    return fragment(i, baseMillis + producerMillis, producerMillis, padding);
  }

  /** Fragment {@code i} with the given server and producer timestamps (the cluster timecode is the producer one). */
  public static Fragment fragment(int i, long serverMillis, long producerMillis, int padding) {
    return fragment(i, serverMillis, producerMillis, padding, TestMedia.get().codecPrivate);
  }

  /** As {@link #fragment(int, long, long, int)}, its track declared with {@code codecPrivate}. */
  public static Fragment fragment(int i, long serverMillis, long producerMillis, int padding, byte[] codecPrivate) {
    TestMedia media = TestMedia.get();
    List<TestMedia.Frame> gop = media.gop(i);
    if (padding > 0) {
      gop = gop.stream().map(f -> new TestMedia.Frame(filler(f.data(), padding), f.keyFrame())).toList();
    }
    FragmentNumber number = number(1000 + i);

    Buffer head = Buffer.buffer();
    head.appendBytes(MKV.ebmlHeader());
    head.appendBytes(MKV.segmentStartUnknownSize());
    head.appendBytes(MKV.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, "vidlog-test",
        "vidlog-test", null)));
    head.appendBuffer(tracks(media, codecPrivate));
    head.appendBuffer(tags("meta-" + i, "value-" + i));
    long clusterOffset = head.length();

    Buffer cluster = ChunkMkv.clusterStart(producerMillis);
    for (int j = 0; j < gop.size(); j++) {
      TestMedia.Frame f = gop.get(j);
      cluster.appendBuffer(ChunkMkv.simpleBlockHeader(1, j * FRAME_MILLIS, f.keyFrame() ? 0x80 : 0, f.data().length));
      cluster.appendBytes(f.data());
    }
    Buffer trailer = tags("after-" + i, "tail-" + i);
    Buffer mkv = Buffer.buffer().appendBuffer(head).appendBuffer(cluster).appendBuffer(trailer);
    ChunkHeader header = new ChunkHeader(number, serverMillis, producerMillis, (long) gop.size() * FRAME_MILLIS,
        producerMillis, List.of(new ChunkHeader.TrackSummary(1, TestMedia.CODEC_ID, gop.size())),
        List.of(new ChunkHeader.Metadata("meta-" + i, "value-" + i), new ChunkHeader.Metadata("after-" + i, "tail-" + i)),
        clusterOffset, mkv.length());
    return new Fragment(header, mkv, head, List.copyOf(gop), trailer);
  }

  /** {@code data} followed by a filler NAL unit of {@code padding} bytes in all (at least 6). */
  static byte[] filler(byte[] data, int padding) {
    if (padding < 6) {
      throw new IllegalArgumentException("a filler NAL unit takes at least 6 bytes, not " + padding);
    }
    byte[] out = java.util.Arrays.copyOf(data, data.length + padding);
    java.nio.ByteBuffer.wrap(out, data.length, padding).putInt(padding - 4).put((byte) 0x0C);
    java.util.Arrays.fill(out, data.length + 5, out.length - 1, (byte) 0xFF);
    out[out.length - 1] = (byte) 0x80; // rbsp_trailing_bits
    return out;
  }

  public static List<Fragment> fragments(int count, long baseMillis) {
    return fragments(count, baseMillis, 0);
  }

  public static List<Fragment> fragments(int count, long baseMillis, int padding) {
    List<Fragment> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(fragment(i, baseMillis, padding));
    }
    return list;
  }

  static Buffer tracks(TestMedia media, byte[] codecPrivate) {
    return Buffer.buffer(MKV.tracks(List.of(new TrackEntry(1, 1, TrackEntry.TYPE_VIDEO, TestMedia.CODEC_ID, null,
        codecPrivate, 0, media.width, media.height, Double.NaN, 0, 0))));
  }

  static Buffer tags(String name, String value) {
    return Buffer.buffer(MKV.tags(SimpleTag.of(name, value)));
  }
}
