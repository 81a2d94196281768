package io.vidlog.fragmentstore.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ChunkHeaderCodecTest {

  static Stream<ChunkHeader> headers() {
    List<ChunkHeader.Metadata> tenItems = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tenItems.add(new ChunkHeader.Metadata("n".repeat(128), "v\u00e9".repeat(128)));
    }
    return Stream.of(
        new ChunkHeader(new FragmentNumber("1"), 0, 0, 0, 0, List.of(), List.of(), 0, 0),
        new ChunkHeader(new FragmentNumber("91343852333181432392682062607743920146264426117"), 1_700_000_000_123L,
            -5, 2000, 4_294_967_296L, List.of(new ChunkHeader.TrackSummary(1, "V_MPEG4/ISO/AVC", 50),
                new ChunkHeader.TrackSummary(2, "A_AAC", 94)), List.of(new ChunkHeader.Metadata("k", "")), 512,
            50_000_000),
        new ChunkHeader(new FragmentNumber("9".repeat(128)), Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, -1,
            List.of(new ChunkHeader.TrackSummary(Integer.MAX_VALUE, "", 0)), tenItems, Long.MAX_VALUE, Long.MAX_VALUE),
        new ChunkHeader(new FragmentNumber("00000000000000000042"), 5, 6, 7, 8,
            List.of(new ChunkHeader.TrackSummary(3, "V_MPEGH/ISO/HEVC", 1)),
            List.of(new ChunkHeader.Metadata("\u6444\u50cf\u673a", "\uD83D\uDCF7")), 9, 10));
  }

  @ParameterizedTest
  @MethodSource("headers")
  void encodeDecodeRoundTrips(ChunkHeader h) {
    assertEquals(h, ChunkHeaderCodec.decode(ChunkHeaderCodec.encode(h)));
  }

  @ParameterizedTest
  @MethodSource("headers")
  void everyTruncationAndTrailingByteIsRejected(ChunkHeader h) {
    byte[] enc = ChunkHeaderCodec.encode(h);
    for (int n = 0; n < enc.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(enc, n);
      assertEquals(StoreException.Kind.INTEGRITY,
          assertThrows(StoreException.class, () -> ChunkHeaderCodec.decode(cut)).kind(), "cut at " + n);
    }
    byte[] longer = java.util.Arrays.copyOf(enc, enc.length + 1);
    assertThrows(StoreException.class, () -> ChunkHeaderCodec.decode(longer));
  }

  @Test
  void unknownVersionAndOversizedInputAreRejected() {
    byte[] enc = ChunkHeaderCodec.encode(headers().findFirst().orElseThrow());
    enc[0] = 2;
    assertEquals(StoreException.Kind.INTEGRITY, assertThrows(StoreException.class, () -> ChunkHeaderCodec.decode(enc)).kind());
    List<ChunkHeader.Metadata> huge = Collections.nCopies(1000, new ChunkHeader.Metadata("x".repeat(100), "y".repeat(100)));
    ChunkHeader tooBig = new ChunkHeader(new FragmentNumber("1"), 0, 0, 0, 0, List.of(), huge, 0, 0);
    assertEquals(StoreException.Kind.INVALID, assertThrows(StoreException.class, () -> ChunkHeaderCodec.encode(tooBig)).kind());
  }
}
