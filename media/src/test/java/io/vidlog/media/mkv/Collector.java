package io.vidlog.media.mkv;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** An {@link MkvHandler} that keeps copies of everything it is given, for value comparisons. */
final class Collector implements MkvHandler {
  /** A frame with its payload copied out. */
  record Frame(MkvFrame frame, byte[] payload) {}

  final List<String> events = new ArrayList<>();
  final List<EbmlHeaderInfo> headers = new ArrayList<>();
  final List<Long> segmentSizes = new ArrayList<>();
  final List<SegmentInfo> infos = new ArrayList<>();
  final List<byte[]> rawInfos = new ArrayList<>();
  final List<List<TrackEntry>> tracks = new ArrayList<>();
  final List<byte[]> rawTracks = new ArrayList<>();
  final List<long[]> clusters = new ArrayList<>();
  final List<Frame> frames = new ArrayList<>();
  final List<List<Tag>> tags = new ArrayList<>();
  final List<byte[]> rawTags = new ArrayList<>();

  static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  @Override
  public void onEbmlHeader(EbmlHeaderInfo header) {
    events.add("ebml");
    headers.add(header);
  }

  @Override
  public void onSegmentStart(long size) {
    events.add("segment");
    segmentSizes.add(size);
  }

  @Override
  public void onInfo(SegmentInfo info, ByteBuffer raw) {
    events.add("info");
    infos.add(info);
    rawInfos.add(bytes(raw));
  }

  @Override
  public void onTracks(List<TrackEntry> t, ByteBuffer raw) {
    events.add("tracks");
    tracks.add(t);
    rawTracks.add(bytes(raw));
  }

  @Override
  public void onClusterStart(long timecode, long size) {
    events.add("cluster");
    clusters.add(new long[] {timecode, size});
  }

  @Override
  public void onFrame(MkvFrame frame) {
    events.add("frame");
    frames.add(new Frame(frame, bytes(frame.payload())));
  }

  @Override
  public void onClusterEnd() {
    events.add("clusterEnd");
  }

  @Override
  public void onTags(List<Tag> t, ByteBuffer raw) {
    events.add("tags");
    tags.add(t);
    rawTags.add(bytes(raw));
  }

  @Override
  public void onSegmentEnd() {
    events.add("segmentEnd");
  }

  static Collector read(byte[] input) {
    Collector c = new Collector();
    MkvReader r = new MkvReader(c, MkvLimits.DEFAULT);
    r.feed(ByteBuffer.wrap(input));
    r.end();
    return c;
  }
}
