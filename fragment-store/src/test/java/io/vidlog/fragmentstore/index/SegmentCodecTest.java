package io.vidlog.fragmentstore.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentCodecTest {

  private static StreamIndex indexOf(List<FragmentRecord> records) {
    StreamIndex ix = new StreamIndex("s");
    records.forEach(ix::append);
    return ix;
  }

  private static StreamIndex roundTrip(StreamIndex ix, NumberKey after) {
    return SegmentCodec.decode("s", SegmentCodec.encode(ix, 0, ix.size()), after);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void everyFieldRoundTripsIncludingExtremes(long seed) {
    Random rnd = new Random(seed);
    List<FragmentRecord> rs = new ArrayList<>();
    long[] extremes = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1};
    String[] numbers = {"7", "0042", "999999999999999999", "1000000000000000000", "1763770000000007000001",
        "1763770002000007000002", "123456789012345678901234567"};
    for (int i = 0; i < numbers.length; i++) {
      long server = rnd.nextInt(3) == 0 ? extremes[rnd.nextInt(extremes.length)] : rnd.nextLong();
      long producer = rnd.nextInt(3) == 0 ? extremes[rnd.nextInt(extremes.length)] : rnd.nextLong();
      rs.add(new FragmentRecord(FragmentNumber.parse(numbers[i]), server, producer, rnd.nextInt(Integer.MAX_VALUE),
          i == 0 ? Integer.MAX_VALUE : rnd.nextInt(1 << 20), i == 1 ? -1 : rnd.nextInt(8), rnd.nextBoolean()));
    }
    StreamIndex ix = indexOf(rs);
    StreamIndex back = roundTrip(ix, null);
    assertEquals(ix.records(), back.records());
    assertEquals(ix.recordsByProducerTime(), back.recordsByProducerTime());
  }

  @Test
  void decodingKeepsOnlyEntriesAfterTheBound() {
    List<FragmentRecord> rs = StreamIndexTest.scenario(100, 4);
    StreamIndex ix = indexOf(rs);
    assertEquals(rs.subList(41, 100), roundTrip(ix, NumberKey.of(rs.get(40).number())).records());
    assertEquals(List.of(), roundTrip(ix, NumberKey.of(rs.get(99).number())).records());
  }

  /** A billion fragments must fit a few tens of GB: minted numbers 2 s apart cost about a dozen bytes each. */
  @Test
  void aMintedFragmentCostsAboutTwelveBytes() {
    List<FragmentRecord> rs = new ArrayList<>();
    io.vidlog.fragmentstore.FragmentNumbers minter =
        new io.vidlog.fragmentstore.FragmentNumbers(3, new java.util.function.LongSupplier() {
          long t = StreamIndexTest.T0;

          @Override
          public long getAsLong() {
            return t += 2_000;
          }
        });
    Random rnd = new Random(9);
    long producer = StreamIndexTest.T0 - 1_500;
    for (int i = 0; i < 1_000; i++) {
      producer += rnd.nextInt(20) == 0 ? -rnd.nextInt(30_000) : 2_000 + rnd.nextInt(5) - 2;
      rs.add(new FragmentRecord(minter.next("s"), StreamIndexTest.T0 + i * 2_000L + rnd.nextInt(3), producer,
          2_000 + rnd.nextInt(3), 300_000 + rnd.nextInt(400_000), 3, i % 10 == 0));
    }
    byte[] body = SegmentCodec.encode(indexOf(rs), 0, rs.size());
    double perEntry = body.length / 1_000.0;
    assertTrue(perEntry <= 14, "bytes per entry: " + perEntry);
    assertEquals(rs, SegmentCodec.decode("s", body, null).records());
  }

  /** Segments written by earlier versions (fixed 42-byte entries) are still read. */
  @Test
  void versionOneSegmentsAreRead() {
    List<FragmentRecord> rs = StreamIndexTest.scenario(50, 6);
    ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + rs.size() * 42).putInt(SegmentCodec.MAGIC).put(SegmentCodec.V1)
        .putInt(rs.size());
    for (FragmentRecord r : rs) {
      NumberKey k = NumberKey.of(r.number());
      b.putInt(k.hi()).putLong(k.lo()).put((byte) k.width()).putLong(r.serverTimestampMillis())
          .putLong(r.producerTimestampMillis()).putInt((int) r.durationMillis()).putInt((int) r.sizeBytes())
          .putInt(r.trackMask()).put((byte) (r.hasMetadata() ? 1 : 0));
    }
    StreamIndex back = SegmentCodec.decode("s", b.array(), null);
    assertEquals(rs, back.records());
    assertEquals(indexOf(rs).range(TimestampKind.PRODUCER, Long.MIN_VALUE, Long.MAX_VALUE, 1_000, null),
        back.range(TimestampKind.PRODUCER, Long.MIN_VALUE, Long.MAX_VALUE, 1_000, null));
  }

  @Test
  void damagedBodiesAreRefusedWithTypedErrors() {
    byte[] body = SegmentCodec.encode(indexOf(StreamIndexTest.scenario(20, 1)), 0, 20);
    for (int cut = 0; cut < body.length; cut++) {
      byte[] shorter = Arrays.copyOf(body, cut);
      assertThrows(IllegalArgumentException.class, () -> SegmentCodec.decode("s", shorter, null), "cut at " + cut);
    }
    byte[] longer = Arrays.copyOf(body, body.length + 1);
    assertThrows(IllegalArgumentException.class, () -> SegmentCodec.decode("s", longer, null));
    byte[] version = body.clone();
    version[4] = 9;
    assertThrows(IllegalArgumentException.class, () -> SegmentCodec.decode("s", version, null));
    byte[] count = body.clone();
    count[5] = 0x7F; // claims more entries than its bytes can hold
    assertThrows(IllegalArgumentException.class, () -> SegmentCodec.decode("s", count, null));
  }

  @Test
  void varintsAndZigzagRoundTrip() {
    for (long v : new long[] {0, 1, -1, 63, -64, 64, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62}) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      SegmentCodec.writeVarLong(out, SegmentCodec.zigzag(v));
      assertEquals(v, SegmentCodec.unzigzag(SegmentCodec.readVarLong(ByteBuffer.wrap(out.toByteArray()))));
    }
    byte[] eleven = new byte[11];
    Arrays.fill(eleven, (byte) 0x80);
    assertThrows(IllegalArgumentException.class, () -> SegmentCodec.readVarLong(ByteBuffer.wrap(eleven)));
    assertArrayEquals(new byte[] {0}, zero());
  }

  private static byte[] zero() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    SegmentCodec.writeVarLong(out, 0);
    return out.toByteArray();
  }
}
