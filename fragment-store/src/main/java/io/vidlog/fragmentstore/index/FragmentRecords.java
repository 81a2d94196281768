package io.vidlog.fragmentstore.index;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkHeader;

/**
 * The one mapping from a stored chunk's header to its index record. Ingest must append exactly
 * {@code fromHeader(header)} for each persisted fragment: the index rebuilds its newest tail from
 * chunk headers with the same function, so a rebuilt index equals the original one.
 */
public final class FragmentRecords {
  private FragmentRecords() {}

  public static FragmentRecord fromHeader(ChunkHeader h) {
    int mask = 0;
    for (ChunkHeader.TrackSummary t : h.tracks()) {
      if (t.frameCount() > 0 && t.trackNumber() >= 1 && t.trackNumber() <= 32) {
        mask |= 1 << (t.trackNumber() - 1);
      }
    }
    // FragmentSizeInBytes counts media and metadata (docs/wire-protocol.md §3.1): the chunk's whole plaintext MKV.
    return new FragmentRecord(h.number(), h.serverTimestampMillis(), h.producerTimestampMillis(), h.durationMillis(),
        h.mkvLength(), mask, !h.metadata().isEmpty());
  }
}
