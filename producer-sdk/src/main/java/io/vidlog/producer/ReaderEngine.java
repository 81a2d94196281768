package io.vidlog.producer;

import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvReader;
import io.vidlog.media.mkv.TrackEntry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machinery behind a {@link StreamReader}: GetMedia (or ListFragments + GetMediaForFragmentList)
 * responses parsed into frames, handed to the application one by one, each followed by its checkpoint.
 *
 * <p>Resuming (docs/wire-protocol.md §2): after a complete fragment F, GetMedia with
 * {@code FRAGMENT_NUMBER} F gives the next fragment. After frame i of a fragment F not yet complete,
 * the reader asks for the first fragment after F − 1, which is F itself when it is still there
 * (fragment numbers are compared numerically and need not exist, §2 "StartSelectorType"), and skips
 * F's frames up to i.
 */
final class ReaderEngine {
  private static final int RANGE_BATCH = 100;

  private final ClientContext context;
  private final ReaderConfig config;
  private volatile boolean stopped;
  private volatile HttpConnection current;
  private volatile Checkpoint checkpoint;

  ReaderEngine(ClientContext context, ReaderConfig config) {
    this.context = context;
    this.config = config;
  }

  void run(FrameHandler handler) throws Exception {
    stopped = false;
    checkpoint = config.checkpoints().load().orElse(null);
    Backoff backoff = new Backoff(config.minBackoff(), config.maxBackoff());
    boolean goOn = true;
    while (goOn && !stopped) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("reader of " + config.streamName() + " interrupted");
      }
      Map<String, Object> selector = selector(checkpoint);
      Delivery delivery = new Delivery(handler, checkpoint);
      goOn = attempt(backoff, delivery, () -> {
        HttpConnection conn = context.archive().open(config.streamName(), ApiName.GET_MEDIA, "/getMedia",
            Map.of("StreamName", config.streamName(), "StartSelector", selector));
        conn.readTimeout(java.time.Duration.ZERO); // a live tail can be quiet; the service ends idle responses itself
        config.listener().onConnected(String.valueOf(selector));
        read(conn, new ChunkParser(delivery, false), "GetMedia");
        config.listener().onDisconnected(null, 0);
      });
    }
  }

  /** A response read by {@code response}: true to go on (after a pause when it failed), false when stopped. */
  private boolean attempt(Backoff backoff, Delivery delivery, Response response) throws Exception {
    try {
      response.read();
      if (delivery.delivered) {
        backoff.reset();
      }
      return true;
    } catch (ChunkParser.ListenerException e) {
      if (e.getCause() instanceof StoppedException) {
        return false;
      }
      throw (Exception) e.getCause();
    } catch (ServiceException | ConnectionException e) {
      if (e instanceof ServiceException se && !se.isRetriable()) {
        throw se;
      }
      if (stopped) {
        return false;
      }
      if (delivery.delivered) {
        backoff.reset();
      }
      pause(backoff, e);
      return true;
    }
  }

  private interface Response {
    void read() throws Exception;
  }

  /** Reads {@code conn}'s media response to its end through {@code chunks}; {@link #stop()} can close it meanwhile. */
  private void read(HttpConnection conn, ChunkParser chunks, String what) {
    current = conn;
    try (conn) {
      if (!stopped) {
        Archive.read(conn.body(), new MkvReader(chunks), what);
        chunks.endOfResponse();
      }
    } finally {
      current = null;
    }
  }

  private void pause(Backoff backoff, RuntimeException e) throws InterruptedException {
    long millis = backoff.nextMillis();
    config.listener().onDisconnected(e, millis);
    long until = System.currentTimeMillis() + millis;
    while (!stopped && System.currentTimeMillis() < until) {
      Thread.sleep(Math.min(50, Math.max(1, until - System.currentTimeMillis())));
    }
  }

  /** The GetMedia StartSelector that resumes after {@code from} (or starts at the configured position). */
  private Map<String, Object> selector(Checkpoint from) {
    Map<String, Object> s = new LinkedHashMap<>();
    if (from != null) {
      s.put("StartSelectorType", "FRAGMENT_NUMBER");
      s.put("AfterFragmentNumber", from.fragmentComplete() ? from.fragmentNumber()
          : FragmentNumbers.predecessor(from.fragmentNumber()));
      return s;
    }
    StartPosition p = config.start();
    switch (p.type()) {
      case NOW, EARLIEST -> s.put("StartSelectorType", p.type().name());
      case PRODUCER_TIMESTAMP, SERVER_TIMESTAMP -> {
        s.put("StartSelectorType", p.type().name());
        s.put("StartTimestamp", Docs.seconds(p.time()));
      }
      case AFTER_FRAGMENT -> {
        s.put("StartSelectorType", "FRAGMENT_NUMBER");
        s.put("AfterFragmentNumber", p.fragmentNumber());
      }
      default -> throw new IllegalStateException(p.type().toString());
    }
    return s;
  }

  void readRange(TimestampType type, Instant from, Instant to, FrameHandler handler) throws Exception {
    stopped = false;
    checkpoint = config.checkpoints().load().orElse(null);
    List<String> numbers = new ArrayList<>();
    for (FragmentInfo f : context.archive().listFragments(config.streamName(), type, from, to)) {
      numbers.add(f.fragmentNumber());
    }
    Backoff backoff = new Backoff(config.minBackoff(), config.maxBackoff());
    boolean goOn = true;
    while (goOn && !stopped) {
      List<String> left = remaining(numbers, checkpoint);
      if (left.isEmpty()) {
        return;
      }
      List<String> batch = List.copyOf(left.subList(0, Math.min(RANGE_BATCH, left.size())));
      Delivery delivery = new Delivery(handler, checkpoint);
      goOn = attempt(backoff, delivery, () -> {
        HttpConnection conn = context.archive().open(config.streamName(), ApiName.GET_MEDIA_FOR_FRAGMENT_LIST,
            "/getMediaForFragmentList", Map.of("StreamName", config.streamName(), "Fragments", batch));
        read(conn, new ChunkParser(delivery, true), "GetMediaForFragmentList");
        // the whole batch was read; when its last fragment was missing (an error chunk) nothing saved its end
        String last = batch.get(batch.size() - 1);
        if (!stopped && (checkpoint == null || !checkpoint.fragmentNumber().equals(last)
            || !checkpoint.fragmentComplete())) {
          save(new Checkpoint(last, -1, true));
        }
      });
    }
  }

  /** The numbers of {@code all} (in list order) not yet wholly processed according to {@code at}. */
  private static List<String> remaining(List<String> all, Checkpoint at) {
    if (at == null) {
      return all;
    }
    int i = all.indexOf(at.fragmentNumber());
    if (i < 0) {
      return all; // a checkpoint of another range or of a tail: this range starts from its beginning
    }
    return all.subList(at.fragmentComplete() ? i + 1 : i, all.size());
  }

  void stop() {
    stopped = true;
    HttpConnection c = current;
    if (c != null) {
      c.close();
    }
  }

  Optional<Checkpoint> checkpoint() {
    return Optional.ofNullable(checkpoint);
  }

  private void save(Checkpoint c) throws IOException {
    config.checkpoints().save(c);
    checkpoint = c;
  }

  /**
   * Hands frames to the application and checkpoints each one after the handler returned; skips what the
   * checkpoint it started from says was processed.
   */
  private final class Delivery implements ChunkParser.Listener {
    private final FrameHandler handler;
    private final Checkpoint resumeFrom;
    private boolean skipping;
    boolean delivered;
    private int lastIndex = -1;

    Delivery(FrameHandler handler, Checkpoint resumeFrom) {
      this.handler = handler;
      this.resumeFrom = resumeFrom;
    }

    @Override
    public void onFragmentStart(ChunkParser.FragmentHeader fragment) throws Exception {
      lastIndex = -1;
      skipping = resumeFrom != null && resumeFrom.fragmentNumber().equals(fragment.fragmentNumber());
      if (skipping && resumeFrom.fragmentComplete()) {
        return;
      }
      if (stopped) {
        throw new ChunkParser.ListenerException(new StoppedException());
      }
      handler.onFragmentStart(new FragmentStart(fragment.fragmentNumber(), fragment.producerTimestamp(),
          fragment.serverTimestamp(), fragment.tracks(), fragment.metadata()));
    }

    @Override
    public void onFrame(ChunkParser.FragmentHeader f, int index, MkvFrame frame, TrackEntry track, Instant timestamp)
        throws Exception {
      lastIndex = index;
      if (skipping && (resumeFrom.fragmentComplete() || index <= resumeFrom.frameIndex())) {
        return;
      }
      if (stopped) {
        throw new ChunkParser.ListenerException(new StoppedException());
      }
      byte[] data = new byte[frame.payload().remaining()];
      frame.payload().duplicate().get(data);
      handler.onFrame(new ReadFrame(f.fragmentNumber(), index, track, timestamp, f.producerTimestamp(),
          f.serverTimestamp(), frame.keyFrame(), data, f.metadata()));
      save(new Checkpoint(f.fragmentNumber(), index, false));
      delivered = true;
    }

    @Override
    public void onFragmentEnd(ChunkParser.FragmentHeader f, Map<String, String> metadata) throws Exception {
      if (!(skipping && resumeFrom.fragmentComplete())) {
        handler.onFragmentEnd(f.fragmentNumber(), metadata);
      }
      save(new Checkpoint(f.fragmentNumber(), lastIndex, true));
      skipping = false;
      delivered = true;
    }

    @Override
    public void onErrorChunk(String fragmentNumber, int errorId, String errorCode) {
      config.listener().onStreamError(fragmentNumber, errorId, errorCode);
    }
  }

  /** {@link #stop()} was called while a response was being read: not an error. */
  static final class StoppedException extends Exception {
    StoppedException() {
      super("stopped", null, false, false);
    }
  }
}
