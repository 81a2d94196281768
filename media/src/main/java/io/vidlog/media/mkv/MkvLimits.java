package io.vidlog.media.mkv;

/**
 * Bounds checked against every size read from the wire before anything is allocated. Defaults
 * follow KVS: a fragment holds at most 50 MB, so no frame can be larger.
 *
 * @param maxFrameSize largest frame (block payload) accepted
 * @param maxHeaderElementSize largest Info, Tracks, Tags or EBML header element (buffered whole)
 * @param maxDepth deepest nesting of master elements
 * @param maxTracks most TrackEntries in Tracks
 */
public record MkvLimits(int maxFrameSize, int maxHeaderElementSize, int maxDepth, int maxTracks) {
  public static final MkvLimits DEFAULT = new MkvLimits(50 * 1024 * 1024, 4 * 1024 * 1024, 16, 16);
}
