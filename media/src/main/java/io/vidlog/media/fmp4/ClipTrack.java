package io.vidlog.media.fmp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One track of a clip as planned: its sample descriptions (one per distinct codec private data
 * met, in order) and its samples in decode order, held as columns of primitives (about 14 bytes a
 * sample), never their payloads.
 */
final class ClipTrack {
  final int trackId;
  final List<Fmp4Track> descriptions = new ArrayList<>();
  long[] ptsNs = new long[256];
  int[] sizes = new int[256];
  boolean[] keys = new boolean[256];
  int count;
  long bytes;
  /** Whether a video track has had its first key frame (samples before it cannot be decoded). */
  boolean started;

  ClipTrack(Fmp4Track first) {
    this.trackId = first.trackId();
    descriptions.add(first);
  }

  Fmp4Track first() {
    return descriptions.get(0);
  }

  boolean isVideo() {
    return first().isVideo();
  }

  /** The 1-based stsd index of {@code t}'s configuration, added when new. */
  int descriptionIndex(Fmp4Track t) {
    int i = descriptions.indexOf(t);
    if (i < 0) {
      descriptions.add(t);
      i = descriptions.size() - 1;
    }
    return i + 1;
  }

  void add(long pts, int size, boolean key) {
    if (count == ptsNs.length) {
      int n = count * 2;
      ptsNs = Arrays.copyOf(ptsNs, n);
      sizes = Arrays.copyOf(sizes, n);
      keys = Arrays.copyOf(keys, n);
    }
    ptsNs[count] = pts;
    sizes[count] = size;
    keys[count] = key || !isVideo();
    count++;
    bytes += size;
  }
}
