package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.object.StoreException;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a stream's resident part ({@link StreamState}) on its first use: the floor and the summary,
 * then the segments written after the summary (listed, read and summarized), then the tail from
 * chunk headers. So the first query of a stream reads its summary, not every segment, and a lost
 * summary is rebuilt from the segments.
 */
final class StreamLoad {
  private static final Logger LOG = LoggerFactory.getLogger(StreamLoad.class);
  private static final int LIST_PAGE = 1_000;

  private final IndexObjects objects;
  private final FragmentArchive archive;
  private final SegmentCache cache;
  private final IndexConfig config;
  private final SegmentWriter writer;

  StreamLoad(IndexObjects objects, FragmentArchive archive, SegmentCache cache, IndexConfig config,
      SegmentWriter writer) {
    this.objects = objects;
    this.archive = archive;
    this.cache = cache;
    this.config = config;
    this.writer = writer;
  }

  Future<StreamState> load(StreamInfo stream) {
    StreamState st = new StreamState(stream, IndexObjects.segmentPrefix(stream.streamId()));
    long t0 = System.nanoTime();
    st.tail.beginBulk();
    int[] listed = new int[1];
    Future<FragmentNumber> floorRead = objects.readFloor(st);
    Future<SegmentList> summaryRead = objects.readSummary(st);
    return Future.all(floorRead, summaryRead)
        .compose(both -> {
          FragmentNumber floor = floorRead.result();
          SegmentList summary = summaryRead.result();
          st.floor = floor == null ? null : NumberKey.of(floor);
          SegmentList kept = summary.dropFirst(summary.countEndingAtOrBefore(st.floor));
          st.segments = kept;
          // the first segment's entries at or below the floor are not counted in the summary's count
          st.firstExpired = !kept.isEmpty() && st.floor != null && kept.first(kept.start()).compareTo(st.floor) <= 0
              ? -1 : 0;
          return objects.listSegments(st, summary.isEmpty() ? null : summary.objectKey(st.prefix, summary.end() - 1));
        })
        .compose(found -> {
          listed[0] = found.size();
          found.sort(Comparator.comparing(IndexObjects.Listed::first).thenComparing(IndexObjects.Listed::last));
          return readListed(st, found, 0);
        })
        .compose(v -> {
          NumberKey after = st.segments.lastNumber();
          if (st.floor != null && (after == null || st.floor.compareTo(after) > 0)) {
            after = st.floor;
          }
          return readTail(st, after == null ? null : after.render());
        })
        .map(v -> {
          st.tail.endBulk();
          LOG.info("index of stream {} loaded: {} segments in its summary, {} listed after it, {} tail fragments, "
              + "in {} ms", stream.streamId(), st.segments.size() - st.summaryChanges, listed[0], st.tail.size(),
              (System.nanoTime() - t0) / 1_000_000);
          if (st.summaryChanges > 0) {
            // so that the next start reads this stream's summary instead of these segments again
            st.writes.run(() -> writer.writeSummary(st, true));
          }
          return st;
        });
  }

  /**
   * Reads the listed segments in groups of readParallelism and adds each, in order, to the
   * summary: wholly expired ones (their deletion did not finish) and ones another already covers
   * are skipped. Each is kept in the cache: the newest segments are the likeliest to be read.
   */
  private Future<Void> readListed(StreamState st, List<IndexObjects.Listed> listed, int from) {
    if (from >= listed.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(listed.size(), from + config.readParallelism());
    List<Future<Buffer>> reads = new ArrayList<>();
    for (int i = from; i < to; i++) {
      reads.add(objects.readRaw(listed.get(i)));
    }
    return Future.all(reads).compose(all -> objects.sealer(st)).compose(sealer -> {
      for (int i = from; i < to; i++) {
        IndexObjects.Listed s = listed.get(i);
        NumberKey sealed = st.segments.lastNumber();
        if ((st.floor != null && s.last().compareTo(st.floor) <= 0)
            || (sealed != null && s.last().compareTo(sealed) <= 0)) {
          continue;
        }
        NumberKey after = sealed != null ? sealed : st.floor;
        StreamIndex seg = objects.decode(st, sealer, s.first(), s.last(), reads.get(i - from).result(), after);
        st.segments = st.segments.with(s.first(), s.last(), seg.sketch(SegmentSketch.MAX_INTERVALS));
        st.summaryChanges++;
        cache.put(s.key(), after, seg);
      }
      return readListed(st, listed, to);
    });
  }

  /** Rebuilds the entries after the last segment from chunk headers. */
  private Future<Void> readTail(StreamState st, FragmentNumber after) {
    return archive.list(st.stream, after, LIST_PAGE).compose(numbers -> {
      if (numbers.isEmpty()) {
        return Future.succeededFuture();
      }
      return readHeaders(st, numbers, 0).compose(v -> numbers.size() < LIST_PAGE ? Future.succeededFuture()
          : readTail(st, numbers.get(numbers.size() - 1)));
    });
  }

  private Future<Void> readHeaders(StreamState st, List<FragmentNumber> numbers, int from) {
    if (from >= numbers.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(numbers.size(), from + config.readParallelism());
    List<Future<ChunkHeader>> reads = new ArrayList<>();
    for (int i = from; i < to; i++) {
      reads.add(archive.header(st.stream, numbers.get(i)));
    }
    return Future.join(reads).transform(joined -> {
      for (int i = 0; i < reads.size(); i++) {
        Future<ChunkHeader> h = reads.get(i);
        if (h.failed()) {
          if (!(h.cause() instanceof StoreException e) || e.kind() != StoreException.Kind.INTEGRITY) {
            return Future.failedFuture(h.cause()); // the store is unreachable: the next query loads again
          }
          // A chunk that does not open (cut short by an S3 server that died while it stored the
          // upload, whose commit was answered 5001; or altered) can never be served: leaving it
          // out keeps the stream readable and writable instead of failing every load of its index.
          LOG.warn("stream {}: chunk {} does not open and is left out of the index: {}", st.stream.streamId(),
              numbers.get(from + i), e.getMessage());
          continue;
        }
        FragmentRecord r = FragmentRecords.fromHeader(h.result());
        FragmentRecord latest = st.tail.latest();
        if (latest == null || r.number().compareTo(latest.number()) > 0) {
          st.tail.append(r);
        }
      }
      return readHeaders(st, numbers, to);
    });
  }
}
