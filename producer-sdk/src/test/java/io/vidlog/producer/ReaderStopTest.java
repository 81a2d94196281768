package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vidlog.kvs.KvsTag;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.producer.testing.FakeKvs;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamReader#stop()} called while a GetMedia answer still holds frames: {@link StreamReader#run}
 * returns normally after the frame being handled, and the frames after it are neither handed over nor
 * checkpointed.
 */
class ReaderStopTest {
  private static final MkvWriter W = MkvWriter.MINIMAL;
  private static final TrackEntry VIDEO = new TrackEntry(1, 1, TrackEntry.TYPE_VIDEO, "V_MPEG4/ISO/AVC", null,
      new byte[] {1, 0x42, 0, 0x1e, (byte) 0xff, (byte) 0xe0, 0}, 0, 320, 180, Double.NaN, 0, 0);

  @Test
  void runReturnsNormallyWhenStoppedWhileTheResponseStillHoldsFrames() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.STALL);
        VidlogClient client = VidlogClient.builder().endpoint(kvs.url()).region("us-east-1")
            .credentials(CredentialsProvider.of("AKIDFAKE", "secret")).build()) {
      kvs.getMediaBody = chunk("91343852333181432392682062622222222222222222222", 1_800_000_000_000L, 5);
      StreamReader reader = client.reader(ReaderConfig.of("fake").withStart(StartPosition.earliest()));
      List<Integer> handled = new ArrayList<>();
      CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
        try {
          reader.run(frame -> {
            handled.add(frame.frameIndex());
            reader.stop(); // the other four frames arrived in the same read: they are parsed next
          });
        } catch (Exception e) {
          throw new IllegalStateException("run ended with " + e, e);
        }
      });
      run.get(30, TimeUnit.SECONDS); // throws ExecutionException when run did not return normally
      assertEquals(List.of(0), handled);
      assertEquals(new Checkpoint("91343852333181432392682062622222222222222222222", 0, false),
          reader.checkpoint().orElseThrow());
    }
  }

  /** One GetMedia chunk (docs/wire-protocol.md §2 "Chunk layout") with {@code frames} frames 40 ms apart. */
  private static byte[] chunk(String fragmentNumber, long producerMillis, int frames) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(W.ebmlHeader());
    b.write(W.segmentStartUnknownSize());
    b.write(W.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, null, null, null)));
    b.write(W.tracks(List.of(VIDEO)));
    b.write(W.tags(SimpleTag.of(KvsTag.FRAGMENT_NUMBER, fragmentNumber),
        SimpleTag.of(KvsTag.SERVER_TIMESTAMP, KvsTag.seconds(producerMillis + 100)),
        SimpleTag.of(KvsTag.PRODUCER_TIMESTAMP, KvsTag.seconds(producerMillis))));
    ByteArrayOutputStream blocks = new ByteArrayOutputStream();
    for (int i = 0; i < frames; i++) {
      blocks.write(W.simpleBlock(1, 40 * i, i == 0 ? MkvWriter.FLAG_KEY : 0, new byte[] {0, 0, 0, 1, (byte) i}));
    }
    b.write(W.clusterStart(producerMillis, blocks.size()));
    b.write(blocks.toByteArray());
    b.write(W.tags(SimpleTag.of(KvsTag.CONTINUATION_TOKEN, fragmentNumber)));
    return b.toByteArray();
  }
}
