package io.vidlog.ingest;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.media.mkv.TrackEntry;
import java.util.List;

/**
 * The head of one MKV stream on a PutMedia connection: the EBML header (re-encoded), and Info and
 * Tracks exactly as the producer sent them, so codec private data and unknown children survive into
 * every chunk (each chunk is self-contained, docs/architecture.md §Storage, "Sealed chunks").
 */
record StreamHeader(Buffer ebmlHeader, Buffer info, Buffer tracks, List<TrackEntry> trackEntries,
    long timecodeScaleNs) {

  /** Everything a chunk holds before its Cluster ID: the live feed's {@code mkvHeader}. */
  Buffer prefix(List<ChunkHeader.Metadata> preTags) {
    Buffer tags = ChunkMkv.producerTags(preTags);
    Buffer seg = ChunkMkv.segmentStart();
    Buffer out = Buffer.buffer(ebmlHeader.length() + seg.length() + info.length() + tracks.length() + tags.length());
    return out.appendBuffer(ebmlHeader).appendBuffer(seg).appendBuffer(info).appendBuffer(tracks).appendBuffer(tags);
  }

  TrackEntry track(int number) {
    for (TrackEntry t : trackEntries) {
      if (t.trackNumber() == number) {
        return t;
      }
    }
    return null;
  }
}
