package io.vidlog.playback.clip;

import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Which fragments of a range make a clip, fed the range's records in the index's order (by the
 * selected timestamp, then number), and where each one's Cluster lies on the clip's clock.
 *
 * <p>Producer-timestamp duplicates, as KVS resolves them (docs/wire-protocol.md §3.3): "if some
 * fragments are ingested within the same time range and very different points in time, only the
 * oldest ingested collection of fragments are returned". Two fragments are duplicates when they
 * start at the same producer timestamp or overlap by more than half of the shorter one; of the
 * two the earlier ingested (lower fragment number) stays. Ordinary neighbours overlap by a few
 * frames at most (audio leading video across a cut), which this leaves alone. Server timestamps
 * are unique per stream: nothing to resolve.
 *
 * <p>The clip's clock is producer time, whatever the selector: consecutive fragments of a producer
 * meet exactly on it, where server timestamps carry the network's jitter. A fragment that would
 * start more than {@link #MAX_OVERLAP_MILLIS} before the previous one ends (a producer clock that
 * went back) is moved to that end, and a gap longer than {@link #MAX_GAP_MILLIS} is shortened to it
 * (a sample of 90 kHz video cannot last longer than 2^32 ticks, 13 hours).
 */
public final class ClipSelection {
  static final long MAX_OVERLAP_MILLIS = 1_000;
  static final long MAX_GAP_MILLIS = 3_600_000;

  private final TimestampKind kind;
  private final int maxFragments;
  private final List<FragmentRecord> chosen = new ArrayList<>();
  private boolean complete;

  public ClipSelection(TimestampKind kind, int maxFragments) {
    this.kind = kind;
    this.maxFragments = maxFragments;
  }

  /**
   * Takes the next record of the range. Returns false once the selection is complete: the clip has
   * its {@code maxFragments} and a later record can no longer replace one of them.
   */
  public boolean add(FragmentRecord r) {
    if (complete) {
      return false;
    }
    if (kind == TimestampKind.PRODUCER && !chosen.isEmpty()) {
      FragmentRecord last = chosen.get(chosen.size() - 1);
      if (duplicates(last, r)) {
        if (r.number().compareTo(last.number()) < 0) {
          chosen.set(chosen.size() - 1, r); // ingested earlier: its collection wins
        }
        return true;
      }
    }
    if (chosen.size() == maxFragments) {
      complete = true; // r does not duplicate the last one chosen: nothing after it can
      return false;
    }
    chosen.add(r);
    return true;
  }

  static boolean duplicates(FragmentRecord a, FragmentRecord b) {
    long aStart = a.producerTimestampMillis();
    long bStart = b.producerTimestampMillis();
    if (aStart == bStart) {
      return true;
    }
    long overlap = Math.min(aStart + a.durationMillis(), bStart + b.durationMillis()) - Math.max(aStart, bStart);
    return overlap > 0 && 2 * overlap > Math.min(a.durationMillis(), b.durationMillis());
  }

  /** The fragments of the clip, in clip order. */
  public List<FragmentRecord> fragments() {
    return List.copyOf(chosen);
  }

  /**
   * Where each chosen fragment's Cluster (its producer timestamp) lies on the clip's clock, in ns
   * from the first one's.
   */
  public long[] clusterPositionsNs() {
    long[] at = new long[chosen.size()];
    long previousEnd = 0;
    for (int i = 0; i < chosen.size(); i++) {
      FragmentRecord r = chosen.get(i);
      long ms;
      if (i == 0) {
        ms = 0;
      } else {
        FragmentRecord p = chosen.get(i - 1);
        long natural = at[i - 1] / 1_000_000 + (r.producerTimestampMillis() - p.producerTimestampMillis());
        if (natural < previousEnd - MAX_OVERLAP_MILLIS) {
          ms = previousEnd;
        } else if (natural > previousEnd + MAX_GAP_MILLIS) {
          ms = previousEnd + MAX_GAP_MILLIS;
        } else {
          ms = natural;
        }
      }
      at[i] = ms * 1_000_000;
      previousEnd = ms + r.durationMillis();
    }
    return at;
  }
}
