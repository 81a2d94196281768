package io.vidlog.producer.cli;

import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.producer.Checkpoint;
import io.vidlog.producer.CheckpointStore;
import io.vidlog.producer.ReadFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes tailed frames as MKV ({@link MkvOutput}) as they arrive, and knows which checkpoint its
 * output reflects.
 *
 * <p>An MKV's Tracks element, with every track, comes before the first Cluster, but a tailed frame
 * names only its own track. The reader announces each fragment with all its tracks before its first
 * frame ({@link #fragmentStart}); frames are written under those, so the header names the audio
 * track of an audio+video stream before its first audio frame. Tracks that change later (another
 * producer) start a new Segment in the same file.
 */
final class MkvTailWriter {
  private final MkvOutput mkv;
  private final Map<Integer, TrackEntry> tracks = new TreeMap<>();
  private Checkpoint written;

  /**
   * @param resumedTracks the tracks of the file being continued (its header is written), or empty
   *     for a new file
   * @param resumed the checkpoint the continued file reflects, or null
   */
  MkvTailWriter(MkvOutput mkv, List<TrackEntry> resumedTracks, Checkpoint resumed) {
    this.mkv = mkv;
    resumedTracks.forEach(t -> tracks.put(t.trackNumber(), t));
    this.written = resumed;
  }

  /** A fragment starts (or resumes): its tracks are those of the frames that follow. */
  void fragmentStart(List<TrackEntry> fragmentTracks) {
    tracks.clear();
    fragmentTracks.forEach(t -> tracks.put(t.trackNumber(), t));
  }

  void frame(ReadFrame f) throws IOException {
    // a frame of a track its fragment did not announce (a reader that announces no fragments) still
    // gets a header that names it
    tracks.putIfAbsent(f.trackNumber(), f.track());
    mkv.frame(f, new ArrayList<>(tracks.values()));
    written = f.checkpoint();
  }

  /** A fragment ended: it is complete in the output. */
  void fragmentEnd(String fragmentNumber) {
    if (written != null && written.fragmentNumber().equals(fragmentNumber)) {
      written = new Checkpoint(fragmentNumber, written.frameIndex(), true);
    }
  }

  /** The checkpoint of the last frame in the output, or null before the first. */
  Checkpoint written() {
    return written;
  }

  /**
   * A store that saves {@link #written()} whatever the reader asks to save, on top of {@code inner}: a
   * checkpoint saved always names what the output holds, also the last one saved when the tail stops.
   */
  CheckpointStore checkpoints(CheckpointStore inner) {
    return new CheckpointStore() {
      private Checkpoint saved;

      @Override
      public Optional<Checkpoint> load() throws IOException {
        return inner.load();
      }

      @Override
      public void save(Checkpoint ignored) throws IOException {
        if (written != null && !written.equals(saved)) {
          inner.save(written);
          saved = written;
        }
      }
    };
  }
}
