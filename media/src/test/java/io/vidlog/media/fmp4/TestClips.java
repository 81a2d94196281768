package io.vidlog.media.fmp4;

import io.vidlog.media.mkv.MkvReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** Builds clips in memory with both readings of each fragment, as the serving side does. */
final class TestClips {
  private TestClips() {}

  static final ClipBuilder.Limits UNLIMITED = new ClipBuilder.Limits(Long.MAX_VALUE, Integer.MAX_VALUE);

  /** The plan: each fragment fed in slices of {@code slice} bytes, its Cluster at {@code clusterAtMs[i]}. */
  static ClipMovie plan(List<byte[]> fragments, long[] clusterAtMs, ClipBuilder.Limits limits, int slice) {
    ClipBuilder b = new ClipBuilder(limits);
    for (int i = 0; i < fragments.size() && !b.full(); i++) {
      feed(new MkvReader(b.fragment(clusterAtMs[i] * 1_000_000)), fragments.get(i), slice);
    }
    return b.build();
  }

  /** The whole file: header, then the payloads of each fragment's second reading. */
  static byte[] write(ClipMovie movie, List<byte[]> fragments, int slice) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer h = movie.header();
    byte[] head = new byte[h.remaining()];
    h.get(head);
    out.writeBytes(head);
    for (int i = 0; i < movie.fragmentCount(); i++) {
      ClipMovie.Payloads p = movie.payloads(i, buf -> {
        byte[] b = new byte[buf.remaining()];
        buf.duplicate().get(b);
        out.writeBytes(b);
      });
      feed(new MkvReader(p), fragments.get(i), slice);
      p.finish();
    }
    return out.toByteArray();
  }

  static byte[] clip(List<byte[]> fragments, long[] clusterAtMs, int slice) {
    return write(plan(fragments, clusterAtMs, UNLIMITED, slice), fragments, slice);
  }

  /** Feeds {@code mkv} in fresh arrays of {@code slice} bytes, overwritten after each call (nothing may keep views). */
  static void feed(MkvReader reader, byte[] mkv, int slice) {
    for (int off = 0; off < mkv.length; off += slice) {
      byte[] copy = Arrays.copyOfRange(mkv, off, Math.min(mkv.length, off + slice));
      reader.feed(ByteBuffer.wrap(copy));
      Arrays.fill(copy, (byte) 0x55);
    }
    reader.end();
  }
}
