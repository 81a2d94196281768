package io.vidlog.producer.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vidlog.media.MediaFormatException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Access unit boundaries of ITU-T H.264 §7.4.1.2.3. */
class H264AccessUnitsTest {
  // NAL units by type; for slices the second byte's top bit is first_mb_in_slice == 0
  private static final String AUD = "0910";
  private static final String SPS = "6742c01e";
  private static final String PPS = "68ce3c80";
  private static final String SEI = "0605";
  private static final String IDR_FIRST = "6588";
  private static final String IDR_SECOND_SLICE = "6540"; // first_mb_in_slice != 0
  private static final String P_FIRST = "419a";
  private static final String P_SECOND_SLICE = "4110";
  private static final String PART_B = "2380"; // data partition B: no slice header

  @Test
  void parameterSetsAndSeiOpenTheNextAccessUnit() {
    assertEquals(List.of(
        List.of(SPS, PPS, SEI, IDR_FIRST),
        List.of(P_FIRST),
        List.of(SEI, P_FIRST),
        List.of(SPS, PPS, IDR_FIRST)),
        group(SPS, PPS, SEI, IDR_FIRST, P_FIRST, SEI, P_FIRST, SPS, PPS, IDR_FIRST));
  }

  @Test
  void slicesOfOnePictureStayTogether() {
    assertEquals(List.of(
        List.of(AUD, IDR_FIRST, IDR_SECOND_SLICE),
        List.of(AUD, P_FIRST, P_SECOND_SLICE, PART_B),
        List.of(P_FIRST, P_SECOND_SLICE)),
        group(AUD, IDR_FIRST, IDR_SECOND_SLICE, AUD, P_FIRST, P_SECOND_SLICE, PART_B, P_FIRST, P_SECOND_SLICE));
  }

  @Test
  void nonSliceUnitsAfterThePictureStayWithIt() {
    // end of sequence (10) and filler (12) do not start an access unit
    assertEquals(List.of(List.of(IDR_FIRST, "0a", "0c"), List.of(P_FIRST)),
        group(IDR_FIRST, "0a", "0c", P_FIRST));
  }

  @Test
  void unitsAfterTheLastPictureAreDropped() {
    assertEquals(List.of(List.of(IDR_FIRST)), group(IDR_FIRST, SPS, PPS));
  }

  @Test
  void refusesTheForbiddenBitNamingTheOffset() {
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> group(IDR_FIRST, "e588"));
    assertEquals(1, e.offset());
  }

  @Test
  void boundsTheAccessUnitSize() {
    H264AccessUnits units = new H264AccessUnits((nals, offset) -> { }, 5);
    units.onNal(HexFormat.of().parseHex(SPS), 0);
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> units.onNal(HexFormat.of().parseHex(PPS), 1));
    assertEquals(MediaFormatException.Kind.UNSUPPORTED, e.kind());
  }

  private static List<List<String>> group(String... nals) {
    List<List<String>> out = new ArrayList<>();
    H264AccessUnits units = new H264AccessUnits((unit, offset) -> {
      List<String> hex = new ArrayList<>();
      unit.forEach(n -> hex.add(HexFormat.of().formatHex(n)));
      out.add(hex);
    }, 1 << 20);
    for (int i = 0; i < nals.length; i++) {
      units.onNal(HexFormat.of().parseHex(nals[i]), i);
    }
    units.end();
    return out;
  }
}
