package io.vidlog.bench.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * What one reader received, across all its responses, against the fragments its stream's producer
 * got acked PERSISTED (in ack order, which is fragment-number order on one connection): the
 * fragments received whole must be a run of consecutive acked fragments (no gap, no repeat, no
 * fragment that was never acked), each with every frame the producer sent.
 *
 * @param received fragments received whole
 * @param gaps places where the next fragment received was not the next one acked
 * @param unacked fragments received that the producer never got acked
 * @param shortFragments fragments received with fewer (or more) frames than the producer sent
 * @param behind fragments acked by the time the reader finished that came after the last one it
 *     received (0 when it received them before they were acked)
 */
record ReaderCheck(int received, int gaps, int unacked, int shortFragments, int behind) {

  static ReaderCheck of(List<String> fragments, List<Integer> frameCounts, List<String> persisted,
      int ackedAtFinish, int framesPerFragment) {
    List<String> got = new ArrayList<>(fragments);
    int shortOnes = 0;
    for (int i = 0; i < got.size(); i++) {
      if (frameCounts.get(i) != framesPerFragment) {
        shortOnes++;
      }
    }
    if (got.isEmpty()) {
      return new ReaderCheck(0, 0, 0, shortOnes, ackedAtFinish);
    }
    int gaps = 0;
    int unacked = 0;
    int at = persisted.indexOf(got.get(0));
    for (String n : got) {
      if (at >= 0 && at < persisted.size() && persisted.get(at).equals(n)) {
        at++;
        continue;
      }
      int found = persisted.indexOf(n);
      if (found < 0) {
        unacked++;
      } else {
        gaps++;
        at = found + 1;
      }
    }
    return new ReaderCheck(got.size(), gaps, unacked, shortOnes, at < 0 ? ackedAtFinish : Math.max(0, ackedAtFinish - at));
  }

  boolean intact() {
    return gaps == 0 && unacked == 0 && shortFragments == 0;
  }
}
