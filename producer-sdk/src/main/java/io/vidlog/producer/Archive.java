package io.vidlog.producer;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ListFragments, GetMediaForFragmentList and GetHLSStreamingSessionURL (docs/wire-protocol.md §3.1, §3.2, §3.5). */
final class Archive {
  /** GetMediaForFragmentList takes at most this many numbers per request. */
  static final int MAX_FRAGMENTS_PER_REQUEST = 1000;

  private final ClientContext context;

  Archive(ClientContext context) {
    this.context = context;
  }

  List<FragmentInfo> listFragments(String stream, TimestampType type, Instant from, Instant to) {
    List<FragmentInfo> out = new ArrayList<>();
    String token = null;
    do {
      Map<String, Object> req = new LinkedHashMap<>();
      req.put("StreamName", stream);
      req.put("FragmentSelector", Map.of("FragmentSelectorType", type.name(),
          "TimestampRange", Map.of("StartTimestamp", Docs.seconds(from), "EndTimestamp", Docs.seconds(to))));
      if (token != null) {
        req.put("NextToken", token);
      }
      Map<String, Object> doc = call(stream, ApiName.LIST_FRAGMENTS, "/listFragments", req);
      for (Object o : Docs.list(doc, "Fragments")) {
        Map<String, Object> f = Docs.asObject(o, "a Fragments item");
        BigDecimal size = Docs.number(f, "FragmentSizeInBytes");
        BigDecimal length = Docs.number(f, "FragmentLengthInMilliseconds");
        out.add(new FragmentInfo(Docs.requiredString(f, "FragmentNumber"), size == null ? 0 : size.longValue(),
            Docs.instant(f, "ProducerTimestamp"), Docs.instant(f, "ServerTimestamp"),
            Duration.ofMillis(length == null ? 0 : length.longValue())));
      }
      token = Docs.string(doc, "NextToken");
    } while (token != null && !token.isEmpty());
    // KVS lists in no particular order (docs/wire-protocol.md §9); vidlog already sorts this way
    Comparator<FragmentInfo> byTime = Comparator.comparing(type == TimestampType.PRODUCER_TIMESTAMP
        ? FragmentInfo::producerTimestamp : FragmentInfo::serverTimestamp);
    out.sort(byTime.thenComparing(FragmentInfo::fragmentNumber, FragmentNumbers.ORDER));
    return out;
  }

  void getMediaForFragmentList(String stream, List<String> numbers, FragmentHandler handler) throws IOException {
    for (int i = 0; i < numbers.size(); i += MAX_FRAGMENTS_PER_REQUEST) {
      List<String> batch = numbers.subList(i, Math.min(numbers.size(), i + MAX_FRAGMENTS_PER_REQUEST));
      Map<String, Object> req = Map.of("StreamName", stream, "Fragments", List.copyOf(batch));
      HttpConnection conn = open(stream, ApiName.GET_MEDIA_FOR_FRAGMENT_LIST, "/getMediaForFragmentList", req);
      try (conn) {
        Collector collector = new Collector(handler);
        ChunkParser chunks = new ChunkParser(collector, true);
        read(conn.body(), new MkvReader(chunks), "/getMediaForFragmentList");
        chunks.endOfResponse();
      } catch (ChunkParser.ListenerException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw e.getCause() instanceof RuntimeException r ? r : new VidlogException(e.getMessage(), e.getCause());
      }
    }
  }

  /** Feeds a media response into {@code reader} to its end; a broken or malformed response is a ConnectionException. */
  static void read(InputStream body, MkvReader reader, String what) {
    byte[] buf = new byte[64 * 1024];
    try {
      int n;
      while ((n = body.read(buf)) >= 0) {
        reader.feed(buf, 0, n);
      }
      reader.end();
    } catch (IOException e) {
      throw new ConnectionException(what + " broke: " + HttpConnection.describe(e), e);
    } catch (MediaFormatException e) {
      throw new ConnectionException(what + " sent MKV that cannot be read: " + e.getMessage(), e);
    }
  }

  URI hlsStreamingSessionUrl(HlsSessionRequest r) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("StreamName", r.streamName());
    req.put("PlaybackMode", r.mode().name());
    Map<String, Object> selector = new LinkedHashMap<>();
    if (r.selector() != null) {
      selector.put("FragmentSelectorType", r.selector().name());
    }
    if (r.start() != null) {
      Map<String, Object> range = new LinkedHashMap<>();
      range.put("StartTimestamp", Docs.seconds(r.start()));
      if (r.end() != null) {
        range.put("EndTimestamp", Docs.seconds(r.end()));
      }
      selector.put("TimestampRange", range);
    }
    if (!selector.isEmpty()) {
      req.put("HLSFragmentSelector", selector);
    }
    if (r.containerFormat() != null) {
      req.put("ContainerFormat", r.containerFormat().name());
    }
    if (r.expires() != null) {
      req.put("Expires", r.expires().toSeconds());
    }
    Map<String, Object> doc = call(r.streamName(), ApiName.GET_HLS_STREAMING_SESSION_URL,
        "/getHLSStreamingSessionURL", req);
    String url = Docs.requiredString(doc, "HLSStreamingSessionURL");
    try {
      return URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConnectionException("GetHLSStreamingSessionURL answered a URL that is not one: "
          + HttpResponseParser.printable(url));
    }
  }

  /** A signed call at the stream's endpoint for {@code api}; a connection error makes the next call ask for it again. */
  private Map<String, Object> call(String stream, ApiName api, String path, Map<String, Object> req) {
    try {
      return context.call(context.endpoints().get(stream, api), path, req);
    } catch (ConnectionException e) {
      context.endpoints().forget(stream, api);
      throw e;
    }
  }

  HttpConnection open(String stream, ApiName api, String path, Map<String, Object> req) {
    try {
      return context.openStream(context.endpoints().get(stream, api), path, req);
    } catch (ConnectionException e) {
      context.endpoints().forget(stream, api);
      throw e;
    }
  }

  /** Collects each fragment's frames and hands over whole {@link ReadFragment}s. */
  private static final class Collector implements ChunkParser.Listener {
    private final FragmentHandler handler;
    private final List<ReadFrame> frames = new ArrayList<>();

    Collector(FragmentHandler handler) {
      this.handler = handler;
    }

    @Override
    public void onFragmentStart(ChunkParser.FragmentHeader fragment) {
      frames.clear();
    }

    @Override
    public void onFrame(ChunkParser.FragmentHeader f, int index, MkvFrame frame, TrackEntry track, Instant timestamp) {
      byte[] data = new byte[frame.payload().remaining()];
      frame.payload().duplicate().get(data);
      frames.add(new ReadFrame(f.fragmentNumber(), index, track, timestamp, f.producerTimestamp(),
          f.serverTimestamp(), frame.keyFrame(), data, f.metadata()));
    }

    @Override
    public void onFragmentEnd(ChunkParser.FragmentHeader f, Map<String, String> metadata) throws IOException {
      handler.onFragment(new ReadFragment(f.fragmentNumber(), f.producerTimestamp(), f.serverTimestamp(), f.info(),
          f.tracks(), f.clusterTimecode(), frames, metadata));
      frames.clear();
    }

    @Override
    public void onErrorChunk(String fragmentNumber, int errorId, String errorCode) throws IOException {
      handler.onMissing(fragmentNumber, errorId, errorCode);
    }
  }
}
