package io.vidlog.playback.hls;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.index.FragmentRecords;

/**
 * What playlists need of one fragment beyond its index record: its chunk header (frame counts per
 * track) and its tracks (codec private data).
 */
public record FragmentInfo(ChunkHeader header, TrackSet tracks) {

  public FragmentRecord record() {
    return FragmentRecords.fromHeader(header);
  }

  /** Frames of a track in this fragment (0 when it has none). */
  public int frames(int trackNumber) {
    for (ChunkHeader.TrackSummary t : header.tracks()) {
      if (t.trackNumber() == trackNumber) {
        return t.frameCount();
      }
    }
    return 0;
  }
}
