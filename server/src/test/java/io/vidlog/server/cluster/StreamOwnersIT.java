package io.vidlog.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.internal.util.ConcurrencyUtil;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.fragmentstore.streams.StreamStatus;
import io.vidlog.fragmentstore.testing.Conditions;
import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsException;
import io.vidlog.server.config.ServerConfig.ClusterConfig;
import io.vidlog.server.config.ServerConfig.ClusterConfig.Member;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Stream ownership between two cluster nodes in this JVM (each its own clustered Vert.x and
 * Hazelcast member): one owner at a time, a claim refused while the owner's producer is active, a
 * taken-over owner fenced (its confirmation fails, so it commits and acks nothing more), and a node
 * that does not see a majority of the expected nodes takes no stream.
 */
class StreamOwnersIT {
  static final StreamInfo STREAM = new StreamInfo("door", "arn:aws:kinesisvideo:us-east-1:000000000000:stream/door/1",
      "0123456789abcdef0123", StreamStatus.ACTIVE, null, null, "alias/aws/kinesisvideo", 24, "v1", 1L, Map.of());

  static ClusterNode join(int port, List<Member> members) throws Exception {
    return HazelcastCluster.join(new ClusterConfig("127.0.0.1", port, members), new VertxOptions());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    try {
      await(f);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  /** Two nodes in this JVM that see each other, closed after {@code test}. */
  static void withTwoNodes(TwoNodes test) throws Exception {
    int p1 = NodeProcess.freePort();
    int p2 = NodeProcess.freePort();
    List<Member> members = List.of(new Member("127.0.0.1", p1), new Member("127.0.0.1", p2));
    ClusterNode one = join(p1, members);
    ClusterNode two = join(p2, members);
    try {
      Conditions.await("both nodes see each other", () -> one.members().size() == 2 && two.members().size() == 2);
      test.run(one, two);
    } finally {
      await(two.close());
      await(one.close());
    }
  }

  interface TwoNodes {
    void run(ClusterNode one, ClusterNode two) throws Exception;
  }

  @Test
  void oneOwnerAtATimeAndATakenOverOwnerIsFenced() throws Exception {
    withTwoNodes((one, two) -> {
      assertTrue(one.nodeNumber() != two.nodeNumber(), "distinct node numbers");
      await(two.advertise(URI.create("https://two.example:8443"), URI.create("https://two.example:8444")));
      List<String> lostOnOne = new CopyOnWriteArrayList<>();
      one.owners().onLost(lostOnOne::add);

      assertTrue(await(one.owners().claim(STREAM)), "the first claim makes the node the owner");
      assertFalse(await(one.owners().claim(STREAM)), "claiming again changes nothing");
      await(one.owners().confirm(STREAM.streamId()));
      assertTrue(one.owners().writes(STREAM.streamId()));

      one.owners().onReleaseRequest(id -> false); // its producer is active
      Throwable refused = failure(two.owners().claim(STREAM));
      assertEquals(KvsError.CONNECTION_LIMIT_EXCEEDED, assertInstanceOf(KvsException.class, refused).error());
      await(one.owners().confirm(STREAM.streamId()));

      one.owners().onReleaseRequest(id -> true); // its producer went silent
      assertTrue(await(two.owners().claim(STREAM)));
      await(two.owners().confirm(STREAM.streamId()));
      assertFalse(one.owners().owns(STREAM.streamId()));
      assertEquals(List.of(STREAM.streamId()), lostOnOne);
      assertInstanceOf(IllegalStateException.class, failure(one.owners().confirm(STREAM.streamId())),
          "the former owner is fenced");
      Conditions.await("the former owner no longer writes the stream's index",
          () -> !one.owners().writes(STREAM.streamId()));
      assertEquals("https://two.example:8444", await(one.owners().endpoint(STREAM, "PUT_MEDIA")));
      assertEquals("https://two.example:8443", await(one.owners().endpoint(STREAM, "GET_MEDIA")));
      assertNull(await(two.owners().endpoint(STREAM, "GET_MEDIA")), "the owner answers with its own URL");
    });
  }

  /**
   * The owner confirms its ownership twice per fragment. Hazelcast runs the callbacks of its async
   * map reads on its default async executor, which on a machine of two cores or fewer starts a new
   * thread per task (the JDK's common pool then has parallelism 1); a confirmation must hand it
   * nothing. The executor is replaced here by one that counts, so this holds on any machine.
   */
  @Test
  void aConfirmationHandsNothingToHazelcastsAsyncExecutor() throws Exception {
    withTwoNodes((one, two) -> {
      assertTrue(await(one.owners().claim(STREAM)));
      java.util.concurrent.Executor before = ConcurrencyUtil.getDefaultAsyncExecutor();
      AtomicInteger handedOff = new AtomicInteger();
      ConcurrencyUtil.setDefaultAsyncExecutor(task -> {
        handedOff.incrementAndGet();
        before.execute(task);
      });
      try {
        int confirmations = 50;
        for (int i = 0; i < confirmations; i++) {
          await(one.owners().confirm(STREAM.streamId()));
        }
        assertTrue(handedOff.get() < confirmations, handedOff.get() + " tasks handed to Hazelcast's async executor "
            + "for " + confirmations + " confirmations");
      } finally {
        ConcurrencyUtil.setDefaultAsyncExecutor(before);
      }
    });
  }

  @Test
  void aNodeWithoutAMajorityTakesNoStream() throws Exception {
    int port = NodeProcess.freePort();
    ClusterNode alone = join(port, List.of(new Member("127.0.0.1", port), new Member("127.0.0.1", NodeProcess.freePort()),
        new Member("127.0.0.1", NodeProcess.freePort())));
    try {
      assertFalse(alone.quorum(), "one of three expected nodes");
      Throwable refused = failure(alone.owners().claim(STREAM));
      assertEquals(KvsError.SERVICE_UNAVAILABLE, assertInstanceOf(KvsException.class, refused).error());
      assertFalse(alone.owners().writes(STREAM.streamId()));
    } finally {
      await(alone.close());
    }
  }
}
