package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.live.LiveEvent;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of live event survives the trip between nodes field for field, payload bytes included. */
class LiveEventCodecTest {
  static final FragmentNumber N = new FragmentNumber("1796641589930001000042");

  static Stream<LiveEvent> events() {
    ChunkHeader header = new ChunkHeader(N, 1_796_641_589_930L, 1_700_000_000_123L, 1_000, 128,
        List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 25), new ChunkHeader.TrackSummary(2, "A_AAC", 47)),
        List.of(new ChunkHeader.Metadata("site", "lab ü")), 310, 52_000);
    return Stream.of(
        new LiveEvent.FragmentStart(N, 1_796_641_589_930L, 1_700_000_000_123L, 128, Buffer.buffer(new byte[] {0x1a, 0x45,
            (byte) 0xdf, (byte) 0xa3, 0, 1})),
        new LiveEvent.FragmentStart(new FragmentNumber("7"), 0, -5, 0, Buffer.buffer()),
        new LiveEvent.Frame(N, 2, -32_768, 0x80, Buffer.buffer(new byte[] {0, 0, 0, 1, 0x65, (byte) 0xff})),
        new LiveEvent.Frame(N, 1, 32_767, 0, Buffer.buffer()),
        new LiveEvent.FragmentEnd(N, header, Buffer.buffer("trailer"), true),
        new LiveEvent.FragmentEnd(N, header, Buffer.buffer(), false),
        new LiveEvent.FragmentAborted(N, "FRAGMENT_DURATION_REACHED ✓"),
        new LiveEvent.FragmentAborted(new FragmentNumber("9".repeat(128)), ""));
  }

  @ParameterizedTest
  @MethodSource("events")
  void roundTrip(LiveEvent event) {
    LiveEvent back = LiveEventCodec.decode(LiveEventCodec.encode(event));
    assertEquals(event, back);
  }
}
