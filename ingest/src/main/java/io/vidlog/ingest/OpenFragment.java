package io.vidlog.ingest;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.media.mkv.TrackEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One fragment (one Cluster) being received on a PutMedia connection: what the fragment rules check
 * and what its {@link ChunkHeader} will say (its index record is
 * {@code FragmentRecords.fromHeader} of that header). Mutated only by the connection's event loop.
 */
final class OpenFragment {
  final StreamHeader header;
  final long clusterTimecode;
  final long serverTimestampMillis;
  final long producerTimestampMillis;
  final List<ChunkHeader.Metadata> preTags;
  final List<ChunkHeader.Metadata> postTags = new ArrayList<>();
  /** The chunk's bytes before the Cluster ID. */
  final Buffer prefix;
  final int clusterStartLength;
  /** Set by the connection when the fragment opens. */
  FragmentNumber number;
  /** The connection's handles for this fragment: its index slot and its chunk (null for retention 0). */
  FragmentSequencer.Slot slot;
  ChunkStream chunk;
  long mkvBytes;
  int frameCount;
  private long minStartNs = Long.MAX_VALUE;
  private long maxEndNs = Long.MIN_VALUE;
  private final Map<Integer, TrackStats> tracks = new TreeMap<>();

  /** Per-track frame count and timestamp range (4004 is checked per track, docs/wire-protocol.md §1.4). */
  static final class TrackStats {
    int frames;
    long maxNs = Long.MIN_VALUE;
  }

  OpenFragment(StreamHeader header, long clusterTimecode, long serverTimestampMillis, long producerTimestampMillis,
      List<ChunkHeader.Metadata> preTags) {
    this.header = header;
    this.clusterTimecode = clusterTimecode;
    this.serverTimestampMillis = serverTimestampMillis;
    this.producerTimestampMillis = producerTimestampMillis;
    this.preTags = List.copyOf(preTags);
    this.prefix = header.prefix(this.preTags);
    this.clusterStartLength = ChunkMkv.clusterStartLength(clusterTimecode);
    this.mkvBytes = prefix.length() + clusterStartLength;
  }

  long firstFrameNs() {
    return minStartNs;
  }

  void addFrame(int track, long startNs, long endNs, long blockBytes) {
    TrackStats s = tracks.computeIfAbsent(track, k -> new TrackStats());
    s.frames++;
    s.maxNs = Math.max(s.maxNs, startNs);
    minStartNs = Math.min(minStartNs, startNs);
    maxEndNs = Math.max(maxEndNs, endNs);
    mkvBytes += blockBytes;
    frameCount++;
  }

  Map<Integer, TrackStats> trackStats() {
    return tracks;
  }

  int metadataCount() {
    return preTags.size() + postTags.size();
  }

  List<ChunkHeader.Metadata> metadata() {
    List<ChunkHeader.Metadata> all = new ArrayList<>(preTags);
    all.addAll(postTags);
    return all;
  }

  long durationMillis() {
    return frameCount == 0 ? 0 : Math.max(0, (maxEndNs - minStartNs) / 1_000_000L);
  }

  /** The chunk header; {@code mkvLength} counts the trailer the caller wrote. */
  ChunkHeader chunkHeader(long mkvLength) {
    List<ChunkHeader.TrackSummary> summary = new ArrayList<>();
    for (Map.Entry<Integer, TrackStats> e : tracks.entrySet()) {
      TrackEntry t = header.track(e.getKey());
      summary.add(new ChunkHeader.TrackSummary(e.getKey(), t == null ? "" : t.codecId(), e.getValue().frames));
    }
    return new ChunkHeader(number, serverTimestampMillis, producerTimestampMillis, durationMillis(), clusterTimecode,
        List.copyOf(summary), List.copyOf(metadata()), prefix.length(), mkvLength);
  }
}
