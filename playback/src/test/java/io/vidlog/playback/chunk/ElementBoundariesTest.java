package io.vidlog.playback.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestMedia;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The offsets at which a stored chunk may be cut: fed the chunk in slices of every size, the
 * tracker never reports an offset inside a Cluster child, and reports each SimpleBlock's start as
 * soon as its element header has arrived.
 */
class ElementBoundariesTest {
  static final TestChunks.Fragment F = TestChunks.fragment(0, 1_700_000_000_000L, 0);

  /**
   * Where the Cluster, its Timecode, each SimpleBlock and the trailing producer Tags start, from the
   * chunk layout (the Cluster's id and unknown size take 4 + 8 bytes).
   */
  static TreeSet<Long> clusterBoundaries() {
    TreeSet<Long> starts = new TreeSet<>();
    long at = F.header().clusterOffset();
    starts.add(at);
    starts.add(at + 12);
    at += ChunkMkv.clusterStartLength(F.header().clusterTimecode());
    for (TestMedia.Frame frame : F.frames()) {
      starts.add(at);
      at += ChunkMkv.simpleBlockHeaderLength(1, frame.data().length) + frame.data().length;
    }
    starts.add(at); // the producer Tags after the blocks
    assertEquals(F.mkv().length(), at + F.mkvTrailer().length());
    return starts;
  }

  @Test
  void cutsOnlyBetweenClusterChildrenWhateverTheSlices() {
    TreeSet<Long> boundaries = clusterBoundaries();
    long cluster = F.header().clusterOffset();
    byte[] mkv = F.mkv().getBytes();
    for (int slice = 1; slice <= mkv.length; slice++) {
      ElementBoundaries tracker = new ElementBoundaries();
      long last = 0;
      for (int from = 0; from < mkv.length; from += slice) {
        int to = Math.min(mkv.length, from + slice);
        long safe = tracker.feed(Buffer.buffer(java.util.Arrays.copyOfRange(mkv, from, to)));
        assertTrue(safe >= last && safe <= to, "slice " + slice + ": " + safe + " after " + to + " bytes");
        assertTrue(safe < cluster || boundaries.contains(safe), "slice " + slice + ": cut at " + safe
            + " is inside a Cluster child");
        // An element's id and size take at most 12 bytes (the Cluster: 4-byte id, 8-byte unknown
        // size): once they are in, its start is known.
        Long due = boundaries.floor((long) to - 12);
        assertTrue(due == null || safe >= due, "slice " + slice + ": boundary " + due + " not reported after " + to);
        last = safe;
      }
      assertEquals(boundaries.last(), last, "slice " + slice);
    }
  }

  @Test
  void bytesThatAreNotEbmlStreamAsTheyCome() {
    ElementBoundaries tracker = new ElementBoundaries();
    List<Long> safe = new ArrayList<>();
    byte[] junk = new byte[64];
    for (int i = 0; i < 3; i++) {
      java.util.Arrays.fill(junk, (byte) 0); // id 0x00 is no valid EBML id
      safe.add(tracker.feed(Buffer.buffer(junk)));
    }
    assertEquals(List.of(64L, 128L, 192L), safe);
  }
}
