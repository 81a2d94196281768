package io.vidlog.media.mkv;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/** An {@link MkvHandler} that writes every event as one readable line (payloads as length + CRC32). */
final class DumpHandler implements MkvHandler {
  private final StringBuilder out = new StringBuilder();
  private String indent = "";

  String dump() {
    return out.toString();
  }

  private void line(String s) {
    out.append(indent).append(s).append('\n');
  }

  static String crc(ByteBuffer b) {
    CRC32 c = new CRC32();
    c.update(b.duplicate());
    String h = Long.toHexString(c.getValue());
    return "00000000".substring(h.length()) + h;
  }

  static String crc(byte[] b) {
    return b == null ? "null" : b.length + "B/" + crc(ByteBuffer.wrap(b));
  }

  @Override
  public void onEbmlHeader(EbmlHeaderInfo h) {
    line("ebml docType=" + h.docType() + " docTypeVersion=" + h.docTypeVersion() + "/" + h.docTypeReadVersion()
        + " maxIdLength=" + h.maxIdLength() + " maxSizeLength=" + h.maxSizeLength());
  }

  @Override
  public void onSegmentStart(long size) {
    line("segment size=" + size);
    indent = "  ";
  }

  @Override
  public void onInfo(SegmentInfo i, ByteBuffer raw) {
    line("info timecodeScale=" + i.timecodeScaleNs() + " duration=" + i.duration() + " title=" + i.title()
        + " muxingApp=" + i.muxingApp() + " writingApp=" + i.writingApp() + " segmentUid="
        + (i.segmentUid() == null ? "null" : HexFormat.of().formatHex(i.segmentUid())) + " raw=" + raw.remaining()
        + "B/" + crc(raw));
  }

  @Override
  public void onTracks(List<TrackEntry> tracks, ByteBuffer raw) {
    line("tracks raw=" + raw.remaining() + "B/" + crc(raw));
    for (TrackEntry t : tracks) {
      line("  track number=" + t.trackNumber() + " uid=" + Long.toUnsignedString(t.trackUid()) + " type="
          + t.trackType() + " codecId=" + t.codecId() + " name=" + t.name() + " codecPrivate=" + crc(t.codecPrivate())
          + " defaultDurationNs=" + t.defaultDurationNs() + " pixels=" + t.pixelWidth() + "x" + t.pixelHeight()
          + " samplingFrequency=" + t.samplingFrequency() + " channels=" + t.channels() + " bitDepth="
          + t.bitDepth());
    }
  }

  @Override
  public void onClusterStart(long timecode, long size) {
    line("cluster timecode=" + timecode + " size=" + size);
    indent = "    ";
  }

  @Override
  public void onFrame(MkvFrame f) {
    line("frame track=" + f.trackNumber() + " clusterTimecode=" + f.clusterTimecode() + " relative="
        + f.relativeTimecode() + " ns=" + f.timecodeNs() + " key=" + f.keyFrame() + " flags=0x"
        + Integer.toHexString(f.flags()) + " duration=" + f.durationTicks() + " payload=" + f.payload().remaining()
        + "B/" + crc(f.payload()));
  }

  @Override
  public void onClusterEnd() {
    indent = "  ";
    line("clusterEnd");
  }

  @Override
  public void onTags(List<Tag> tags, ByteBuffer raw) {
    line("tags raw=" + raw.remaining() + "B/" + crc(raw));
    for (Tag t : tags) {
      line("  tag targetTypeValue=" + t.targetTypeValue());
      for (SimpleTag s : t.simpleTags()) {
        simpleTag(s, "    ");
      }
    }
  }

  private void simpleTag(SimpleTag s, String in) {
    line(in + "simpleTag name=" + s.name() + " value=" + s.value() + (s.binary() == null ? "" : " binary="
        + crc(s.binary())));
    for (SimpleTag c : s.children()) {
      simpleTag(c, in + "  ");
    }
  }

  @Override
  public void onSegmentEnd() {
    indent = "";
    line("segmentEnd");
  }
}
