package io.vidlog.producer.source;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Gives frames whose container stores presentation times only (Matroska, RFC 9559 §10.2) decode
 * times a producer can take: per track never decreasing and never after the frame's presentation
 * time. With B-frames, presentation times in decode order go back and forth (I0 P3 B1 B2: 0, 120,
 * 40, 80 ms), so each frame is held until {@link #LOOKAHEAD} later frames of its track have been
 * seen, and its decode time is the smallest presentation time among it and them (the reordered
 * frames it must precede), raised to its track's previous decode time. That is exact for streams
 * that reorder at most {@link #LOOKAHEAD} frames, the most H.264 allows (max_dec_frame_buffering
 * ≤ 16, ITU-T H.264 §A.3.1). Frames leave in the order they came, across tracks.
 */
final class DecodeTimes {
  /** Later frames of a track seen before a frame's decode time is set. */
  static final int LOOKAHEAD = 16;

  /** Where timed frames go. */
  interface Emit {
    void frame(SourceFrame frame) throws IOException, InterruptedException;
  }

  private final Emit emit;
  private final ArrayDeque<SourceFrame> pending = new ArrayDeque<>();
  private final Map<Integer, Integer> pendingPerTrack = new HashMap<>();
  private final Map<Integer, Long> lastDts = new HashMap<>();

  DecodeTimes(Emit emit) {
    this.emit = emit;
  }

  /** A frame in decode order; its {@code dtsNanos} is replaced. */
  void add(SourceFrame frame) throws IOException, InterruptedException {
    pending.addLast(frame);
    pendingPerTrack.merge(frame.track(), 1, Integer::sum);
    while (!pending.isEmpty() && pendingPerTrack.get(pending.peekFirst().track()) > LOOKAHEAD) {
      emitFirst();
    }
  }

  /** End of input: the held frames go out. */
  void end() throws IOException, InterruptedException {
    while (!pending.isEmpty()) {
      emitFirst();
    }
  }

  private void emitFirst() throws IOException, InterruptedException {
    SourceFrame first = pending.pollFirst();
    int track = first.track();
    long dts = first.ptsNanos();
    for (Iterator<SourceFrame> it = pending.iterator(); it.hasNext(); ) {
      SourceFrame f = it.next();
      if (f.track() == track && f.ptsNanos() < dts) {
        dts = f.ptsNanos();
      }
    }
    Long previous = lastDts.get(track);
    if (previous != null && previous > dts) {
      dts = previous;
    }
    lastDts.put(track, dts);
    pendingPerTrack.merge(track, -1, Integer::sum);
    emit.frame(new SourceFrame(track, first.ptsNanos(), dts, first.keyFrame(), first.data()));
  }
}
