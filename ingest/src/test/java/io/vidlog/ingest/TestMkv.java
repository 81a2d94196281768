package io.vidlog.ingest;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.kvs.KvsTag;
import io.vidlog.media.ebml.EbmlWriter;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small MKV inputs in the layout the KVS producer PIC writes (docs/wire-protocol.md §1.1): EBML header,
 * unknown-size Segment, Info, Tracks, then unknown-size Clusters of SimpleBlocks with Tags between
 * them. Used to break each fragment rule on purpose.
 */
final class TestMkv {
  static final int VIDEO = 1;
  static final int AUDIO = 2;
  private final Buffer out = Buffer.buffer();

  /** EBML header, Segment, Info (1 ms scale) and Tracks with {@code tracks} tracks (1 video, then audio). */
  TestMkv header(int tracks) {
    return header(tracks, 1_000_000L);
  }

  TestMkv header(int tracks, long timecodeScaleNs) {
    out.appendBuffer(ChunkMkv.ebmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8)));
    out.appendBuffer(ChunkMkv.segmentStart());
    Buffer info = Buffer.buffer();
    uint(info, 0x2AD7B1, timecodeScaleNs);
    string(info, 0x7BA9, "vidlog test");
    string(info, 0x4D80, "vidlog TestMkv");
    string(info, 0x5741, "vidlog TestMkv");
    element(out, 0x1549A966, info);
    Buffer entries = Buffer.buffer();
    for (int n = 1; n <= tracks; n++) {
      Buffer e = Buffer.buffer();
      uint(e, 0xD7, n);
      uint(e, 0x73C5, 1000 + n);
      boolean video = n == 1;
      uint(e, 0x83, video ? 1 : 2);
      string(e, 0x86, video ? "V_MPEG4/ISO/AVC" : "A_AAC");
      string(e, 0x536E, video ? "kinesis_video" : "audio");
      Buffer priv = Buffer.buffer(video ? new byte[] {1, 0x42, 0, 0x1E, (byte) 0xFF} : new byte[] {0x14, 0x08});
      element(e, 0x63A2, priv);
      Buffer sub = Buffer.buffer();
      if (video) {
        uint(sub, 0xB0, 320);
        uint(sub, 0xBA, 240);
        element(e, 0xE0, sub);
      } else {
        id(sub, 0xB5);
        size(sub, 8);
        sub.appendDouble(8000.0);
        uint(sub, 0x9F, 1);
        element(e, 0xE1, sub);
      }
      element(entries, 0xAE, e);
    }
    element(out, 0x1654AE6B, entries);
    return this;
  }

  TestMkv cluster(long timecode) {
    out.appendBuffer(ChunkMkv.clusterStart(timecode));
    return this;
  }

  TestMkv block(int track, int relativeTimecode, boolean key, byte[] payload) {
    out.appendBuffer(ChunkMkv.simpleBlockHeader(track, relativeTimecode, key ? 0x80 : 0, payload.length));
    out.appendBytes(payload);
    return this;
  }

  /** A fragment of {@code frames} frames per track, 40 ms apart, payloads of {@code size} bytes. */
  TestMkv fragment(long timecode, int tracks, int frames, int size) {
    cluster(timecode);
    for (int i = 0; i < frames; i++) {
      for (int t = 1; t <= tracks; t++) {
        block(t, i * 40 + (t - 1), i == 0 || t != VIDEO, payload(timecode, t, i, size));
      }
    }
    return this;
  }

  static byte[] payload(long timecode, int track, int index, int size) {
    byte[] p = new byte[size];
    for (int i = 0; i < size; i++) {
      p[i] = (byte) (timecode * 31 + track * 7 + index * 13 + i);
    }
    return p;
  }

  TestMkv tags(String... nameValues) {
    List<ChunkHeader.Metadata> items = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      items.add(new ChunkHeader.Metadata(nameValues[i], nameValues[i + 1]));
    }
    out.appendBuffer(ChunkMkv.producerTags(items));
    return this;
  }

  TestMkv endOfFragment() {
    return tags(KvsTag.END_OF_FRAGMENT, "");
  }

  TestMkv raw(byte[] bytes) {
    out.appendBytes(bytes);
    return this;
  }

  int length() {
    return out.length();
  }

  byte[] bytes() {
    return out.getBytes();
  }

  private static void element(Buffer to, int id, Buffer body) {
    id(to, id);
    size(to, body.length());
    to.appendBuffer(body);
  }

  // Element helpers in media's shortest encoding.

  private static final EbmlWriter EBML = MkvWriter.MINIMAL.ebml();

  static void id(Buffer b, int id) {
    b.appendBytes(EbmlWriter.id(id));
  }

  static void size(Buffer b, long size) {
    b.appendBytes(EBML.size(size));
  }

  static void uint(Buffer b, int id, long value) {
    b.appendBytes(EBML.uint(id, value));
  }

  static void string(Buffer b, int id, String s) {
    b.appendBytes(EBML.string(id, s));
  }
}
