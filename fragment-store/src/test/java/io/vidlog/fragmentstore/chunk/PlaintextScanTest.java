package io.vidlog.fragmentstore.chunk;

import static io.vidlog.fragmentstore.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Stores chunks full of recognisable plaintext (H.264 start codes with SPS/PPS NAL headers, an SPS,
 * producer tag names and values, codec ids, metadata) and a sealed system object, then scans every
 * byte of every object, every object key, and the master key: none of the patterns may appear.
 */
class PlaintextScanTest extends ArchiveFixture {
  private static final byte[] SPS = {0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f, (byte) 0xac, (byte) 0xd9, 0x40, 0x50, 0x05,
      (byte) 0xbb, 0x01, 0x6a, 0x02, 0x02, 0x02, (byte) 0x80};
  private static final byte[] PPS = {0, 0, 0, 1, 0x68, (byte) 0xeb, (byte) 0xe3, (byte) 0xcb, 0x22, (byte) 0xc0};
  private static final byte[] IDR = {0, 0, 0, 1, 0x65, (byte) 0x88, (byte) 0x84};
  private static final String TAG = "PRODUCER_SECRET_TAG_front-door-cam-4711";
  private static final String META_VALUE = "gate-2-serial-XYZ-000123";

  private static List<byte[]> patterns() {
    return List.of(java.util.Arrays.copyOfRange(SPS, 0, 10), java.util.Arrays.copyOfRange(PPS, 0, 7), IDR,
        TAG.getBytes(StandardCharsets.UTF_8), META_VALUE.getBytes(StandardCharsets.UTF_8),
        "V_MPEG4/ISO/AVC".getBytes(StandardCharsets.US_ASCII), "front-door".getBytes(StandardCharsets.US_ASCII),
        "camera".getBytes(StandardCharsets.US_ASCII), "AWS_KINESISVIDEO".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0x1a, 0x45, (byte) 0xdf, (byte) 0xa3, (byte) 0x9f} /* EBML magic + size */);
  }

  private static byte[] mediaLike(int repeats) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1a, 0x45, (byte) 0xdf, (byte) 0xa3, (byte) 0x9f});
    for (int i = 0; i < repeats; i++) {
      out.writeBytes(SPS);
      out.writeBytes(PPS);
      out.writeBytes(IDR);
      out.writeBytes(("AWS_KINESISVIDEO_FRAGMENT_NUMBER " + TAG + " " + META_VALUE + " ").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(new byte[997]);
    }
    return out.toByteArray();
  }

  @Test
  void noPlaintextPatternAppearsInAnyObjectOrKey() throws Exception {
    StreamInfo s = stream("scan");
    for (long n = 1; n <= 3; n++) {
      byte[] mkv = mediaLike((int) (200 * n));
      assertTrue(contains(mkv, patterns().get(0)), "the fixture itself carries the patterns");
      FragmentNumber fn = fn(n);
      on(() -> {
        FragmentArchive.ChunkWriter w = archive.begin(s, fn);
        ChunkHeader h = new ChunkHeader(fn, 1, 2, 3, 4,
            List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 10)),
            List.of(new ChunkHeader.Metadata("camera", "front-door"), new ChunkHeader.Metadata(TAG, META_VALUE)), 5,
            mkv.length);
        return w.write(Buffer.buffer(mkv)).compose(v -> w.commit(h));
      });
    }
    var sealer = on(() -> crypto.keys(SealContext.SYSTEM));
    await(store.put("system/access-keys/k1", Buffer.buffer(sealer.seal(new SealContext(SealContext.SYSTEM, "access-key",
        "k1"), (TAG + META_VALUE).getBytes(StandardCharsets.UTF_8)))));

    List<byte[]> forbidden = new ArrayList<>(patterns());
    try (Stream<Path> keys = Files.list(dataDir.resolve("keys"))) {
      for (Path k : keys.toList()) {
        forbidden.add(Base64.getDecoder().decode(Files.readString(k).trim())); // the master key itself
      }
    }
    List<ObjectInfo> all = await(store.list("", null, 10_000));
    assertTrue(all.size() >= 5, "chunks, data keys and the system object were listed: " + all);
    for (ObjectInfo o : all) {
      byte[] content = await(store.get(o.key())).getBytes();
      byte[] key = o.key().getBytes(StandardCharsets.US_ASCII);
      for (byte[] p : forbidden) {
        assertFalse(contains(content, p), "object " + o.key() + " contains a plaintext pattern");
        assertFalse(contains(key, p), "object key " + o.key() + " contains a plaintext pattern");
      }
    }
  }

  static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
