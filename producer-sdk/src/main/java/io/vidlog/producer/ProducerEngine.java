package io.vidlog.producer;

import io.vidlog.kvs.KvsError;
import io.vidlog.kvs.KvsTag;
import io.vidlog.kvs.sigv4.SigV4;
import io.vidlog.media.ebml.EbmlWriter;
import io.vidlog.media.mkv.MkvWriter;
import io.vidlog.media.mkv.SimpleTag;
import io.vidlog.media.mkv.TrackEntry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machinery behind a {@link StreamProducer}: the content buffer, the sender thread that owns the
 * PutMedia connection, the per-connection ack thread ({@link PutMediaConnection}) and a watchdog.
 *
 * <p>Phases of the producer: RUNNING → CLOSING (graceful close: what is buffered is still sent and
 * acknowledged) → CLOSED; or FAILED after an error retrying cannot fix. The sender thread loops over
 * connections: reconcile fragments a broken connection left uncertain, connect (GetDataEndpoint,
 * PutMedia), stream until the connection breaks, goes stale, must be rotated or the producer closes,
 * then back off and start again. Frames are kept until their fragment is acknowledged; a new
 * connection starts with a fresh MKV header and sends every fragment not acknowledged, from its first
 * byte.
 */
final class ProducerEngine implements PutMediaConnection.Events {
  /** KVS and vidlog refuse fragments longer than 10 s (4002, docs/wire-protocol.md §1.4): cut before. */
  static final long MAX_FRAGMENT_MILLIS = 9_000;
  /** Audio-only streams have no key frames to cut at: fragments of this length unless configured. */
  static final long AUDIO_FRAGMENT_MILLIS = 2_000;
  private static final byte[] END_OF_FRAGMENT = MkvWriter.MINIMAL.tags(SimpleTag.of(KvsTag.END_OF_FRAGMENT, ""));
  private static final AtomicInteger IDS = new AtomicInteger();

  private enum Phase { RUNNING, CLOSING, CLOSED, FAILED }

  /** How one connection's streaming ended. */
  private enum Outcome { BROKEN, ROTATE, DRAINED, STOPPED }

  private final ClientContext context;
  private final ProducerConfig config;
  private final ProducerListener listener;
  private final String threadPrefix;
  private final boolean keepsNothing;
  private final Map<Integer, TrackPackager> packagers = new LinkedHashMap<>();
  private final int cutTrack;
  private final boolean cutOnKeyFrames;
  private final long fragmentMillis;
  private final FragmentMetadata metadata = new FragmentMetadata();
  private final Backoff backoff;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<BufferedFragment> fragments = new ArrayDeque<>();
  private BufferedFragment open;
  private StreamHeader header;
  private boolean cutNext;
  private long bufferedBytes;
  private Phase phase = Phase.RUNNING;
  private Throwable failure;
  private PutMediaConnection connection;
  private int pressureLevel;
  private long lastFragmentTimecode = Long.MIN_VALUE;
  private final Stats stats = new Stats();
  private int connectionIds;

  private final Thread sender;
  private final Thread watchdog;

  /** Counters, guarded by the lock. */
  private static final class Stats {
    long framesAccepted;
    long framesDropped;
    long fragmentsStarted;
    long fragmentsPersisted;
    long fragmentsDropped;
    long alreadyStored;
    long resent;
    long connections;
    long errors;
    long bytesSent;
  }

  private ProducerEngine(ClientContext context, ProducerConfig config, StreamInfo stream) {
    this.context = context;
    this.config = config;
    this.listener = config.listener();
    this.keepsNothing = stream.dataRetentionInHours() == 0;
    this.backoff = new Backoff(config.minBackoff(), config.maxBackoff());
    int firstVideo = 0;
    for (TrackConfig t : config.tracks()) {
      packagers.put(t.trackNumber(), new TrackPackager(t));
      if (firstVideo == 0 && t.codec().isVideo()) {
        firstVideo = t.trackNumber();
      }
    }
    this.cutOnKeyFrames = firstVideo != 0;
    this.cutTrack = firstVideo != 0 ? firstVideo : config.tracks().get(0).trackNumber();
    long configured = config.fragmentDuration().toMillis();
    this.fragmentMillis = cutOnKeyFrames ? configured : (configured == 0 ? AUDIO_FRAGMENT_MILLIS : configured);
    this.threadPrefix = "vidlog-producer-" + config.streamName() + "-" + IDS.incrementAndGet();
    this.sender = new Thread(this::senderLoop, threadPrefix + "-sender");
    this.sender.setDaemon(true);
    this.watchdog = new Thread(this::watchdogLoop, threadPrefix + "-watchdog");
    this.watchdog.setDaemon(true);
  }

  /** The KVS producer flow (describe, create if allowed, wait for ACTIVE), then the threads start. */
  static ProducerEngine start(ClientContext context, ProducerConfig config) {
    StreamInfo stream;
    if (config.createIfMissing() != null) {
      StreamSpec spec = config.createIfMissing();
      if (!spec.streamName().equals(config.streamName())) {
        throw new IllegalArgumentException("createIfMissing names stream " + spec.streamName() + ", the config "
            + config.streamName());
      }
      stream = context.controlPlane().ensureStream(spec, Duration.ofMinutes(2));
    } else {
      stream = context.controlPlane().describeStream(config.streamName());
      if (!stream.isActive()) {
        stream = context.controlPlane().ensureStream(StreamSpec.named(config.streamName()), Duration.ofMinutes(2));
      }
    }
    ProducerEngine e = new ProducerEngine(context, config, stream);
    context.register(e);
    e.sender.start();
    e.watchdog.start();
    return e;
  }

  String streamName() {
    return config.streamName();
  }

  // ------------------------------------------------------------------ frames in

  void putFrame(int track, Instant pts, Instant dts, boolean keyFrame, byte[] data) {
    TrackPackager p = packagers.get(track);
    if (p == null) {
      throw new IllegalArgumentException("track " + track + " is not a track of this producer (" + packagers.keySet() + ")");
    }
    long ptsMs = pts.toEpochMilli();
    long dtsMs = dts.toEpochMilli();
    List<Runnable> callbacks = new ArrayList<>(2);
    lock.lock();
    try {
      requireRunning();
      if (config.mode() == BufferMode.OFFLINE) {
        awaitRoom(data.length);
        requireRunning();
      }
      TrackEntry before = p.entry();
      byte[] payload;
      try {
        payload = p.package_(dtsMs, keyFrame, data);
      } catch (IllegalArgumentException e) {
        stats.errors++;
        throw e;
      }
      boolean tracksChanged = p.entry() != before;
      if (tracksChanged) {
        header = null; // rebuilt at the next fragment start from every track's entry
      }
      boolean cut = startsFragment(track, ptsMs, keyFrame, tracksChanged);
      if (cut && !newFragment(ptsMs)) {
        cut = false;
      }
      if (open == null) {
        stats.framesDropped++;
        DroppedFragment d = new DroppedFragment(pts, 1, payload.length, DroppedFragment.Reason.BEFORE_FIRST_KEY_FRAME);
        callbacks.add(() -> listener.onDrop(d));
        return;
      }
      long relative = ptsMs - open.timecode;
      if (relative < Short.MIN_VALUE || relative > Short.MAX_VALUE) {
        throw new IllegalArgumentException("track " + track + ": presentation time " + pts + " is " + relative
            + " ms from its fragment's start; a frame may be at most 32.767 s away from it");
      }
      int flags = keyFrame && p.config().codec().isVideo() || !p.config().codec().isVideo() ? MkvWriter.FLAG_KEY : 0;
      byte[] head = MkvWriter.MINIMAL.simpleBlockHeader(track, (int) relative, flags, payload.length);
      byte[] block = new byte[head.length + payload.length];
      System.arraycopy(head, 0, block, 0, head.length);
      System.arraycopy(payload, 0, block, head.length, payload.length);
      open.add(block, ptsMs);
      bufferedBytes += block.length;
      stats.framesAccepted++;
      if (config.mode() == BufferMode.REAL_TIME) {
        dropWhileOverLimits(callbacks);
      }
      pressure(callbacks);
      changed.signalAll();
    } finally {
      lock.unlock();
      callbacks.forEach(Runnable::run);
    }
  }

  private void requireRunning() {
    if (phase != Phase.RUNNING) {
      throw new ProducerClosedException("the producer of stream " + config.streamName() + " is "
          + (phase == Phase.FAILED ? "failed: " + failure.getMessage() : "closed"), failure);
    }
  }

  private boolean startsFragment(int track, long ptsMs, boolean keyFrame, boolean tracksChanged) {
    if (open == null) {
      return cutNext || (track == cutTrack && (keyFrame || !cutOnKeyFrames));
    }
    long age = ptsMs - open.timecode;
    if (cutNext || tracksChanged || age >= MAX_FRAGMENT_MILLIS) {
      return true;
    }
    if (track != cutTrack || (cutOnKeyFrames && !keyFrame)) {
      return false;
    }
    return age >= fragmentMillis;
  }

  /** Closes the open fragment and starts one at {@code ptsMs}; false when none can start (no header yet, or not later than the last). */
  private boolean newFragment(long ptsMs) {
    if (ptsMs <= lastFragmentTimecode) {
      return false; // acks name fragments by their timecode: it must grow
    }
    if (header == null) {
      List<TrackEntry> entries = new ArrayList<>();
      for (TrackPackager p : packagers.values()) {
        if (p.entry() == null) {
          return false;
        }
        entries.add(p.entry());
      }
      header = new StreamHeader(entries);
    }
    if (open != null) {
      open.closed = true;
    }
    cutNext = false;
    byte[] tags = FragmentMetadata.tagsElement(metadata.takeForNextFragment());
    byte[] preamble = EbmlWriter.concat(tags, MkvWriter.MINIMAL.clusterStart(ptsMs, -1));
    open = new BufferedFragment(ptsMs, header, preamble);
    lastFragmentTimecode = ptsMs;
    fragments.addLast(open);
    bufferedBytes += preamble.length;
    stats.fragmentsStarted++;
    return true;
  }

  void putFragmentMetadata(String name, String value, boolean persistent) {
    lock.lock();
    try {
      requireRunning();
      metadata.put(name, value, persistent);
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ buffer limits

  private long bufferedMillis() {
    BufferedFragment first = fragments.peekFirst();
    if (first == null) {
      return 0;
    }
    long newest = first.lastPtsMs;
    for (BufferedFragment f : fragments) {
      newest = Math.max(newest, f.lastPtsMs);
    }
    return newest - first.timecode;
  }

  private boolean overLimits(long extraBytes) {
    return bufferedBytes + extraBytes > config.bufferBytes() || bufferedMillis() > config.bufferDuration().toMillis();
  }

  /** Offline mode: wait while the buffer is full and acks can still free room (a closed fragment is waiting for one). */
  private void awaitRoom(int frameBytes) {
    while (phase == Phase.RUNNING && overLimits(frameBytes) && hasClosedFragment()) {
      try {
        changed.await(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new VidlogException("interrupted while waiting for room in the buffer of stream " + config.streamName(), e);
      }
    }
  }

  private boolean hasClosedFragment() {
    for (BufferedFragment f : fragments) {
      if (f.closed) {
        return true;
      }
    }
    return false;
  }

  /** Real-time mode: whole fragments leave from the oldest end, but never the open one or one half written. */
  private void dropWhileOverLimits(List<Runnable> callbacks) {
    while (overLimits(0)) {
      BufferedFragment victim = null;
      for (BufferedFragment f : fragments) {
        if (f != open && f.delivery != BufferedFragment.Delivery.SENDING) {
          victim = f;
          break;
        }
      }
      if (victim == null) {
        return; // bounded anyway: the open fragment is cut at 9 s and at most one is half written
      }
      remove(victim);
      stats.fragmentsDropped++;
      stats.framesDropped += victim.frames;
      DroppedFragment d = new DroppedFragment(Instant.ofEpochMilli(victim.timecode), victim.frames, victim.bytes,
          DroppedFragment.Reason.BUFFER_FULL);
      callbacks.add(() -> listener.onDrop(d));
    }
  }

  private void remove(BufferedFragment f) {
    if (fragments.remove(f)) {
      bufferedBytes -= f.bytes;
      changed.signalAll();
    }
  }

  private void pressure(List<Runnable> callbacks) {
    BufferState s = bufferState();
    double fill = s.fill();
    int level = fill >= 1 ? 3 : fill >= 0.8 ? 2 : fill >= 0.5 ? 1 : 0;
    boolean report = level > pressureLevel || (level == 0 && pressureLevel > 0);
    pressureLevel = level;
    if (report) {
      callbacks.add(() -> listener.onBufferPressure(s));
    }
  }

  private BufferState bufferState() {
    return new BufferState(bufferedBytes, config.bufferBytes(), Duration.ofMillis(bufferedMillis()),
        config.bufferDuration(), fragments.size());
  }

  // ------------------------------------------------------------------ the sender thread

  private void senderLoop() {
    try {
      while (true) {
        if (!awaitWork()) {
          break;
        }
        reconcile();
        PutMediaConnection c = connect();
        if (c == null) {
          continue; // failed and backed off (or the producer stopped meanwhile)
        }
        Outcome outcome = stream(c);
        finishConnection(c, outcome);
        if (outcome == Outcome.BROKEN) {
          sleepBackoff();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fail(new ProducerError(ProducerError.Kind.CONNECTION, false, "the sender stopped: " + e, null, e));
    } finally {
      finish();
    }
  }

  /** Waits until there is something to send (or the producer ends); false when the sender should stop. */
  private boolean awaitWork() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (phase == Phase.CLOSED || phase == Phase.FAILED) {
          return false;
        }
        if (phase == Phase.CLOSING && fragments.isEmpty()) {
          return false;
        }
        if (!fragments.isEmpty()) {
          return true;
        }
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fragments a broken connection may have completed on the service are looked up by producer timestamp
   * (their Cluster Timecode, docs/wire-protocol.md §1.2, §3.1) before anything is sent again: found ones
   * are released instead of stored twice. The service stores a fragment it completed within moments of
   * the break; one not listed after the reconcile timeout is sent again.
   */
  private void reconcile() throws InterruptedException {
    long deadline = System.nanoTime() + config.reconcileTimeout().toNanos();
    while (true) {
      long from;
      long to;
      lock.lock();
      try {
        from = Long.MAX_VALUE;
        to = Long.MIN_VALUE;
        for (BufferedFragment f : fragments) {
          if (f.delivery == BufferedFragment.Delivery.UNCERTAIN) {
            if (keepsNothing || config.reconcileTimeout().isZero()) {
              f.resetForResend();
            } else {
              from = Math.min(from, f.timecode);
              to = Math.max(to, f.timecode);
            }
          }
        }
        if (from == Long.MAX_VALUE || phase == Phase.CLOSED || phase == Phase.FAILED) {
          return;
        }
      } finally {
        lock.unlock();
      }
      List<FragmentInfo> stored;
      try {
        stored = context.archive().listFragments(config.streamName(), TimestampType.PRODUCER_TIMESTAMP,
            Instant.ofEpochMilli(from), Instant.ofEpochMilli(to));
      } catch (VidlogException e) {
        error(new ProducerError(ProducerError.Kind.RECONCILE, true, "cannot list the stored fragments, so "
            + "unacknowledged ones are sent again and may be stored twice: " + e.getMessage(), null, e));
        resendUncertain();
        return;
      }
      boolean timedOut = System.nanoTime() > deadline;
      List<Runnable> callbacks = new ArrayList<>();
      lock.lock();
      try {
        java.util.Set<Long> times = new java.util.HashSet<>();
        Map<Long, String> numbers = new java.util.HashMap<>();
        for (FragmentInfo i : stored) {
          times.add(i.producerTimestamp().toEpochMilli());
          numbers.put(i.producerTimestamp().toEpochMilli(), i.fragmentNumber());
        }
        boolean left = false;
        for (BufferedFragment f : new ArrayList<>(fragments)) {
          if (f.delivery != BufferedFragment.Delivery.UNCERTAIN) {
            continue;
          }
          if (times.contains(f.timecode)) {
            stats.alreadyStored++;
            release(f, numbers.get(f.timecode), callbacks);
          } else if (timedOut) {
            f.resetForResend();
          } else {
            left = true;
          }
        }
        if (!left) {
          return;
        }
      } finally {
        lock.unlock();
        callbacks.forEach(Runnable::run);
      }
      Thread.sleep(100); // the service is finishing the old connection; ask again shortly
    }
  }

  private void resendUncertain() {
    lock.lock();
    try {
      for (BufferedFragment f : fragments) {
        if (f.delivery == BufferedFragment.Delivery.UNCERTAIN) {
          f.resetForResend();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Opens a PutMedia connection and starts its ack thread; null after a failure (reported, backed off). */
  private PutMediaConnection connect() throws InterruptedException {
    URI endpoint;
    HttpConnection http;
    try {
      endpoint = context.endpoints().get(config.streamName(), ApiName.PUT_MEDIA);
      http = context.connect(endpoint);
    } catch (ServiceException e) {
      serviceRefused(e);
      return null;
    } catch (ConnectionException e) {
      context.endpoints().forget(config.streamName(), ApiName.PUT_MEDIA);
      error(new ProducerError(ProducerError.Kind.CONNECTION, true, e.getMessage(), null, e));
      sleepBackoff();
      return null;
    }
    PutMediaConnection c;
    lock.lock();
    try {
      if (phase == Phase.CLOSED || phase == Phase.FAILED) {
        http.close();
        return null;
      }
      c = new PutMediaConnection(++connectionIds, http, this, threadPrefix + "-acks-" + connectionIds);
      connection = c;
      stats.connections++;
    } finally {
      lock.unlock();
    }
    try {
      http.readTimeout(Duration.ZERO); // the watchdog decides when a connection is stale
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("x-amzn-stream-name", config.streamName());
      headers.put("x-amzn-fragment-timecode-type", "ABSOLUTE");
      headers.put("x-amzn-producer-start-timestamp", Docs.seconds(Instant.now()).toPlainString());
      headers.put("x-amzn-fragment-acknowledgment-required", "1");
      // the body is an endless stream and cannot be hashed first; what AWS's Java PutMedia client signs
      // (docs/wire-protocol.md §0 "Authentication", §1.1)
      Map<String, String> signed = context.sign(http, "POST", "/putMedia", headers, SigV4.STREAMING_PAYLOAD);
      http.startChunked("POST", "/putMedia", signed);
    } catch (IOException | RuntimeException e) {
      connectionBroken(c, e instanceof ConnectionException ce ? ce
          : new ConnectionException("PutMedia to " + endpoint + " failed: " + e.getMessage(), e));
      c.close();
      sleepBackoff();
      return null;
    }
    c.startReading();
    listener.onConnection(true, "PutMedia connection " + c.id + " to " + endpoint);
    return c;
  }

  /** Writes fragments on {@code c} as they come, until it breaks, must rotate, or the producer is done. */
  private Outcome stream(PutMediaConnection c) {
    List<byte[]> work = new ArrayList<>();
    while (true) {
      work.clear();
      lock.lock();
      try {
        while (work.isEmpty()) {
          if (c.failed) {
            return Outcome.BROKEN;
          }
          if (phase == Phase.CLOSED || phase == Phase.FAILED) {
            return Outcome.STOPPED;
          }
          BufferedFragment f = nextToSend(c);
          if (f == null) {
            if (phase == Phase.CLOSING) {
              return Outcome.DRAINED; // all written: ending the body brings the last acks
            }
            awaitQuietly(1000);
            continue;
          }
          if (f.delivery == BufferedFragment.Delivery.PENDING
              && System.nanoTime() - c.openedNanos > config.connectionMaxDuration().toNanos()) {
            return Outcome.ROTATE;
          }
          collect(c, f, work);
          if (work.isEmpty()) {
            awaitQuietly(1000);
          }
        }
      } finally {
        lock.unlock();
      }
      try {
        long n = 0;
        for (byte[] b : work) {
          c.http.writeChunk(b, 0, b.length);
          n += b.length;
        }
        c.http.flush();
        lock.lock();
        try {
          stats.bytesSent += n;
        } finally {
          lock.unlock();
        }
      } catch (IOException e) {
        // A service that refuses the upload answers and closes, and the refusal may break our write before
        // the ack thread has read it: give the ack thread a moment, so the refusal (404, 401, …) is what is
        // reported and acted on, not the broken pipe it caused.
        awaitAckThread(c);
        connectionBroken(c, new ConnectionException("PutMedia connection " + c.id + " broke while sending: "
            + HttpConnection.describe(e), e));
        return Outcome.BROKEN;
      }
    }
  }

  private static void awaitAckThread(PutMediaConnection c) {
    try {
      c.awaitEnd(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitQuietly(long millis) {
    try {
      changed.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The first fragment that still has bytes to go on {@code c}: pending, or partly written on it. */
  private BufferedFragment nextToSend(PutMediaConnection c) {
    for (BufferedFragment f : fragments) {
      if (f.delivery == BufferedFragment.Delivery.PENDING
          || (f.delivery == BufferedFragment.Delivery.SENDING && f.connection == c)) {
        return f;
      }
    }
    return null;
  }

  /** Under the lock: the next bytes of {@code f} to write on {@code c}, and the fragment's new state. */
  private void collect(PutMediaConnection c, BufferedFragment f, List<byte[]> work) {
    if (f.delivery == BufferedFragment.Delivery.PENDING) {
      if (c.lastHeaderWritten != f.header) {
        // a new EBML header: the first fragment of the connection, or the tracks changed (new SPS)
        work.add(f.header.bytes());
        c.lastHeaderWritten = f.header;
      }
      work.add(f.preamble);
      if (f.attempts++ > 0) {
        stats.resent++;
      }
      f.delivery = BufferedFragment.Delivery.SENDING;
      f.connection = c;
      f.blocksSent = 0;
      if (c.oldestUnansweredStartNanos == 0) {
        c.oldestUnansweredStartNanos = System.nanoTime();
      }
      c.lastFragmentWritten = f;
    }
    for (int i = f.blocksSent; i < f.blocks.size(); i++) {
      work.add(f.blocks.get(i));
    }
    f.blocksSent = f.blocks.size();
    if (f.closed) {
      // The end-of-fragment tag completes the fragment at the service at once (docs/wire-protocol.md §5)
      // and makes metadata Tags that follow belong to the next fragment. From here on the service may
      // have the fragment whole, so a break makes it UNCERTAIN rather than simply pending.
      work.add(END_OF_FRAGMENT);
      f.delivery = BufferedFragment.Delivery.SENT;
      f.endWrittenNanos = System.nanoTime();
    }
  }

  /** After streaming on {@code c} ended: close it as the outcome requires. */
  private void finishConnection(PutMediaConnection c, Outcome outcome) throws InterruptedException {
    if (outcome == Outcome.ROTATE || outcome == Outcome.DRAINED) {
      // end the body: the service sends the final acks of what it received, then ends the response
      try {
        c.http.endChunks();
        long wait = outcome == Outcome.DRAINED ? remainingCloseMillis() : config.staleTimeout().toMillis();
        if (!c.awaitEnd(Math.max(1, wait))) {
          connectionBroken(c, new ConnectionException("PutMedia connection " + c.id
              + ": no end of the acknowledgements within " + wait + " ms of the end of the upload"));
        }
      } catch (IOException e) {
        connectionBroken(c, new ConnectionException("PutMedia connection " + c.id + " broke while ending: "
            + HttpConnection.describe(e), e));
      }
    }
    c.close();
    c.join(5000);
    lock.lock();
    try {
      if (connection == c) {
        connection = null;
      }
    } finally {
      lock.unlock();
    }
    listener.onConnection(false, "PutMedia connection " + c.id + " ended (" + outcome + ")");
  }

  private long closeDeadlineNanos;

  private long remainingCloseMillis() {
    lock.lock();
    try {
      return Math.max(1, TimeUnit.NANOSECONDS.toMillis(closeDeadlineNanos - System.nanoTime()));
    } finally {
      lock.unlock();
    }
  }

  private void sleepBackoff() throws InterruptedException {
    long millis = backoff.nextMillis();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    lock.lock();
    try {
      while (phase == Phase.RUNNING || phase == Phase.CLOSING) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return;
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ the ack thread's events

  @Override
  public void onHead(PutMediaConnection c) {
    lock.lock();
    try {
      c.headSeen = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onAck(PutMediaConnection c, Ack ack) {
    List<Runnable> callbacks = new ArrayList<>(3);
    callbacks.add(() -> listener.onAck(ack));
    lock.lock();
    try {
      BufferedFragment f = null;
      if (ack.fragmentTimecode().isPresent()) {
        long tc = ack.fragmentTimecode().getAsLong();
        for (BufferedFragment x : fragments) {
          if (x.timecode == tc && x.connection == c) {
            f = x;
            break;
          }
        }
      }
      switch (ack.type()) {
        case BUFFERING -> {
          if (f != null) {
            f.fragmentNumber = ack.fragmentNumber();
          }
          c.oldestUnansweredStartNanos = oldestUnansweredStart(c, f);
        }
        case RECEIVED -> {
          if (f != null) {
            f.received = true;
            if (keepsNothing) {
              release(f, ack.fragmentNumber(), callbacks);
            }
          }
        }
        case PERSISTED -> {
          if (f != null) {
            release(f, ack.fragmentNumber(), callbacks);
          }
        }
        case ERROR -> ackError(c, f, ack, callbacks);
        default -> {
          // IDLE keeps the connection alive; unknown event types are tolerated
        }
      }
    } finally {
      lock.unlock();
      callbacks.forEach(Runnable::run);
    }
  }

  /** After a BUFFERING ack: when the next still unanswered fragment start on {@code c} was written, or 0. */
  private long oldestUnansweredStart(PutMediaConnection c, BufferedFragment answered) {
    for (BufferedFragment x : fragments) {
      if (x.connection == c && x != answered && x.fragmentNumber == null
          && x.delivery != BufferedFragment.Delivery.PENDING) {
        return System.nanoTime(); // conservative: restart the clock for the next one
      }
    }
    return 0;
  }

  private void release(BufferedFragment f, String number, List<Runnable> callbacks) {
    remove(f);
    stats.fragmentsPersisted++;
    backoff.reset();
    long tc = f.timecode;
    callbacks.add(() -> listener.onFragmentPersisted(number, tc));
    if (f.endWrittenNanos != 0) {
      Duration latency = Duration.ofNanos(System.nanoTime() - f.endWrittenNanos);
      callbacks.add(() -> listener.onLatency(number, latency));
    }
    pressure(callbacks);
  }

  /**
   * ERROR acks (docs/wire-protocol.md §1.3): a fragment refused for good is dropped (the service dropped it
   * too); a connection-level or server-side error ends the connection, and what it did not acknowledge is
   * sent again on the next one; a deleted stream ends the producer.
   */
  private void ackError(PutMediaConnection c, BufferedFragment f, Ack ack, List<Runnable> callbacks) {
    stats.errors++;
    if (ack.errorId() == 4008) {
      fail(new ProducerError(ProducerError.Kind.ACK_ERROR, false, "the stream is no longer active (deleted?): "
          + ack, ack, null), callbacks);
      return;
    }
    boolean connectionEnds = switch (ack.errorId()) {
      case 4000, 4003, 4006, 4012 -> true;
      case 4001 -> !"MAX_FRAGMENT_SIZE_REACHED".equals(ack.errorCode());
      default -> ack.errorId() >= 5000;
    };
    if (connectionEnds || f == null) {
      ProducerError e = new ProducerError(ProducerError.Kind.ACK_ERROR, true, "the service ended PutMedia connection "
          + c.id + ": " + ack, ack, null);
      callbacks.add(() -> listener.onError(e));
      c.failed = true; // the connection ends; the sender moves on after its end
      changed.signalAll();
      return;
    }
    remove(f);
    stats.fragmentsDropped++;
    stats.framesDropped += f.frames;
    ProducerError e = new ProducerError(ProducerError.Kind.ACK_ERROR, false, "fragment at " + f.timecode
        + " refused: " + ack, ack, null);
    DroppedFragment d = new DroppedFragment(Instant.ofEpochMilli(f.timecode), f.frames, f.bytes,
        DroppedFragment.Reason.REFUSED);
    callbacks.add(() -> listener.onError(e));
    callbacks.add(() -> listener.onDrop(d));
  }

  @Override
  public void onEnd(PutMediaConnection c, Throwable error) {
    if (error == null) {
      lock.lock();
      try {
        // a clean end: every fragment the service received has had its final ack (docs/wire-protocol.md
        // §1.3), so what is left on this connection was not received and goes again from the start
        for (BufferedFragment f : fragments) {
          if (f.connection == c) {
            f.resetForResend();
          }
        }
        c.failed = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return;
    }
    connectionBroken(c, error);
  }

  /**
   * {@code c} broke: its unacknowledged fragments become uncertain (their end was written, or the service
   * said RECEIVED: it may have stored them) or pending (cut before their end: the service drops a fragment
   * cut in the middle, docs/wire-protocol.md §1.3). Reported once per connection, and only while the
   * producer runs.
   */
  private void connectionBroken(PutMediaConnection c, ProducerError.Kind kind, Throwable error) {
    boolean report;
    lock.lock();
    try {
      report = !c.failed && (phase == Phase.RUNNING || phase == Phase.CLOSING);
      c.failed = true;
      for (BufferedFragment f : fragments) {
        if (f.connection == c) {
          if (f.delivery == BufferedFragment.Delivery.SENT || f.received) {
            f.delivery = BufferedFragment.Delivery.UNCERTAIN;
            f.connection = null;
          } else {
            f.resetForResend();
          }
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    c.close();
    if (report) {
      if (error instanceof ServiceException se) {
        serviceRefusedQuietly(se);
      } else {
        error(new ProducerError(kind, true, error.getMessage(), null, error));
      }
    }
  }

  private void connectionBroken(PutMediaConnection c, Throwable error) {
    boolean protocol = error instanceof ConnectionException && error.getMessage() != null
        && error.getMessage().startsWith("not a PutMedia acknowledgement");
    connectionBroken(c, protocol ? ProducerError.Kind.PROTOCOL : ProducerError.Kind.CONNECTION, error);
  }

  /** PutMedia was refused before its 200 (docs/wire-protocol.md §1.1): retried when the refusal is about load, else the end. */
  private void serviceRefused(ServiceException e) throws InterruptedException {
    serviceRefusedQuietly(e);
    if (e.isRetriable()) {
      sleepBackoff();
    }
  }

  private void serviceRefusedQuietly(ServiceException e) {
    if (e.isRetriable()) {
      lock.lock();
      try {
        stats.errors++;
      } finally {
        lock.unlock();
      }
      listener.onError(new ProducerError(ProducerError.Kind.SERVICE, true, e.getMessage(), null, e));
    } else {
      if (e.is(KvsError.RESOURCE_NOT_FOUND)) {
        context.endpoints().forget(config.streamName(), ApiName.PUT_MEDIA);
      }
      fail(new ProducerError(ProducerError.Kind.SERVICE, false, e.getMessage(), null, e));
    }
  }

  private void error(ProducerError e) {
    lock.lock();
    try {
      stats.errors++;
    } finally {
      lock.unlock();
    }
    listener.onError(e);
  }

  /** An error retrying cannot fix: the producer ends. */
  private void fail(ProducerError e) {
    List<Runnable> callbacks = new ArrayList<>(1);
    lock.lock();
    try {
      fail(e, callbacks);
    } finally {
      lock.unlock();
    }
    callbacks.forEach(Runnable::run);
  }

  /** Under the lock: ends the producer; the report goes into {@code callbacks}. */
  private void fail(ProducerError e, List<Runnable> callbacks) {
    if (phase != Phase.RUNNING && phase != Phase.CLOSING) {
      return;
    }
    phase = Phase.FAILED;
    failure = e.cause() != null ? e.cause() : new VidlogException(e.message());
    stats.errors++;
    PutMediaConnection c = connection;
    if (c != null) {
      c.failed = true;
      c.close();
    }
    changed.signalAll();
    callbacks.add(() -> listener.onError(e));
  }

  // ------------------------------------------------------------------ the watchdog

  /** Closes a connection that went stale: no response head, or no BUFFERING for a fragment start, within the stale timeout. */
  private void watchdogLoop() {
    long period = Math.max(50, Math.min(500, config.staleTimeout().toMillis() / 4));
    lock.lock();
    try {
      while (phase == Phase.RUNNING || phase == Phase.CLOSING || sender.isAlive()) {
        changed.await(period, TimeUnit.MILLISECONDS);
        PutMediaConnection c = connection;
        if (c == null || c.failed) {
          continue;
        }
        long now = System.nanoTime();
        long stale = config.staleTimeout().toNanos();
        String why = null;
        if (!c.headSeen && now - c.openedNanos > stale) {
          why = "no response to PutMedia within " + config.staleTimeout().toMillis() + " ms";
        } else if (c.oldestUnansweredStartNanos != 0 && now - c.oldestUnansweredStartNanos > stale) {
          why = "no BUFFERING acknowledgement within " + config.staleTimeout().toMillis() + " ms of a fragment's start";
        }
        if (why != null) {
          String reason = "PutMedia connection " + c.id + " is stale: " + why;
          lock.unlock();
          try {
            connectionBroken(c, ProducerError.Kind.STALE_CONNECTION, new ConnectionException(reason));
          } finally {
            lock.lock();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ flush, close

  boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      requireRunning();
      if (open != null) {
        open.closed = true;
        open = null;
        cutNext = true;
        changed.signalAll();
      }
      while (!fragments.isEmpty()) {
        if (phase == Phase.FAILED || phase == Phase.CLOSED) {
          return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  void close(boolean graceful) {
    lock.lock();
    try {
      if (phase == Phase.RUNNING) {
        phase = graceful ? Phase.CLOSING : Phase.CLOSED;
        closeDeadlineNanos = System.nanoTime() + config.closeTimeout().toNanos();
        if (open != null) {
          open.closed = true;
          open = null;
        }
      } else if (!graceful && phase == Phase.CLOSING) {
        phase = Phase.CLOSED;
      }
      if (phase == Phase.CLOSED) {
        PutMediaConnection c = connection;
        if (c != null) {
          c.close();
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      if (Thread.currentThread() != sender) {
        sender.join(graceful ? config.closeTimeout().toMillis() + 1000 : 5000);
        if (sender.isAlive()) {
          close(false);
          sender.join(5000);
        }
      }
      if (Thread.currentThread() != watchdog) {
        watchdog.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The sender is done: close what is left and report what was not acknowledged. */
  private void finish() {
    List<Runnable> callbacks = new ArrayList<>();
    PutMediaConnection c;
    lock.lock();
    try {
      if (phase == Phase.RUNNING || phase == Phase.CLOSING) {
        phase = Phase.CLOSED;
      }
      c = connection;
      connection = null;
      for (BufferedFragment f : fragments) {
        stats.fragmentsDropped++;
        stats.framesDropped += f.frames;
        DroppedFragment d = new DroppedFragment(Instant.ofEpochMilli(f.timecode), f.frames, f.bytes,
            DroppedFragment.Reason.CLOSED);
        callbacks.add(() -> listener.onDrop(d));
      }
      fragments.clear();
      open = null;
      bufferedBytes = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (c != null) {
      c.close();
      try {
        c.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    context.unregister(this);
    callbacks.forEach(Runnable::run);
  }

  ProducerStats stats() {
    lock.lock();
    try {
      return new ProducerStats(stats.framesAccepted, stats.framesDropped, stats.fragmentsStarted,
          stats.fragmentsPersisted, stats.fragmentsDropped, stats.alreadyStored, stats.resent, stats.connections,
          stats.errors, stats.bytesSent, bufferState());
    } finally {
      lock.unlock();
    }
  }

  boolean isOpen() {
    lock.lock();
    try {
      return phase == Phase.RUNNING;
    } finally {
      lock.unlock();
    }
  }

  /** For tests: the fragments in the buffer, oldest first. */
  List<String> describeBuffer() {
    lock.lock();
    try {
      List<String> out = new ArrayList<>();
      for (Iterator<BufferedFragment> i = fragments.iterator(); i.hasNext();) {
        out.add(i.next().toString());
      }
      return out;
    } finally {
      lock.unlock();
    }
  }
}
