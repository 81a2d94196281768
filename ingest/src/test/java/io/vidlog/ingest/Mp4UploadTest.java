package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vidlog.media.ByteBudget;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.mp4.Mp4Demux;
import io.vidlog.media.mp4.Mp4Limits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mp4Upload without HTTP: fragmented MP4 is demuxed as it arrives (whole, byte by byte, at every
 * split size, at seeded random cuts) into the same MKV events as a demux of the whole file, and
 * never reaches the spool; progressive MP4 goes to the spool from its first byte.
 */
class Mp4UploadTest {
  private static final long TARGET_NS = IngestConfig.DEFAULT.mp4TargetFragment().toNanos();
  private static final long MAX_NS = IngestConfig.DEFAULT.maxFragmentDuration().toNanos();

  @TempDir
  Path tmp;

  /** MKV events as strings easy to compare. */
  static final class Events implements MkvHandler {
    final List<String> list = new ArrayList<>();

    @Override
    public void onTracks(List<TrackEntry> tracks, ByteBuffer raw) {
      list.add("tracks " + tracks.stream().map(TrackEntry::codecId).toList());
    }

    @Override
    public void onClusterStart(long timecode, long size) {
      list.add("cluster " + timecode);
    }

    @Override
    public void onFrame(MkvFrame f) {
      CRC32 crc = new CRC32();
      crc.update(f.payload().duplicate());
      list.add("frame t" + f.trackNumber() + " " + f.timecodeNs() + (f.keyFrame() ? " key " : " ")
          + f.payload().remaining() + " crc " + Long.toHexString(crc.getValue()));
    }

    @Override
    public void onClusterEnd() {
      list.add("end cluster");
    }

    @Override
    public void onSegmentEnd() {
      list.add("end segment");
    }
  }

  /** A spool double: keeps what it is fed. */
  static final class FakeSpool implements BodyParser {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ended;

    @Override
    public void feed(ByteBuffer b) {
      byte[] copy = new byte[b.remaining()];
      b.get(copy);
      bytes.writeBytes(copy);
    }

    @Override
    public Future<Void> end() {
      ended = true;
      return Future.succeededFuture();
    }
  }

  private static final Function<ByteBudget, BodyParser> NO_SPOOL = budget -> {
    throw new AssertionError("a fragmented MP4 must not be spooled");
  };

  private List<String> reference(String fixture) throws Exception {
    Events e = new Events();
    Mp4Demux.file(Files.write(tmp.resolve(fixture), Uploads.resource(fixture)), Mp4Limits.defaults(),
        new Mp4ToMkv(e, TARGET_NS, MAX_NS));
    return e.list;
  }

  private static IngestBuffers buffers() {
    return new IngestBuffers(IngestConfig.DEFAULT.buffers());
  }

  private static List<String> upload(byte[] file, int[] cuts, Function<ByteBudget, BodyParser> spool) {
    Events e = new Events();
    IngestBuffers buffers = buffers();
    Mp4Upload u = new Mp4Upload(IngestConfig.DEFAULT, e, buffers, spool);
    int off = 0;
    for (int cut : cuts) {
      u.feed(ByteBuffer.wrap(file, off, cut - off));
      off = cut;
    }
    u.feed(ByteBuffer.wrap(file, off, file.length - off));
    assertTrue(u.end().succeeded());
    u.close();
    assertEquals(0, buffers.used(), "the upload's buffers went back");
    return e.list;
  }

  private static int[] every(int split, int length) {
    int[] cuts = new int[Math.max(0, (length - 1) / split)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = (i + 1) * split;
    }
    return cuts;
  }

  @Test
  void fragmentedMp4GivesTheSameEventsWhateverTheSlicing() throws Exception {
    byte[] file = Uploads.resource("fmp4-h264-aac.mp4");
    List<String> want = reference("fmp4-h264-aac.mp4");
    assertEquals(2, want.stream().filter(s -> s.startsWith("cluster")).count(), want::toString);
    // every split size through the head (ftyp + moov: where the probe decides and the held bytes are
    // replayed), then a spread of larger ones (each run parses the moov again, which is not free)
    int head = lastIndexOf(file, "mvex") + 4;
    for (int split = 1; split <= file.length; split += split <= head + 8 ? 1 : 97) {
      assertEquals(want, upload(file, every(split, file.length), NO_SPOOL), "split " + split);
    }
    Random r = new Random(7);
    for (int run = 0; run < 50; run++) {
      int[] cuts = r.ints(1 + r.nextInt(30), 1, file.length).sorted().distinct().toArray();
      assertEquals(want, upload(file, cuts, NO_SPOOL), Arrays.toString(cuts));
    }
  }

  @Test
  void fragmentedMp4FramesArriveBeforeTheBodyEnds() throws Exception {
    byte[] file = Uploads.resource("fmp4-h264-aac.mp4");
    int held = lastIndexOf(file, "mfra") - 4 - 1; // all but the last byte of the last mdat, and the mfra
    Events e = new Events();
    Mp4Upload u = new Mp4Upload(IngestConfig.DEFAULT, e, buffers(), NO_SPOOL);
    u.feed(ByteBuffer.wrap(file, 0, held));
    // the first fragment is complete and the next one open (cut at the key frame 2 s in)
    List<String> want = reference("fmp4-h264-aac.mp4");
    List<String> cuts = want.stream().filter(s -> s.startsWith("cluster") || s.startsWith("end")).toList();
    assertEquals(List.of("cluster", "end", "cluster", "end", "end"), cuts.stream().map(s -> s.split(" ")[0]).toList());
    assertEquals(cuts.subList(0, 3), e.list.stream().filter(s -> s.startsWith("cluster") || s.startsWith("end")).toList());
    assertEquals(want.subList(0, e.list.size()), e.list);
    u.feed(ByteBuffer.wrap(file, held, file.length - held));
    u.end();
    assertEquals(want, e.list);
  }

  @ParameterizedTest
  @ValueSource(strings = {"progressive-h264-aac.mp4", "progressive-faststart-h264-aac.mp4", "progressive-h265.mp4"})
  void progressiveMp4IsSpooledFromItsFirstByte(String fixture) {
    byte[] file = Uploads.resource(fixture);
    for (int split : new int[] {1, 7, 100, 4096, file.length}) {
      FakeSpool spool = new FakeSpool();
      int[] made = {0};
      List<String> events = upload(file, every(split, file.length), budget -> {
        made[0]++;
        return spool;
      });
      assertEquals(1, made[0]);
      assertTrue(spool.ended);
      assertArrayEquals(file, spool.bytes.toByteArray(), "split " + split);
      assertEquals(List.of(), events, "nothing is demuxed before the spool is complete");
    }
  }

  @Test
  void aLargeHeadBeforeTheMoovIsSpooledNotHeld() {
    byte[] frag = Uploads.resource("fmp4-h264-aac.mp4");
    int ftyp = ByteBuffer.wrap(frag).getInt(0);
    int freeSize = 2 * Mp4Upload.MAX_HEAD_BYTES; // the moov comes after the bound
    byte[] file = new byte[frag.length + freeSize];
    System.arraycopy(frag, 0, file, 0, ftyp);
    ByteBuffer.wrap(file, ftyp, 8).putInt(freeSize).put("free".getBytes());
    System.arraycopy(frag, ftyp, file, ftyp + freeSize, frag.length - ftyp);
    FakeSpool spool = new FakeSpool();
    Events e = new Events();
    Mp4Upload u = new Mp4Upload(IngestConfig.DEFAULT, e, buffers(), budget -> spool);
    for (int off = 0; off < file.length; off += 64 * 1024) {
      u.feed(ByteBuffer.wrap(file, off, Math.min(64 * 1024, file.length - off)));
      if (off + 64 * 1024 > Mp4Upload.MAX_HEAD_BYTES) {
        assertTrue(spool.bytes.size() > 0, "spooled once the head passes the bound");
      }
    }
    u.end();
    assertArrayEquals(file, spool.bytes.toByteArray());
  }

  @Test
  void garbageIsRefusedAtItsFirstBytes() {
    Mp4Upload u = new Mp4Upload(IngestConfig.DEFAULT, new Events(), buffers(), NO_SPOOL);
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> u.feed(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes())));
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
  }

  @Test
  void aBodyEndingBeforeTheMoovIsMalformed() {
    byte[] file = Uploads.resource("fmp4-h264-aac.mp4");
    Mp4Upload u = new Mp4Upload(IngestConfig.DEFAULT, new Events(), buffers(), NO_SPOOL);
    u.feed(ByteBuffer.wrap(file, 0, 100));
    MediaFormatException e = assertThrows(MediaFormatException.class, u::end);
    assertEquals(MediaFormatException.Format.MP4, e.format());
    assertEquals(MediaFormatException.Kind.MALFORMED, e.kind());
    assertEquals(100, e.offset());
  }

  @Test
  void aCorruptFragmentFailsWhereItIsAfterTheEarlierOnesWereDelivered() throws Exception {
    List<String> want = reference("fmp4-h264-aac.mp4");
    byte[] file = Uploads.resource("fmp4-h264-aac.mp4").clone();
    int lastMoof = lastIndexOf(file, "moof") - 4;
    ByteBuffer.wrap(file).putInt(lastMoof, 3); // the moof at 2 s: a box smaller than its own header
    Events e = new Events();
    Mp4Upload u = new Mp4Upload(IngestConfig.DEFAULT, e, buffers(), NO_SPOOL);
    MediaFormatException x = assertThrows(MediaFormatException.class, () -> u.feed(ByteBuffer.wrap(file)));
    assertEquals(MediaFormatException.Format.MP4, x.format());
    assertEquals(MediaFormatException.Kind.MALFORMED, x.kind());
    assertEquals(lastMoof, x.offset(), x::getMessage);
    // every frame before 2 s was delivered; the fragment they make is still open (it closes at the
    // key frame at 2 s, in the corrupt fragment)
    assertEquals(want.subList(0, want.indexOf("end cluster")), e.list);
  }

  static int lastIndexOf(byte[] file, String type) {
    for (int i = file.length - 4; i >= 0; i--) {
      if (file[i] == type.charAt(0) && file[i + 1] == type.charAt(1) && file[i + 2] == type.charAt(2)
          && file[i + 3] == type.charAt(3)) {
        return i;
      }
    }
    throw new AssertionError("no " + type);
  }
}
