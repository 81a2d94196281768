package io.vidlog.playback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.KvsTag;
import io.vidlog.playback.testing.KvsParse;
import io.vidlog.playback.testing.TestChunks;
import io.vidlog.playback.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FragmentSelector;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetMediaForFragmentListRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetMediaForFragmentListResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ListFragmentsRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ListFragmentsResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.TimestampRange;

/**
 * ListFragments and GetMediaForFragmentList through the AWS SDK v2 client (docs/wire-protocol.md §3.1, §3.2),
 * over vidlog's real store: the durable time index pages and selects, the sealed chunks are read back.
 */
class ArchivedMediaIT {
  static final long BASE = 1_700_000_000_123L;
  static final long NOW = BASE + 3_600_000L;
  static final int COUNT = 12;

  static TestServer server;
  static KinesisVideoArchivedMediaClient client;
  static StreamInfo stream;
  static List<TestChunks.Fragment> fragments;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(PlaybackConfig.DEFAULTS, NOW);
    client = server.archivedClient();
    stream = server.store.createStream("archived", 24);
    fragments = TestChunks.fragments(COUNT, BASE);
    for (TestChunks.Fragment f : fragments) {
      server.store.persist(stream, f.header(), f.mkv());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  /** Every page of a ListFragments query, following NextToken; each page's fragments in the order returned. */
  static List<List<Fragment>> pages(String streamName, FragmentSelector selector, Long maxResults) {
    List<List<Fragment>> pages = new ArrayList<>();
    String token = null;
    do {
      ListFragmentsResponse page = client.listFragments(ListFragmentsRequest.builder().streamName(streamName)
          .fragmentSelector(selector).maxResults(maxResults).nextToken(token).build());
      pages.add(page.fragments());
      token = page.nextToken();
    } while (token != null && pages.size() <= 100);
    assertNull(token, "paging ends");
    return pages;
  }

  static List<String> numbers(List<List<Fragment>> pages) {
    return pages.stream().flatMap(List::stream).map(Fragment::fragmentNumber).sorted().toList();
  }

  static List<String> numbers(IntStream indexes) {
    return indexes.mapToObj(i -> fragments.get(i).number().value()).sorted().toList();
  }

  static FragmentSelector range(FragmentSelectorType type, long fromMillis, long toMillis) {
    return FragmentSelector.builder().fragmentSelectorType(type).timestampRange(TimestampRange.builder()
        .startTimestamp(Instant.ofEpochMilli(fromMillis)).endTimestamp(Instant.ofEpochMilli(toMillis)).build()).build();
  }

  @Test
  void listsEveryFragmentWithItsFieldsAcrossPages() {
    List<List<Fragment>> pages = pages("archived", null, 5L);
    assertEquals(List.of(5, 5, 2), pages.stream().map(List::size).toList(), "full pages of MaxResults, then the rest");
    List<Fragment> all = new ArrayList<>();
    pages.forEach(all::addAll);
    all.sort(Comparator.comparing(Fragment::fragmentNumber));
    assertEquals(numbers(IntStream.range(0, COUNT)), all.stream().map(Fragment::fragmentNumber).toList(),
        "every fragment once");
    for (int i = 0; i < COUNT; i++) {
      TestChunks.Fragment f = fragments.get(i);
      Fragment got = all.get(i);
      assertEquals(f.number().value(), got.fragmentNumber());
      assertEquals(f.header().mkvLength(), got.fragmentSizeInBytes());
      assertEquals(Instant.ofEpochMilli(f.header().serverTimestampMillis()), got.serverTimestamp());
      assertEquals(Instant.ofEpochMilli(f.header().producerTimestampMillis()), got.producerTimestamp());
      assertEquals(f.header().durationMillis(), got.fragmentLengthInMilliseconds());
    }
  }

  @Test
  void withoutMaxResultsOnePageHoldsEverything() {
    List<List<Fragment>> pages = pages("archived", null, null);
    assertEquals(1, pages.size());
    assertEquals(numbers(IntStream.range(0, COUNT)), numbers(pages));
  }

  @Test
  void timestampRangeSelectsByStartInclusive() {
    TestChunks.Fragment from = fragments.get(3);
    TestChunks.Fragment to = fragments.get(6);
    ListFragmentsResponse r = client.listFragments(ListFragmentsRequest.builder().streamName("archived")
        .fragmentSelector(range(FragmentSelectorType.PRODUCER_TIMESTAMP, from.header().producerTimestampMillis(),
            to.header().producerTimestampMillis())).build());
    assertEquals(numbers(IntStream.rangeClosed(3, 6)),
        r.fragments().stream().map(Fragment::fragmentNumber).sorted().collect(Collectors.toList()));
    assertNull(r.nextToken());
  }

  @Test
  void serverTimestampRangePagesFromTheFirstFragmentStartingInIt() {
    // From the middle of fragment 2 (which starts before the range, so it is not listed) to the
    // exact start of fragment 8 (listed: both ends are inclusive).
    TestChunks.Fragment two = fragments.get(2);
    long from = two.header().serverTimestampMillis() + two.header().durationMillis() / 2;
    long to = fragments.get(8).header().serverTimestampMillis();
    List<List<Fragment>> pages = pages("archived", range(FragmentSelectorType.SERVER_TIMESTAMP, from, to), 2L);
    assertEquals(List.of(2, 2, 2), pages.stream().map(List::size).toList());
    assertEquals(numbers(IntStream.rangeClosed(3, 8)), numbers(pages));
  }

  @Test
  void producerTimestampRangePagesOverTimestampsThatGoBack() throws Exception {
    // A producer that restarted its clock: fragments 5..9 carry producer timestamps that interleave
    // with those of 0..4 (each 500 ms long), while server timestamps and numbers keep increasing.
    StreamInfo s = server.store.createStream("restarted", 24);
    List<String> inRange = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long producer = i < 5 ? i * 500L : (i - 5) * 500L + 250;
      TestChunks.Fragment f = TestChunks.fragment(i, BASE + i * 500L, producer, 0);
      server.store.persist(s, f.header(), f.mkv());
      if (producer >= 250 && producer <= 2250) {
        inRange.add(f.number().value());
      }
    }
    List<List<Fragment>> pages = pages("restarted", range(FragmentSelectorType.PRODUCER_TIMESTAMP, 250, 2250), 3L);
    assertEquals(List.of(3, 3, 3), pages.stream().map(List::size).toList());
    assertEquals(9, inRange.size());
    assertEquals(inRange.stream().sorted().toList(), numbers(pages), "every fragment starting in the range, once");
  }

  @Test
  void nextTokenBelongsToItsSelectorType() {
    ListFragmentsResponse first = client.listFragments(ListFragmentsRequest.builder().streamName("archived")
        .maxResults(2L).build());
    assertEquals(2, first.fragments().size());
    assertThrows(InvalidArgumentException.class, () -> client.listFragments(ListFragmentsRequest.builder()
        .streamName("archived").maxResults(2L).nextToken(first.nextToken())
        .fragmentSelector(range(FragmentSelectorType.PRODUCER_TIMESTAMP, 0, BASE)).build()));
  }

  @Test
  void badListArgumentsAreInvalidArguments() {
    assertThrows(InvalidArgumentException.class, () -> client.listFragments(ListFragmentsRequest.builder()
        .streamName("archived").maxResults(1001L).build()));
    assertThrows(InvalidArgumentException.class, () -> client.listFragments(ListFragmentsRequest.builder()
        .streamName("archived").fragmentSelector(FragmentSelector.builder()
            .fragmentSelectorType(FragmentSelectorType.SERVER_TIMESTAMP).build()).build()));
  }

  /** The whole GetMediaForFragmentList body for these fragments, as sent. */
  static byte[] fragmentListBody(List<String> numbers) throws Exception {
    try (ResponseInputStream<GetMediaForFragmentListResponse> in = client.getMediaForFragmentList(
        GetMediaForFragmentListRequest.builder().streamName("archived").fragments(numbers).build(),
        ResponseTransformer.toInputStream())) {
      assertEquals("video/webm", in.response().contentType());
      return in.readAllBytes(); // this response ends after the last listed fragment
    }
  }

  @Test
  void fragmentListComesBackInTheRequestedOrderWithBothTagSpellings() throws Exception {
    List<Integer> order = List.of(7, 2, 9, 2);
    KvsParse parsed = KvsParse.read(new ByteArrayInputStream(fragmentListBody(
        order.stream().map(i -> fragments.get(i).number().value()).toList())), p -> false);
    assertEquals(order.size(), parsed.chunks.size());
    for (int k = 0; k < order.size(); k++) {
      int i = order.get(k);
      TestChunks.Fragment f = fragments.get(i);
      KvsParse.Chunk c = parsed.chunks.get(k);
      assertTrue(c.metadata.isSuccess());
      assertEquals(f.number().value(), c.number());
      assertEquals(f.header().serverTimestampMillis(), c.metadata.getServerSideTimestampMillis());
      assertEquals(f.header().producerTimestampMillis(), c.metadata.getProducerSideTimestampMillis());
      assertEquals(KvsTag.seconds(f.header().serverTimestampMillis()), c.kvsTags.get(KvsTag.SERVER_SIDE_TIMESTAMP));
      assertEquals(KvsTag.seconds(f.header().producerTimestampMillis()),
          c.kvsTags.get(KvsTag.PRODUCER_SIDE_TIMESTAMP));
      assertEquals(f.frames().size(), c.frames.size());
      for (int j = 0; j < c.frames.size(); j++) {
        assertArrayEquals(f.frames().get(j).data(), c.frames.get(j));
      }
      assertEquals("value-" + i, c.userTags.get("meta-" + i), "pre-cluster producer metadata");
      assertEquals("tail-" + i, c.userTags.get("after-" + i), "post-cluster producer metadata");
    }
  }

  @Test
  void fragmentListCarriesNoGetMediaOnlyTags() throws Exception {
    byte[] body = fragmentListBody(fragments.stream().map(f -> f.number().value()).toList());
    KvsParse parsed = KvsParse.read(new ByteArrayInputStream(body), p -> false);
    assertEquals(COUNT, parsed.chunks.size(), "the parser library still reads every fragment");
    for (int i = 0; i < COUNT; i++) {
      KvsParse.Chunk c = parsed.chunks.get(i);
      assertTrue(c.metadata.isSuccess());
      assertEquals(fragments.get(i).number().value(), c.number());
      assertEquals(fragments.get(i).frames().size(), c.frames.size());
      assertEquals(Set.of(KvsTag.FRAGMENT_NUMBER, KvsTag.SERVER_TIMESTAMP, KvsTag.PRODUCER_TIMESTAMP,
          KvsTag.SERVER_SIDE_TIMESTAMP, KvsTag.PRODUCER_SIDE_TIMESTAMP), c.kvsTags.keySet());
      assertTrue(c.metadata.getMillisBehindNow().isEmpty());
      assertTrue(c.token().isEmpty());
    }
    String raw = new String(body, StandardCharsets.ISO_8859_1);
    assertFalse(raw.contains(KvsTag.MILLIS_BEHIND_NOW));
    assertFalse(raw.contains(KvsTag.CONTINUATION_TOKEN));
  }

  @Test
  void unknownFragmentIsAnErrorChunkAndTheRestStillComes() throws Exception {
    String unknown = "99999999999999999999";
    KvsParse parsed;
    try (ResponseInputStream<GetMediaForFragmentListResponse> in = client.getMediaForFragmentList(
        GetMediaForFragmentListRequest.builder().streamName("archived")
            .fragments(fragments.get(1).number().value(), unknown, fragments.get(4).number().value()).build(),
        ResponseTransformer.toInputStream())) {
      parsed = KvsParse.read(in, p -> false);
    }
    assertEquals(3, parsed.chunks.size());
    assertTrue(parsed.chunks.get(0).metadata.isSuccess());
    KvsParse.Chunk error = parsed.chunks.get(1);
    assertFalse(error.metadata.isSuccess());
    assertEquals(unknown, error.number());
    assertEquals(4000, error.metadata.getErrorId());
    assertTrue(error.frames.isEmpty());
    KvsParse.Chunk after = parsed.chunks.get(2);
    assertTrue(after.metadata.isSuccess());
    assertEquals(fragments.get(4).number().value(), after.number());
    assertEquals(fragments.get(4).frames().size(), after.frames.size());
  }

  @Test
  void fragmentListBoundsAreInvalidArguments() {
    assertThrows(InvalidArgumentException.class, () -> client.getMediaForFragmentList(
        GetMediaForFragmentListRequest.builder().streamName("archived")
            .fragments(IntStream.range(0, 1001).mapToObj(i -> "1" + i).toList()).build(),
        ResponseTransformer.toBytes()));
    assertThrows(InvalidArgumentException.class, () -> client.getMediaForFragmentList(
        GetMediaForFragmentListRequest.builder().streamName("archived").fragments(List.of()).build(),
        ResponseTransformer.toBytes()));
  }

  @Test
  void retentionZeroStreamHasNoArchive() throws Exception {
    StreamInfo zero = server.store.createStream("zero-archive", 0);
    // never read: retention 0 keeps nothing in the store
    server.store.persist(zero, fragments.get(0).header(), fragments.get(0).mkv());
    assertTrue(client.listFragments(ListFragmentsRequest.builder().streamName("zero-archive").build())
        .fragments().isEmpty());
    KvsParse parsed;
    try (ResponseInputStream<GetMediaForFragmentListResponse> in = client.getMediaForFragmentList(
        GetMediaForFragmentListRequest.builder().streamName("zero-archive")
            .fragments(fragments.get(0).number().value()).build(),
        ResponseTransformer.toInputStream())) {
      parsed = KvsParse.read(in, p -> false);
    }
    assertEquals(1, parsed.chunks.size());
    assertEquals(4000, parsed.chunks.get(0).metadata.getErrorId());
  }
}
