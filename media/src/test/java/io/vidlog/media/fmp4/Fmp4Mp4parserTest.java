package io.vidlog.media.fmp4;

import static io.vidlog.media.fmp4.TestFragments.AAC_44K_STEREO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.media.fmp4.TestFragments.Frame;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.AvcConfig;
import io.vidlog.media.nal.HevcConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mp4parser.Box;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part1.objectdescriptors.DecoderConfigDescriptor;
import org.mp4parser.boxes.iso14496.part12.FileTypeBox;
import org.mp4parser.boxes.iso14496.part12.HandlerBox;
import org.mp4parser.boxes.iso14496.part12.MediaHeaderBox;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentBox;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentHeaderBox;
import org.mp4parser.boxes.iso14496.part12.MovieHeaderBox;
import org.mp4parser.boxes.iso14496.part12.SampleFlags;
import org.mp4parser.boxes.iso14496.part12.TrackExtendsBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentBaseMediaDecodeTimeBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentHeaderBox;
import org.mp4parser.boxes.iso14496.part12.TrackHeaderBox;
import org.mp4parser.boxes.iso14496.part12.TrackRunBox;
import org.mp4parser.boxes.iso14496.part14.ESDescriptorBox;
import org.mp4parser.boxes.iso14496.part15.AvcConfigurationBox;
import org.mp4parser.boxes.iso14496.part15.HevcConfigurationBox;
import org.mp4parser.boxes.sampleentry.AudioSampleEntry;
import org.mp4parser.boxes.sampleentry.VisualSampleEntry;
import org.mp4parser.tools.Path;

/**
 * The same output read by a reader vidlog did not write, mp4parser (isoparser): every box of the
 * init segment, codec configuration round trips, and each trun entry of the media segments
 * (sample counts, sizes, durations, decode times, key-frame flags, composition offsets, data offsets).
 */
class Fmp4Mp4parserTest {

  static IsoFile parse(byte[] bytes) throws IOException {
    return new IsoFile(Channels.newChannel(new ByteArrayInputStream(bytes)));
  }

  static byte[] content(Box box) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    box.getBox(Channels.newChannel(out));
    byte[] whole = out.toByteArray();
    return java.util.Arrays.copyOfRange(whole, 8, whole.length);
  }

  @Test
  void initSegmentOfH264AndAac() throws IOException {
    List<TrackEntry> entries = List.of(TestFragments.h264(1, "avc-high-ntsc-352x240"),
        TestFragments.aac(2, AAC_44K_STEREO));
    byte[] init = InitSegment.write(Fmp4Track.of(entries));
    try (IsoFile f = parse(init)) {
      FileTypeBox ftyp = (FileTypeBox) f.getBoxes().get(0);
      assertEquals("iso6", ftyp.getMajorBrand());
      assertTrue(ftyp.getCompatibleBrands().contains("iso6"));
      assertEquals(2, f.getBoxes().size(), "ftyp and moov only");
      MovieHeaderBox mvhd = Path.getPath(f, "moov[0]/mvhd[0]");
      assertEquals(3, mvhd.getNextTrackId());

      TrackHeaderBox tkhd = Path.getPath(f, "moov[0]/trak[0]/tkhd[0]");
      assertEquals(1, tkhd.getTrackId());
      assertEquals(352, tkhd.getWidth(), 0);
      assertEquals(240, tkhd.getHeight(), 0);
      assertTrue(tkhd.isEnabled() && tkhd.isInMovie());
      MediaHeaderBox mdhd = Path.getPath(f, "moov[0]/trak[0]/mdia[0]/mdhd[0]");
      assertEquals(90_000, mdhd.getTimescale());
      assertEquals("und", mdhd.getLanguage());
      HandlerBox hdlr = Path.getPath(f, "moov[0]/trak[0]/mdia[0]/hdlr[0]");
      assertEquals("vide", hdlr.getHandlerType());
      assertNotNull(Path.getPath(f, "moov[0]/trak[0]/mdia[0]/minf[0]/vmhd[0]"));
      assertNotNull(Path.getPath(f, "moov[0]/trak[0]/mdia[0]/minf[0]/dinf[0]/dref[0]"));
      for (String table : List.of("stts", "stsc", "stsz", "stco")) {
        assertNotNull(Path.getPath(f, "moov[0]/trak[0]/mdia[0]/minf[0]/stbl[0]/" + table + "[0]"), table);
      }
      VisualSampleEntry avc1 = Path.getPath(f, "moov[0]/trak[0]/mdia[0]/minf[0]/stbl[0]/stsd[0]/avc1[0]");
      assertEquals(352, avc1.getWidth());
      assertEquals(240, avc1.getHeight());
      assertEquals(1, avc1.getDataReferenceIndex());
      AvcConfigurationBox avcC = Path.getPath(avc1, "avcC[0]");
      AvcConfig ours = AvcConfig.parse(entries.get(0).codecPrivate());
      assertEquals(ours.profileIdc(), avcC.getAvcProfileIndication());
      assertEquals(ours.levelIdc(), avcC.getAvcLevelIndication());
      assertEquals(ours.lengthSize() - 1, avcC.getLengthSizeMinusOne());
      assertArrayEquals(ours.sps().get(0), whole(avcC.getSequenceParameterSets().get(0)));
      assertArrayEquals(ours.pps().get(0), whole(avcC.getPictureParameterSets().get(0)));
      ByteBuffer record = ByteBuffer.allocate(entries.get(0).codecPrivate().length);
      avcC.getavcDecoderConfigurationRecord().getContent(record);
      assertArrayEquals(entries.get(0).codecPrivate(), record.array(), "avcC is the CodecPrivate");

      TrackHeaderBox audioTkhd = Path.getPath(f, "moov[0]/trak[1]/tkhd[0]");
      assertEquals(2, audioTkhd.getTrackId());
      assertEquals(1.0, audioTkhd.getVolume(), 0);
      MediaHeaderBox audioMdhd = Path.getPath(f, "moov[0]/trak[1]/mdia[0]/mdhd[0]");
      assertEquals(44_100, audioMdhd.getTimescale());
      assertEquals("soun", ((HandlerBox) Path.getPath(f, "moov[0]/trak[1]/mdia[0]/hdlr[0]")).getHandlerType());
      assertNotNull(Path.getPath(f, "moov[0]/trak[1]/mdia[0]/minf[0]/smhd[0]"));
      AudioSampleEntry mp4a = Path.getPath(f, "moov[0]/trak[1]/mdia[0]/minf[0]/stbl[0]/stsd[0]/mp4a[0]");
      assertEquals(2, mp4a.getChannelCount());
      assertEquals(44_100, mp4a.getSampleRate());
      assertEquals(16, mp4a.getSampleSize());
      ESDescriptorBox esds = Path.getPath(mp4a, "esds[0]");
      DecoderConfigDescriptor dcd = esds.getEsDescriptor().getDecoderConfigDescriptor();
      assertEquals(0x40, dcd.getObjectTypeIndication());
      assertEquals(5, dcd.getStreamType());
      assertEquals(2, dcd.getAudioSpecificInfo().getAudioObjectType());
      assertEquals(44_100, dcd.getAudioSpecificInfo().getSamplingFrequency());
      assertEquals(2, dcd.getAudioSpecificInfo().getChannelConfiguration());
      assertArrayEquals(AAC_44K_STEREO, dcd.getAudioSpecificInfo().getConfigBytes(), "the ASC is the CodecPrivate");

      List<TrackExtendsBox> trex = Path.getPaths(f, "moov[0]/mvex[0]/trex");
      assertEquals(List.of(1L, 2L), trex.stream().map(TrackExtendsBox::getTrackId).toList());
      assertEquals(1, trex.get(0).getDefaultSampleDescriptionIndex());
    }
  }

  @Test
  void initSegmentOfH265() throws IOException {
    TrackEntry e = TestFragments.h265(1, "hevc-main10-352x288");
    byte[] init = InitSegment.write(List.of(Fmp4Track.of(e)));
    try (IsoFile f = parse(init)) {
      VisualSampleEntry hvc1 = Path.getPath(f, "moov[0]/trak[0]/mdia[0]/minf[0]/stbl[0]/stsd[0]/hvc1[0]");
      assertNotNull(hvc1, "hvc1 sample entry");
      assertEquals(352, hvc1.getWidth());
      assertEquals(288, hvc1.getHeight());
      HevcConfigurationBox hvcC = Path.getPath(hvc1, "hvcC[0]");
      HevcConfig ours = HevcConfig.parse(e.codecPrivate());
      assertEquals(ours.profile().profileIdc(), hvcC.getGeneral_profile_idc());
      assertEquals(ours.profile().levelIdc(), hvcC.getGeneral_level_idc());
      assertEquals(ours.bitDepthLuma() - 8, hvcC.getBitDepthLumaMinus8());
      assertEquals(3, hvcC.getArrays().size());
      assertArrayEquals(e.codecPrivate(), content(hvcC), "hvcC is the CodecPrivate");
    }
  }

  @Test
  void mediaSegmentTrunMatchesTheFrames() throws IOException {
    Random rnd = new Random(3);
    List<Frame> video = TestFragments.videoWithBFrames(1, 25, rnd);
    List<Frame> audio = TestFragments.audio(2, 43, 0, 44_100, rnd);
    List<TrackEntry> entries = List.of(TestFragments.h264(1, "avc-main-640x360"), TestFragments.aac(2, AAC_44K_STEREO));
    long clusterMs = 1_700_000_123_000L;
    byte[] mkv = TestFragments.fragment(entries, clusterMs, TestFragments.interleave(video, audio));
    MkvFragmentRepackager r = TestFragments.read(mkv, 333);
    long endNs = (clusterMs + 1000) * 1_000_000L;
    MediaSegment seg = r.segment(42, 0, endNs);
    byte[] bytes = seg.toByteArray();
    assertEquals(seg.length(), bytes.length);
    try (IsoFile f = parse(bytes)) {
      assertEquals(List.of("moof", "mdat"), f.getBoxes().stream().map(Box::getType).toList());
      MovieFragmentBox moof = (MovieFragmentBox) f.getBoxes().get(0);
      assertEquals(42, ((MovieFragmentHeaderBox) Path.getPath(moof, "mfhd[0]")).getSequenceNumber());

      // video: decode times are the sorted presentation times less one frame of reordering delay
      TrackFragmentHeaderBox tfhd = Path.getPath(moof, "traf[0]/tfhd[0]");
      assertEquals(1, tfhd.getTrackId());
      assertTrue(tfhd.isDefaultBaseIsMoof());
      assertFalse(tfhd.hasBaseDataOffset());
      TrackFragmentBaseMediaDecodeTimeBox tfdt = Path.getPath(moof, "traf[0]/tfdt[0]");
      assertEquals(1, tfdt.getVersion());
      assertEquals(clusterMs * 90 - 3600, tfdt.getBaseMediaDecodeTime());
      TrackRunBox trun = Path.getPath(moof, "traf[0]/trun[0]");
      assertEquals(0, trun.getVersion(), "composition offsets are never negative");
      assertEquals(video.size(), trun.getSampleCount());
      long dts = tfdt.getBaseMediaDecodeTime();
      long sizes = 0;
      for (int i = 0; i < video.size(); i++) {
        TrackRunBox.Entry e = trun.getEntries().get(i);
        Frame x = video.get(i);
        assertEquals(x.payload().length, e.getSampleSize(), "size " + i);
        assertTrue(e.getSampleCompositionTimeOffset() >= 0);
        assertEquals((clusterMs + x.relativeMs()) * 90, dts + e.getSampleCompositionTimeOffset(), "pts " + i);
        assertEquals(3600, e.getSampleDuration(), "every frame lasts 40 ms, the last up to the end " + i);
        SampleFlags flags = e.getSampleFlags();
        assertEquals(x.key() ? 2 : 1, flags.getSampleDependsOn(), "depends_on " + i);
        assertEquals(!x.key(), flags.isSampleIsDifferenceSample(), "non-sync " + i);
        assertArrayEquals(x.payload(), java.util.Arrays.copyOfRange(bytes, (int) (trun.getDataOffset() + sizes),
            (int) (trun.getDataOffset() + sizes + x.payload().length)), "data of sample " + i);
        sizes += e.getSampleSize();
        dts += e.getSampleDuration();
      }
      assertEquals(moof.getSize() + 8, trun.getDataOffset(), "video data first in mdat");

      TrackRunBox audioTrun = Path.getPath(moof, "traf[1]/trun[0]");
      TrackFragmentBaseMediaDecodeTimeBox audioTfdt = Path.getPath(moof, "traf[1]/tfdt[0]");
      assertEquals(clusterMs * 44_100 / 1000, audioTfdt.getBaseMediaDecodeTime());
      assertEquals(0, audioTrun.getVersion());
      assertFalse(audioTrun.isSampleCompositionTimeOffsetPresent(), "audio is presented when decoded");
      assertEquals(audio.size(), audioTrun.getSampleCount());
      assertEquals(trun.getDataOffset() + sizes, audioTrun.getDataOffset(), "audio data after the video's");
      List<Long> durations = new ArrayList<>();
      for (TrackRunBox.Entry e : audioTrun.getEntries()) {
        durations.add(e.getSampleDuration());
        assertEquals(2, e.getSampleFlags().getSampleDependsOn());
        assertFalse(e.getSampleFlags().isSampleIsDifferenceSample());
      }
      assertEquals(List.of(1024L), durations.stream().distinct().toList(), "AAC frames of 1024 samples");
    }
    assertEquals(1, seg.track(1).keyFrames());
    assertEquals(25, seg.track(1).samples());
    assertEquals(clusterMs * 90 + 90_000 - 3600, seg.track(1).endDecodeTime(), "the segment ends where the next starts");
  }

  /** All of a buffer mp4parser hands out (its position may be anywhere). */
  static byte[] whole(ByteBuffer b) {
    ByteBuffer d = b.duplicate().rewind();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
