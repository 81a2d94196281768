package io.vidlog.playback.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.playback.testing.TestChunks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which fragment answers a GetImages time (docs/wire-protocol.md §3.4 "Which picture"). */
class CoveringFragmentTest {

  /** A fragment of {@code lengthMillis} whose server timestamp is {@code serverMillis} (producer one 0). */
  static FragmentRecord fragment(int i, long serverMillis, long lengthMillis) {
    return new FragmentRecord(TestChunks.number(1000 + i), serverMillis, 0, lengthMillis, 1, 1, false);
  }

  // as the AWS C producer SDK's fragments arrive at 25 fps: 1,760 ms of frame starts, the next
  // fragment 1,838 ms later (the last frame's 40 ms and arrival jitter)
  final List<FragmentRecord> recording = List.of(fragment(0, 10_000, 1_760), fragment(1, 11_838, 1_760),
      fragment(2, 13_690, 1_760));

  @Test
  void aTimeInsideAFragmentIsItsOwn() {
    assertEquals(recording.get(0), ImagesHandler.covering(recording, TimestampKind.SERVER, 10_000));
    assertEquals(recording.get(0), ImagesHandler.covering(recording, TimestampKind.SERVER, 11_759));
    assertEquals(recording.get(1), ImagesHandler.covering(recording, TimestampKind.SERVER, 11_838));
  }

  @Test
  void aTimeBetweenTwoFragmentsOfOneRecordingShowsTheEarliersLastFrame() {
    assertEquals(recording.get(0), ImagesHandler.covering(recording, TimestampKind.SERVER, 11_760));
    assertEquals(recording.get(0), ImagesHandler.covering(recording, TimestampKind.SERVER, 11_837));
    assertEquals(recording.get(1), ImagesHandler.covering(recording, TimestampKind.SERVER, 13_650));
  }

  @Test
  void aMissingFragmentOrTheStreamsEndIsNoMedia() {
    List<FragmentRecord> gappy = List.of(recording.get(0), recording.get(2));
    assertNull(ImagesHandler.covering(gappy, TimestampKind.SERVER, 11_760), "a gap as long as a fragment");
    assertNull(ImagesHandler.covering(gappy, TimestampKind.SERVER, 13_000));
    assertNull(ImagesHandler.covering(recording, TimestampKind.SERVER, 15_450), "after the last fragment");
    assertNull(ImagesHandler.covering(recording, TimestampKind.SERVER, 9_999), "before the first");
    List<FragmentRecord> longGap = List.of(fragment(0, 0, 8_000), fragment(1, 9_100, 8_000));
    assertNull(ImagesHandler.covering(longGap, TimestampKind.SERVER, 8_500), "over a second is a gap");
  }

  @Test
  void ofOverlappingFragmentsTheEarliestIngestedAnswers() {
    List<FragmentRecord> twice = List.of(fragment(1, 10_000, 1_760), fragment(0, 10_000, 1_760));
    assertEquals(twice.get(1), ImagesHandler.covering(twice, TimestampKind.SERVER, 10_500));
  }
}
