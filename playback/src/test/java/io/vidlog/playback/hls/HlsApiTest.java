package io.vidlog.playback.hls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The number checks of HLS query parameters (TrackNumber, PartNumber, _HLS_msn, _HLS_part). */
class HlsApiTest {

  @Test
  void digitsAcceptsOneToMaxAsciiDigitsAndNothingElse() {
    assertTrue(HlsApi.digits("0", 6));
    assertTrue(HlsApi.digits("123456", 6));
    assertTrue(HlsApi.digits("000001", 6));
    assertFalse(HlsApi.digits("", 6));
    assertFalse(HlsApi.digits("1234567", 6));
    assertFalse(HlsApi.digits("-1", 6));
    assertFalse(HlsApi.digits("+1", 6));
    assertFalse(HlsApi.digits("1 ", 6));
    assertFalse(HlsApi.digits("1e3", 6));
    assertFalse(HlsApi.digits("\u0661", 6)); // ARABIC-INDIC DIGIT ONE: a digit, but not [0-9]
    assertFalse(HlsApi.digits("/", 6)); // the characters just below and above '0'..'9'
    assertFalse(HlsApi.digits(":", 6));
  }
}
