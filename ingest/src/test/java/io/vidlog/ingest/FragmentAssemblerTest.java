package io.vidlog.ingest;

import io.vidlog.kvs.AckError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.kvs.StreamRef;
import io.vidlog.kvs.KvsTag;
import io.vidlog.media.mkv.EbmlHeaderInfo;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.SegmentInfo;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.Tag;
import io.vidlog.media.mkv.TrackEntry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fragmenting state machine driven by MkvHandler events, without HTTP (docs/wire-protocol.md §1.4, §5). */
class FragmentAssemblerTest {
  private static final TrackEntry VIDEO = new TrackEntry(1, 11, 1, "V_MPEG4/ISO/AVC", "v", new byte[] {1}, 0,
      320, 240, Double.NaN, 0, 0);
  private static final TrackEntry AUDIO = new TrackEntry(2, 22, 2, "A_AAC", "a", new byte[] {2}, 0, 0, 0,
      48000, 2, 16);

  /** Records what the assembler decided, as strings easy to compare. */
  static final class Recorder implements FragmentListener {
    final List<String> events = new ArrayList<>();
    final List<OpenFragment> completed = new ArrayList<>();
    AckError refuse;
    int minted;

    @Override
    public AckError admit() {
      return refuse;
    }

    @Override
    public void opened(OpenFragment f) {
      f.number = new FragmentNumber(String.valueOf(++minted));
      events.add("open " + f.number + " tc=" + f.clusterTimecode);
    }

    @Override
    public void frame(OpenFragment f, MkvFrame frame) {
      events.add("frame " + f.number + " t" + frame.trackNumber() + " " + frame.relativeTimecode());
    }

    @Override
    public void completed(OpenFragment f) {
      completed.add(f);
      events.add("done " + f.number);
    }

    @Override
    public void rejected(OpenFragment f, AckError error) {
      events.add("reject " + f.number + " " + error.id());
    }

    @Override
    public void failed(AckError error, Long timecode, String detail) {
      events.add("fail " + (error == null ? "-" : error.id()));
    }
  }

  private final Recorder rec = new Recorder();

  private FragmentAssembler assembler(IngestConfig config, TimecodeType type) {
    PutMediaHeaders h = new PutMediaHeaders(StreamRef.byName("s"), type, 1_000_000L, true);
    return new FragmentAssembler(config, h, () -> 42L, rec);
  }

  private FragmentAssembler started(IngestConfig config, TrackEntry... tracks) {
    FragmentAssembler a = assembler(config, TimecodeType.RELATIVE);
    a.onEbmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8));
    a.onSegmentStart(-1);
    a.onInfo(new SegmentInfo(1_000_000L, Double.NaN, null, "m", "w", null), ByteBuffer.wrap(new byte[] {0x15, 0x49, (byte) 0xA9, 0x66, (byte) 0x80}));
    a.onTracks(List.of(tracks), ByteBuffer.wrap(new byte[] {0x16, 0x54, (byte) 0xAE, 0x6B, (byte) 0x80}));
    return a;
  }

  private static MkvFrame frame(int track, long cluster, int rel, int size) {
    return new MkvFrame(track, cluster, rel, (cluster + rel) * 1_000_000L, rel == 0, rel == 0 ? 0x80 : 0, -1,
        ByteBuffer.allocate(size));
  }

  private static List<Tag> tags(String... nameValues) {
    List<SimpleTag> st = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      st.add(SimpleTag.of(nameValues[i], nameValues[i + 1]));
    }
    return List.of(new Tag(50, st));
  }

  private static final ByteBuffer RAW = ByteBuffer.allocate(0);

  @Test
  void eachClusterIsOneFragmentWithItsTags() {
    FragmentAssembler a = started(IngestConfig.DEFAULT, VIDEO, AUDIO);
    a.onTags(tags("before", "1"), RAW);
    a.onClusterStart(1000, -1);
    a.onFrame(frame(1, 1000, 0, 10));
    a.onFrame(frame(2, 1000, 5, 4));
    a.onFrame(frame(1, 1000, 40, 10));
    a.onClusterEnd();
    a.onTags(tags("after", "2"), RAW);
    a.onClusterStart(1080, -1);
    a.onFrame(frame(1, 1080, 0, 10));
    a.onFrame(frame(2, 1080, 1, 4));
    a.finish();
    assertEquals(List.of("open 1 tc=1000", "frame 1 t1 0", "frame 1 t2 5", "frame 1 t1 40", "done 1",
        "open 2 tc=1080", "frame 2 t1 0", "frame 2 t2 1", "done 2"), rec.events);
    OpenFragment first = rec.completed.get(0);
    assertEquals(List.of(new ChunkHeader.Metadata("before", "1"), new ChunkHeader.Metadata("after", "2")),
        first.metadata());
    assertEquals(1, first.preTags.size());
    // RELATIVE: producer start (1,000,000 ms) + cluster timecode × 1 ms
    assertEquals(1_001_000L, first.producerTimestampMillis);
    assertEquals(42L, first.serverTimestampMillis);
    assertEquals(40, first.durationMillis());
    ChunkHeader h = first.chunkHeader(first.mkvBytes);
    assertEquals(List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 2),
        new ChunkHeader.TrackSummary(2, "A_AAC", 1)), h.tracks());
    assertEquals(first.prefix.length(), h.clusterOffset());
    assertTrue(rec.completed.get(1).metadata().isEmpty());
  }

  @Test
  void absoluteTimecodesAreTheProducerTimestamps() {
    FragmentAssembler a = assembler(IngestConfig.DEFAULT, TimecodeType.ABSOLUTE);
    a.onEbmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8));
    a.onInfo(new SegmentInfo(1_000_000L, Double.NaN, null, null, null, null), RAW);
    a.onTracks(List.of(VIDEO), RAW);
    a.onClusterStart(1_700_000_000_123L, -1);
    a.onFrame(frame(1, 1_700_000_000_123L, 0, 3));
    a.finish();
    assertEquals(1_700_000_000_123L, rec.completed.get(0).producerTimestampMillis);
  }

  @Test
  void endOfFragmentTagClosesTheFragmentEarlyAndIsNotMetadata() {
    FragmentAssembler a = started(IngestConfig.DEFAULT, VIDEO);
    a.onClusterStart(0, -1);
    a.onFrame(frame(1, 0, 0, 3));
    a.onTags(tags("user", "x", KvsTag.END_OF_FRAGMENT, ""), RAW);
    assertEquals("done 1", rec.events.get(rec.events.size() - 1));
    assertEquals(List.of(new ChunkHeader.Metadata("user", "x")), rec.completed.get(0).metadata());
    a.onTags(tags("next", "y"), RAW);
    a.onClusterStart(100, -1);
    a.onFrame(frame(1, 100, 0, 3));
    a.finish();
    assertEquals(List.of(new ChunkHeader.Metadata("next", "y")), rec.completed.get(1).preTags);
  }

  @Test
  void newEbmlHeaderCompletesTheOpenFragmentAndStartsANewStream() {
    FragmentAssembler a = started(IngestConfig.DEFAULT, VIDEO);
    a.onClusterStart(500, -1);
    a.onFrame(frame(1, 500, 0, 3));
    a.onEbmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8));
    assertEquals("done 1", rec.events.get(rec.events.size() - 1));
    a.onInfo(new SegmentInfo(1_000_000L, Double.NaN, null, null, null, null), RAW);
    a.onTracks(List.of(VIDEO), RAW);
    // a new MKV stream may restart its timecodes: 4004 is per stream
    a.onClusterStart(0, -1);
    a.onFrame(frame(1, 0, 0, 3));
    a.finish();
    assertEquals(2, rec.completed.size());
  }

  @Test
  void timestampOrderIsCheckedPerTrack() {
    FragmentAssembler a = started(IngestConfig.DEFAULT, VIDEO, AUDIO);
    a.onClusterStart(0, -1);
    a.onFrame(frame(1, 0, 0, 3));
    a.onFrame(frame(2, 0, 10, 3));
    a.onFrame(frame(1, 0, 40, 3));
    // audio opens the next cluster a few ms before the previous cluster's last video frame: accepted
    a.onClusterStart(35, -1);
    a.onFrame(frame(2, 35, 0, 3));
    a.onFrame(frame(1, 35, 45, 3));
    // video at or before its own previous maximum (80): 4004
    a.onClusterStart(80, -1);
    a.onFrame(frame(2, 80, 0, 3));
    a.onFrame(frame(1, 80, 0, 3));
    a.onFrame(frame(1, 80, 40, 3)); // dropped with its fragment
    a.onClusterStart(200, -1);
    a.onFrame(frame(1, 200, 0, 3));
    a.onFrame(frame(2, 200, 0, 3));
    a.finish();
    assertEquals(List.of("done 1", "done 2", "reject 3 4004", "done 4"),
        rec.events.stream().filter(e -> e.startsWith("done") || e.startsWith("reject")).toList());
  }

  @Test
  void fragmentLimits() {
    IngestConfig small = IngestConfig.DEFAULT.withMaxFragmentBytes(600);
    FragmentAssembler a = started(small, VIDEO);
    a.onClusterStart(0, -1);
    a.onFrame(frame(1, 0, 0, 100));
    a.onFrame(frame(1, 0, 40, 1000)); // 4001
    a.onClusterStart(100, -1);
    a.onFrame(frame(1, 100, 0, 10));
    a.onFrame(frame(1, 100, 10_001, 10)); // 10.001 s after the first frame: 4002
    a.onClusterStart(20_000, -1);
    a.onFrame(frame(3, 20_000, 0, 10)); // track 3 is not in Tracks: 4010
    a.onClusterStart(20_100, -1);
    a.onFrame(frame(1, 20_100, 0, 10));
    a.finish();
    assertEquals(List.of("reject 1 4001", "reject 2 4002", "reject 3 4010", "done 4"),
        rec.events.stream().filter(e -> e.startsWith("done") || e.startsWith("reject")).toList());
  }

  @Test
  void everyDeclaredTrackNeedsAFrame() {
    FragmentAssembler a = started(IngestConfig.DEFAULT, VIDEO, AUDIO);
    a.onClusterStart(0, -1);
    a.onFrame(frame(1, 0, 0, 10));
    a.finish();
    assertEquals(List.of("open 1 tc=0", "frame 1 t1 0", "reject 1 4011"), rec.events);
  }

  @Test
  void tooManyTracksEndTheConnection() {
    FragmentAssembler a = assembler(IngestConfig.DEFAULT, TimecodeType.RELATIVE);
    a.onEbmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8));
    a.onInfo(new SegmentInfo(1_000_000L, Double.NaN, null, null, null, null), RAW);
    TrackEntry t3 = new TrackEntry(3, 3, 1, "V_X", null, null, 0, 1, 1, Double.NaN, 0, 0);
    TrackEntry t4 = new TrackEntry(4, 4, 1, "V_X", null, null, 0, 1, 1, Double.NaN, 0, 0);
    a.onTracks(List.of(VIDEO, AUDIO, t3, t4), RAW);
    a.onClusterStart(0, -1);
    assertEquals(List.of("fail 4012"), rec.events);
    a.onFrame(frame(1, 0, 0, 10));
    a.onClusterStart(100, -1);
    a.finish();
    assertEquals(List.of("fail 4012"), rec.events, "a failed connection takes nothing more");
  }

  @Test
  void metadataRules() {
    FragmentAssembler a = started(IngestConfig.DEFAULT, VIDEO);
    a.onTags(tags("AWSfoo", "x"), RAW); // AWS prefix that is not a reserved KVS tag
    a.onClusterStart(0, -1);
    a.onFrame(frame(1, 0, 0, 10));
    a.onClusterStart(100, -1);
    a.onFrame(frame(1, 100, 0, 10));
    a.onTags(tags("n".repeat(129), "v"), RAW);
    a.onClusterStart(200, -1);
    a.onFrame(frame(1, 200, 0, 10));
    a.onTags(tags("n", "v".repeat(257)), RAW);
    a.onClusterStart(300, -1);
    String[] eleven = new String[22];
    for (int i = 0; i < 11; i++) {
      eleven[2 * i] = "k" + i;
      eleven[2 * i + 1] = "v";
    }
    a.onFrame(frame(1, 300, 0, 10));
    a.onTags(tags(eleven), RAW);
    a.onClusterStart(400, -1);
    a.onFrame(frame(1, 400, 0, 10));
    a.onTags(tags(java.util.Arrays.copyOf(eleven, 20)), RAW);
    a.finish();
    assertEquals(List.of("reject 1 4009", "reject 2 4009", "reject 3 4009", "reject 4 4009", "done 5"),
        rec.events.stream().filter(e -> e.startsWith("done") || e.startsWith("reject")).toList());
    assertEquals(10, rec.completed.get(0).metadata().size());
  }

  @Test
  void producerTimestampOverflowIs4007() {
    FragmentAssembler a = started(IngestConfig.DEFAULT, VIDEO);
    a.onClusterStart(Long.MAX_VALUE / 10, -1);
    a.onFrame(frame(1, 0, 0, 10));
    a.finish();
    assertEquals(List.of("open 1 tc=" + Long.MAX_VALUE / 10, "reject 1 4007"), rec.events);
  }

  @Test
  void unparseableInputDropsOnlyTheCutFragment() {
    FragmentAssembler a = started(IngestConfig.DEFAULT, VIDEO);
    a.onClusterStart(0, 100);
    a.onFrame(frame(1, 0, 0, 10));
    a.onClusterEnd();
    a.abort(AckError.INVALID_MKV_DATA, "garbage after a complete cluster");
    assertEquals(List.of("open 1 tc=0", "frame 1 t1 0", "done 1", "fail 4006"), rec.events);

    Recorder second = new Recorder();
    FragmentAssembler b = new FragmentAssembler(IngestConfig.DEFAULT,
        new PutMediaHeaders(StreamRef.byName("s"), TimecodeType.RELATIVE, 0, true), () -> 1L, second);
    b.onEbmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8));
    b.onInfo(new SegmentInfo(1_000_000L, Double.NaN, null, null, null, null), RAW);
    b.onTracks(List.of(VIDEO), RAW);
    b.onClusterStart(0, -1);
    b.onFrame(frame(1, 0, 0, 10));
    b.abort(AckError.INVALID_MKV_DATA, "cut in a frame");
    assertEquals(List.of("open 1 tc=0", "frame 1 t1 0", "reject 1 4006", "fail -"), second.events);
  }

  @Test
  void clusterBeforeTracksIsInvalidMkv() {
    FragmentAssembler a = assembler(IngestConfig.DEFAULT, TimecodeType.RELATIVE);
    a.onEbmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8));
    a.onClusterStart(0, -1);
    a.onFrame(frame(1, 0, 0, 10));
    assertEquals(List.of("fail 4006"), rec.events);
  }

  @Test
  void refusedAdmissionEndsTheConnectionAfterTheInFlightFragment() {
    FragmentAssembler a = started(IngestConfig.DEFAULT.withMaxConnectionDuration(Duration.ofMinutes(1)), VIDEO);
    a.onClusterStart(0, -1);
    a.onFrame(frame(1, 0, 0, 10));
    rec.refuse = AckError.MAX_CONNECTION_DURATION_REACHED;
    a.onClusterStart(100, -1);
    a.onFrame(frame(1, 100, 0, 10));
    assertEquals(List.of("open 1 tc=0", "frame 1 t1 0", "done 1", "fail 4003"), rec.events);
  }
}
