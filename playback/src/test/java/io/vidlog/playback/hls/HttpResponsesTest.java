package io.vidlog.playback.hls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP details of the HLS URL family: byte ranges (RFC 9110 §14) and content coding (§12.5.3). */
class HttpResponsesTest {

  static Stream<Arguments> ranges() {
    HttpResponses.Range unsatisfiable = new HttpResponses.Range(0, -1);
    return Stream.of(
        Arguments.of(null, null, null),
        Arguments.of("bytes=0-99", null, new HttpResponses.Range(0, 100)),
        Arguments.of("bytes=990-", null, new HttpResponses.Range(990, 10)),
        Arguments.of("bytes=990-5000", null, new HttpResponses.Range(990, 10)),
        Arguments.of("bytes=-10", null, new HttpResponses.Range(990, 10)),
        Arguments.of("bytes=-5000", null, new HttpResponses.Range(0, 1000)),
        Arguments.of("BYTES = 5-5", null, null),
        Arguments.of("bytes= 5-5 ", null, new HttpResponses.Range(5, 1)),
        Arguments.of("bytes=1000-", null, unsatisfiable),
        Arguments.of("bytes=-0", null, unsatisfiable),
        Arguments.of("bytes=9-3", null, null),
        Arguments.of("bytes=0-1,5-6", null, null),
        Arguments.of("items=0-1", null, null),
        Arguments.of("bytes=x-1", null, null),
        Arguments.of("bytes=0-99", "\"e\"", new HttpResponses.Range(0, 100)),
        Arguments.of("bytes=0-99", "\"other\"", null));
  }

  @ParameterizedTest
  @MethodSource("ranges")
  void rangesOfAThousandBytes(String header, String ifRange, HttpResponses.Range expected) {
    assertEquals(expected, HttpResponses.range(header, ifRange, "\"e\"", 1000));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "gzip|true", "gzip, deflate, br|true", "br;q=1.0, gzip;q=0.8|true", "x-gzip|true", "GZIP|true",
      "gzip;q=0|false", "gzip;q=0.000|false", "identity|false", "deflate|false", "''|false"})
  void gzipWhenTheClientAcceptsIt(String acceptEncoding, boolean expected) {
    assertEquals(expected, HttpResponses.acceptsGzip(acceptEncoding));
  }

  @Test
  void gzipReadsBack() throws Exception {
    byte[] text = "#EXTM3U\n".repeat(100).getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(text, new GZIPInputStream(new ByteArrayInputStream(HttpResponses.gzip(text))).readAllBytes());
  }

  @Test
  void gzipWritesWhatGzipOutputStreamWritesWithOneCompressorReused() throws Exception {
    java.util.Random random = new java.util.Random(5);
    for (int size : new int[] {0, 1, 100, 7_000, 70_000, 300_000}) {
      StringBuilder b = new StringBuilder();
      while (b.length() < size) {
        b.append("getMP4MediaFragment.mp4?FragmentNumber=").append(random.nextLong()).append('\n');
      }
      byte[] text = b.substring(0, size).getBytes(StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(expected)) {
        z.write(text);
      }
      assertArrayEquals(expected.toByteArray(), HttpResponses.gzip(text), size + " bytes");
      assertArrayEquals(expected.toByteArray(), HttpResponses.gzip(text), size + " bytes, again on this thread");
    }
  }
}
