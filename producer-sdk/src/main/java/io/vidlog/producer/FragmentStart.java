package io.vidlog.producer;

import io.vidlog.media.mkv.TrackEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A fragment whose frames are about to be handed over ({@link FrameHandler#onFragmentStart}): what the
 * chunk says before its Cluster (docs/wire-protocol.md §2 "Chunk layout").
 *
 * @param tracks every track of the fragment (its Tracks element), also one whose first frame comes late
 *     in the fragment or not at all
 * @param metadata the producer's fragment metadata sent before the Cluster (docs/wire-protocol.md §5)
 */
public record FragmentStart(String fragmentNumber, Instant producerTimestamp, Instant serverTimestamp,
    List<TrackEntry> tracks, Map<String, String> metadata) {

  public FragmentStart {
    tracks = List.copyOf(tracks);
    metadata = Map.copyOf(metadata);
  }
}
