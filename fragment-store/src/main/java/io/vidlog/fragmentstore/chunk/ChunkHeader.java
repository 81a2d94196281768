package io.vidlog.fragmentstore.chunk;

import io.vidlog.fragmentstore.FragmentNumber;
import java.util.List;

/**
 * The KVS metadata kept in a chunk next to its MKV bytes (docs/architecture.md §Storage, "Sealed chunks"): enough to rebuild the
 * time index from chunks alone and to write GetMedia's AWS tags.
 *
 * @param clusterTimecode the Cluster Timecode as the producer sent it (echoed in acks)
 * @param tracks per-track frame counts and codec ids of this fragment
 * @param metadata the producer's fragment metadata (name/value pairs) in arrival order
 * @param clusterOffset offset in the plaintext MKV of the Cluster's ID: GetMedia inserts its
 *     pre-cluster AWS Tags there
 * @param mkvLength length of the plaintext MKV bytes
 *
 * <p>The plaintext MKV of a chunk is always laid out as: EBML header, Segment of unknown size, Info,
 * Tracks, the producer Tags sent before the Cluster, the Cluster of unknown size (Timecode then
 * SimpleBlocks), the producer Tags sent after its blocks. Live readers write exactly the same bytes.
 */
public record ChunkHeader(FragmentNumber number, long serverTimestampMillis, long producerTimestampMillis,
    long durationMillis, long clusterTimecode, List<TrackSummary> tracks, List<Metadata> metadata, long clusterOffset,
    long mkvLength) {

  /** One track's presence in the fragment. */
  public record TrackSummary(int trackNumber, String codecId, int frameCount) {}

  /** One producer metadata item, as sent in a SimpleTag. */
  public record Metadata(String name, String value) {}
}
