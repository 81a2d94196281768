package io.vidlog.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.nal.CodecDescription;
import io.vidlog.media.nal.CodecPrivate;
import io.vidlog.media.nal.Fixtures;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** AudioSpecificConfig and ADTS against ffmpeg's aac encoder output and hand-written HE-AAC configs. */
class AudioSpecificConfigTest {

  @ParameterizedTest
  @ValueSource(strings = {"aac-lc-44100-stereo", "aac-lc-48000-stereo", "aac-lc-48000-mono",
      "aac-lc-8000-mono", "aac-lc-96000-5.1"})
  void ffmpegConfigsAndAdtsAgreeWithFfprobe(String name) {
    Map<String, String> want = Fixtures.codecGolden().get(name);
    int rate = Integer.parseInt(want.get("sample_rate"));
    int channels = Integer.parseInt(want.get("channels"));
    // ffmpeg writes LC plus a backward-compatible SBR extension with sbrPresentFlag 0 (§1.6.6.1)
    byte[] extradata = Fixtures.hex(want.get("extradata"));
    AudioSpecificConfig asc = AudioSpecificConfig.parse(extradata);
    assertEquals(AudioSpecificConfig.aacLc(rate, channels == 6 ? 6 : channels), asc);
    assertEquals(channels, asc.channels());
    assertEquals("mp4a.40.2", asc.codecString());
    assertArrayEquals(Arrays.copyOf(extradata, 2), asc.toBytes());
    CodecDescription d = CodecPrivate.describe("A_AAC", extradata);
    assertEquals(new CodecDescription(CodecDescription.Codec.AAC, "A_AAC", "mp4a.40.2", 0, 0, 0,
        Double.NaN, rate, channels), d);

    ByteBuffer adts = ByteBuffer.wrap(Fixtures.resource("/codec/" + name + ".adts"));
    int frames = 0;
    while (adts.hasRemaining()) {
      AdtsHeader h = AdtsHeader.parse(adts);
      assertTrue(AdtsHeader.looksLikeAdts(adts));
      assertEquals(asc, h.toAudioSpecificConfig());
      adts.position(adts.position() + h.frameLength());
      frames++;
    }
    assertTrue(frames > 1, "frames " + frames);
  }

  @ParameterizedTest
  @CsvSource({
      // HE-AAC v1, explicit hierarchical: AOT 5, core 24 kHz stereo, SBR 48 kHz, then AOT 2
      "2B118800, 2, 24000, 48000, 2, true, false, mp4a.40.5",
      // HE-AAC v2: AOT 29, core 24 kHz mono, SBR 48 kHz, PS → stereo output
      "EB098800, 2, 24000, 48000, 2, true, true, mp4a.40.29",
      // LC 44.1k stereo with a backward-compatible SBR extension whose sbrPresentFlag is 0
      "121056E500, 2, 44100, 44100, 2, false, false, mp4a.40.2"})
  void heAac(String hex, int aot, int coreRate, int outRate, int channels, boolean sbr, boolean ps,
      String codec) {
    AudioSpecificConfig a = AudioSpecificConfig.parse(Fixtures.hex(hex));
    assertEquals(aot, a.audioObjectType());
    assertEquals(coreRate, a.sampleRate());
    assertEquals(sbr, a.sbr());
    assertEquals(ps, a.ps());
    assertEquals(channels, a.channels());
    assertEquals(codec, a.codecString());
    if (sbr) {
      assertEquals(outRate, a.outputSampleRate());
      assertArrayEquals(Fixtures.hex(hex), a.toBytes());
    }
  }

  @Test
  void backwardCompatibleSbrAndPs() {
    // 12 10 | 0x2B7 (11) 00101 (5) 1 (sbr) 0011 (48k) | 0x548 (11) 1 (ps) → 41 bits
    byte[] b = new io.vidlog.media.nal.BitWriter().bits(0x1210, 16).bits(0x2B7, 11).bits(5, 5)
        .bit(true).bits(3, 4).bits(0x548, 11).bit(true).toByteArray();
    AudioSpecificConfig a = AudioSpecificConfig.parse(b);
    assertTrue(a.sbr());
    assertTrue(a.ps());
    assertEquals(48000, a.outputSampleRate());
    assertEquals(44100, a.sampleRate());
  }

  @Test
  void escapesForObjectTypeAndFrequency() {
    AudioSpecificConfig odd = new AudioSpecificConfig(2, 12345, 1, false, false, 0, true);
    byte[] b = odd.toBytes();
    assertEquals(0x0F, ((b[0] & 0x07) << 1) | ((b[1] & 0x80) >> 7)); // index 0xF
    assertEquals(odd, AudioSpecificConfig.parse(b));
    // AOT 31 escape: 32 + 10 = 42 (USAC); not described further but rate and channels are read
    byte[] usac = new io.vidlog.media.nal.BitWriter().bits(31, 5).bits(10, 6).bits(3, 4).bits(2, 4)
        .bits(0, 5).toByteArray();
    AudioSpecificConfig u = AudioSpecificConfig.parse(usac);
    assertEquals(42, u.audioObjectType());
    assertEquals(48000, u.sampleRate());
    assertEquals(2, u.channels());
    assertThrows(MediaFormatException.class, u::toBytes);
    assertEquals(8000, SampleRates.rate(11));
    assertEquals(-1, SampleRates.rate(13));
    assertEquals(3, SampleRates.index(48000));
    assertEquals(-1, SampleRates.index(12345));
  }

  @Test
  void malformedConfigsAndHeaders() {
    assertEquals(MediaFormatException.Kind.MALFORMED,
        assertThrows(MediaFormatException.class, () -> AudioSpecificConfig.parse(new byte[] {0x12})).kind());
    MediaFormatException reserved = assertThrows(MediaFormatException.class,
        () -> AudioSpecificConfig.parse(new byte[] {0x16, (byte) 0x90})); // index 13
    assertEquals(MediaFormatException.Format.AAC, reserved.format());
    assertEquals(0, reserved.offset());
    assertThrows(MediaFormatException.class, () -> AudioSpecificConfig.parse(new byte[] {0x17, (byte) 0x80, 0}));
    assertFalse(AdtsHeader.looksLikeAdts(ByteBuffer.wrap(new byte[] {0x12, 0x10})));
    assertThrows(MediaFormatException.class, () -> AdtsHeader.parse(ByteBuffer.wrap(new byte[] {-1, -15, 0x50})));
    MediaFormatException shortFrame = assertThrows(MediaFormatException.class,
        () -> AdtsHeader.parse(ByteBuffer.wrap(new byte[] {-1, -15, 0x50, (byte) 0x80, 0, 0x1f, -4})));
    assertEquals(MediaFormatException.Kind.MALFORMED, shortFrame.kind());
    assertEquals(MediaFormatException.Format.AAC, shortFrame.format());
  }
}
