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
 * Writes tailed frames as MKV ({@link MkvOutput}) and knows which checkpoint its output reflects.
 *
 * <p>An MKV's Tracks element, with every track, comes before the first Cluster, but a tailed frame
 * names only its own track: the audio track of an audio+video stream is seen at its first frame. So
 * a new file's first fragment is held until it ends (a fragment holds a few seconds), and the
 * header is written with every track its frames used; later frames go out as they arrive. Tracks
 * that appear later still (another producer) start a new Segment in the same file. Because frames
 * may wait, the checkpoint saved is always the one of the last frame actually written
 * ({@link #checkpoints}): a stop or crash while frames wait makes the reader deliver them again.
 */
final class MkvTailWriter {
  private final MkvOutput mkv;
  private final Map<Integer, TrackEntry> known = new TreeMap<>();
  private final List<ReadFrame> held = new ArrayList<>();
  private boolean headerWritten;
  private Checkpoint written;

  /**
   * @param resumedTracks the tracks of the file being continued (its header is written), or empty
   *     for a new file
   * @param resumed the checkpoint the continued file reflects, or null
   */
  MkvTailWriter(MkvOutput mkv, List<TrackEntry> resumedTracks, Checkpoint resumed) {
    this.mkv = mkv;
    resumedTracks.forEach(t -> known.put(t.trackNumber(), t));
    this.headerWritten = !resumedTracks.isEmpty();
    this.written = resumed;
  }

  void frame(ReadFrame f) throws IOException {
    known.put(f.trackNumber(), f.track());
    if (!headerWritten) {
      held.add(f);
      return;
    }
    write(f);
  }

  /** A fragment ended: what was held goes out, and the fragment is complete in the output. */
  void fragmentEnd(String fragmentNumber) throws IOException {
    release();
    if (written != null && written.fragmentNumber().equals(fragmentNumber)) {
      written = new Checkpoint(fragmentNumber, written.frameIndex(), true);
    }
  }

  /** Writes what is held (a stop): the caller saves {@link #written()} afterwards. */
  void release() throws IOException {
    if (!held.isEmpty()) {
      headerWritten = true;
      for (ReadFrame f : held) {
        write(f);
      }
      held.clear();
    }
  }

  /** The checkpoint of the last frame in the output, or null before the first. */
  Checkpoint written() {
    return written;
  }

  /** A store that saves {@link #written()} whatever the reader asks to save, on top of {@code inner}. */
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

  private void write(ReadFrame f) throws IOException {
    mkv.frame(f, new ArrayList<>(known.values()));
    written = f.checkpoint();
  }
}
