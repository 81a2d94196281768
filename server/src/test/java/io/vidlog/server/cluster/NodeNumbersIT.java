package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.map.IMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Node numbers (the node field of minted fragment numbers, docs/cluster.md) between two cluster
 * nodes in this JVM. A node cut off by a partition loses its member id, and a node that joins the
 * majority meanwhile may take its number; when the cut-off node merges back it must not go on
 * minting under a number another live member holds. The merge is played by handing its number to
 * the other member in {@code vidlog.node-numbers} and running the merge step.
 */
class NodeNumbersIT {

  @Test
  void aNodeWhoseNumberWasTakenWhileCutOffClaimsAFreeOneForItsMinter() throws Exception {
    StreamOwnersIT.withTwoNodes((one, two) -> {
      List<Integer> renumbered = new CopyOnWriteArrayList<>();
      one.onRenumbered(renumbered::add);
      int before = one.nodeNumber();
      ((HazelcastCluster) one).rejoined();
      assertEquals(List.of(), renumbered, "a number nobody took is kept");
      assertEquals(before, one.nodeNumber());

      IMap<Integer, String> numbers = Hazelcast.getAllHazelcastInstances().iterator().next()
          .getMap(HazelcastCluster.NODE_NUMBERS);
      numbers.put(before, two.memberId()); // taken while `one` was cut off
      ((HazelcastCluster) one).rejoined();

      int after = one.nodeNumber();
      assertEquals(List.of(after), renumbered, "the new number is handed to the minter");
      assertNotEquals(before, after);
      assertNotEquals(two.nodeNumber(), after);
      assertEquals(one.memberId(), numbers.get(after), "the new number is held under this node's id");
      assertEquals(two.memberId(), numbers.get(before), "the taken number stays with its new holder");
    });
  }
}
