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
 * What a {@link StreamReader} tells its {@link FrameHandler}, over GetMedia answers of a fake service:
 * {@link FrameHandler#onFragmentStart} with every track of the fragment before its first frame (also
 * when resuming inside it); and {@link StreamReader#stop()} called while an answer still holds frames
 * makes {@link StreamReader#run} return normally after the frame being handled.
 */
class ReaderCallbacksTest {
  private static final String FRAGMENT = "91343852333181432392682062622222222222222222222";
  private static final MkvWriter W = MkvWriter.MINIMAL;
  private static final TrackEntry VIDEO = new TrackEntry(1, 1, TrackEntry.TYPE_VIDEO, "V_MPEG4/ISO/AVC", null,
      new byte[] {1, 0x42, 0, 0x1e, (byte) 0xff, (byte) 0xe0, 0}, 0, 320, 180, Double.NaN, 0, 0);
  private static final TrackEntry AUDIO = new TrackEntry(2, 2, TrackEntry.TYPE_AUDIO, "A_AAC", null,
      new byte[] {0x11, (byte) 0x90}, 0, 0, 0, 48_000, 2, 0);
  private static final long T0 = 1_800_000_000_000L;

  @Test
  void eachFragmentIsAnnouncedWithEveryTrackBeforeItsFirstFrameAlsoWhenResumingInsideIt() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.STALL); VidlogClient client = client(kvs)) {
      // four video frames, then the first audio frame: a frame names only its own track
      kvs.getMediaBody = chunk(FRAGMENT, T0, 5);
      assertEquals(List.of("start " + FRAGMENT + " " + T0 + " tracks [1, 2] {camera=door}", "frame 0 track 1",
          "frame 1 track 1", "frame 2 track 1", "frame 3 track 1", "frame 4 track 2"),
          events(client, CheckpointStore.memory()));

      CheckpointStore resumed = CheckpointStore.memory();
      resumed.save(new Checkpoint(FRAGMENT, 2, false));
      assertEquals(List.of("start " + FRAGMENT + " " + T0 + " tracks [1, 2] {camera=door}", "frame 3 track 1",
          "frame 4 track 2"), events(client, resumed));
    }
  }

  /** What a tail from {@code checkpoints} hands over until the (one) answer ends. */
  private static List<String> events(VidlogClient client, CheckpointStore checkpoints) throws Exception {
    List<String> events = new ArrayList<>();
    StreamReader[] reader = new StreamReader[1];
    reader[0] = client.reader(ReaderConfig.of("fake").withStart(StartPosition.earliest()).withCheckpoints(checkpoints)
        .withListener(new ReaderListener() {
          @Override
          public void onDisconnected(Throwable error, long retryInMillis) {
            reader[0].stop(); // the answer ended: no second request
          }
        }));
    reader[0].run(new FrameHandler() {
      @Override
      public void onFrame(ReadFrame frame) {
        events.add("frame " + frame.frameIndex() + " track " + frame.trackNumber());
      }

      @Override
      public void onFragmentStart(FragmentStart f) {
        events.add("start " + f.fragmentNumber() + " " + f.producerTimestamp().toEpochMilli() + " tracks "
            + f.tracks().stream().map(TrackEntry::trackNumber).toList() + " " + f.metadata());
      }
    });
    return events;
  }

  private static VidlogClient client(FakeKvs kvs) {
    return VidlogClient.builder().endpoint(kvs.url()).region("us-east-1")
        .credentials(CredentialsProvider.of("AKIDFAKE", "secret")).build();
  }

  @Test
  void runReturnsNormallyWhenStoppedWhileTheResponseStillHoldsFrames() throws Exception {
    try (FakeKvs kvs = new FakeKvs(FakeKvs.PutMedia.STALL); VidlogClient client = client(kvs)) {
      kvs.getMediaBody = chunk(FRAGMENT, T0, 5);
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
      assertEquals(new Checkpoint(FRAGMENT, 0, false),
          reader.checkpoint().orElseThrow());
    }
  }

  /**
   * One GetMedia chunk (docs/wire-protocol.md §2 "Chunk layout") of a video and an audio track, with
   * producer metadata and {@code frames} frames 40 ms apart: video frames, the last one audio.
   */
  private static byte[] chunk(String fragmentNumber, long producerMillis, int frames) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(W.ebmlHeader());
    b.write(W.segmentStartUnknownSize());
    b.write(W.info(new SegmentInfo(SegmentInfo.DEFAULT_TIMECODE_SCALE, Double.NaN, null, null, null, null)));
    b.write(W.tracks(List.of(VIDEO, AUDIO)));
    b.write(W.tags(SimpleTag.of("camera", "door")));
    b.write(W.tags(SimpleTag.of(KvsTag.FRAGMENT_NUMBER, fragmentNumber),
        SimpleTag.of(KvsTag.SERVER_TIMESTAMP, KvsTag.seconds(producerMillis + 100)),
        SimpleTag.of(KvsTag.PRODUCER_TIMESTAMP, KvsTag.seconds(producerMillis))));
    ByteArrayOutputStream blocks = new ByteArrayOutputStream();
    for (int i = 0; i < frames; i++) {
      int track = i == frames - 1 ? 2 : 1;
      blocks.write(W.simpleBlock(track, 40 * i, i == 0 || track == 2 ? MkvWriter.FLAG_KEY : 0,
          new byte[] {0, 0, 0, 1, (byte) i}));
    }
    b.write(W.clusterStart(producerMillis, blocks.size()));
    b.write(blocks.toByteArray());
    b.write(W.tags(SimpleTag.of(KvsTag.CONTINUATION_TOKEN, fragmentNumber)));
    return b.toByteArray();
  }
}
