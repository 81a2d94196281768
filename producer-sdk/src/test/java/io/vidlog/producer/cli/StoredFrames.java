package io.vidlog.producer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vidlog.producer.FragmentInfo;
import io.vidlog.producer.ReadFragment;
import io.vidlog.producer.ReadFrame;
import io.vidlog.producer.TimestampType;
import io.vidlog.producer.VidlogClient;
import io.vidlog.producer.source.Recorder;
import io.vidlog.producer.source.SourceFrame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** A stream's stored fragments and frames, read back with ListFragments + GetMediaForFragmentList. */
final class StoredFrames {
  final List<ReadFragment> fragments = new ArrayList<>();
  final List<ReadFrame> frames = new ArrayList<>();

  static StoredFrames read(VidlogClient client, String stream) throws Exception {
    StoredFrames s = new StoredFrames();
    List<FragmentInfo> listed = client.listFragments(stream, TimestampType.SERVER_TIMESTAMP, Instant.EPOCH,
        Instant.now().plusSeconds(3600));
    client.getMediaForFragmentList(stream, listed.stream().map(FragmentInfo::fragmentNumber).toList(), f -> {
      s.fragments.add(f);
      s.frames.addAll(f.frames());
    });
    return s;
  }

  /**
   * Asserts that the stored frames are the source's, track by track: same bytes, same key flags on
   * video, and the same times relative to the source's first frame (millisecond precision, as the
   * producer packages them) shifted by one constant (the put moved the file's timeline to now).
   */
  static void assertSameFrames(Recorder source, List<ReadFrame> stored) {
    SourceFrame first = source.frames.get(0);
    long origin = Math.min(first.ptsNanos(), first.dtsNanos());
    TreeMap<Integer, List<String>> expected = new TreeMap<>();
    TreeMap<Integer, List<String>> got = new TreeMap<>();
    Set<Long> shifts = new HashSet<>();
    List<Long> expectedMillis = new ArrayList<>();
    for (SourceFrame f : source.frames) {
      boolean video = source.tracks().get(f.track() - 1).isVideo();
      expected.computeIfAbsent(f.track(), k -> new ArrayList<>()).add(Recorder.crc(f.data()) + " "
          + f.data().remaining() + (video ? (f.keyFrame() ? " K" : " _") : ""));
      expectedMillis.add(Math.floorDiv(f.ptsNanos() - origin, 1_000_000L));
    }
    for (ReadFrame f : stored) {
      got.computeIfAbsent(f.trackNumber(), k -> new ArrayList<>()).add(Recorder.crc(ByteBuffer.wrap(f.data())) + " "
          + f.data().length + (f.track().isVideo() ? (f.keyFrame() ? " K" : " _") : ""));
    }
    assertEquals(expected, got);
    // frames are stored in the order they were put: pair them up by track order to compare times
    TreeMap<Integer, List<Long>> expectedTimes = new TreeMap<>();
    for (int i = 0; i < source.frames.size(); i++) {
      expectedTimes.computeIfAbsent(source.frames.get(i).track(), k -> new ArrayList<>()).add(expectedMillis.get(i));
    }
    TreeMap<Integer, Integer> next = new TreeMap<>();
    for (ReadFrame f : stored) {
      int i = next.merge(f.trackNumber(), 1, Integer::sum) - 1;
      shifts.add(f.timestamp().toEpochMilli() - expectedTimes.get(f.trackNumber()).get(i));
    }
    assertEquals(1, shifts.size(), "every frame moved by the same offset: " + shifts);
  }

  private StoredFrames() {}
}
