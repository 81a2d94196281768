package io.vidlog.playback.images;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.jcodec.common.model.Picture;

/**
 * The pictures one fragment gives for a sorted list of times (docs/wire-protocol.md §3.4): for
 * each time, the frame presented at it (the latest whose time is not after it; the first one for a
 * time before every frame), decoded from the nearest key frame before it in decode order, and
 * frames already decoded for an earlier time of the same group of pictures are not decoded again.
 * Every frame decoded is counted against the request's budget; when it runs out, the times left are
 * not answered (the page ends there). CPU-bound: runs on a worker thread.
 */
final class FramePictures {
  /** Decoded frames a request may still spend. */
  static final class Budget {
    private long left;

    Budget(long frames) {
      this.left = frames;
    }

    boolean spend() {
      return left-- > 0;
    }

    boolean exhausted() {
      return left <= 0;
    }
  }

  /** The picture for times[i] (an RGB image), or null with {@code failed} set, or not answered. */
  record Answer(BufferedImage picture, boolean failed) {}

  private FramePictures() {}

  /**
   * @param alwaysFirst answer the first time whatever the budget (a page always makes progress)
   * @return one answer per time, in order, up to the first time the budget did not cover
   */
  static List<Answer> pictures(byte[] avcC, List<VideoFrame> frames, long[] times, Budget budget, boolean alwaysFirst) {
    List<Answer> out = new ArrayList<>();
    if (frames.isEmpty()) {
      for (int i = 0; i < times.length; i++) {
        out.add(new Answer(null, true));
      }
      return out;
    }
    PictureDecoder decoder;
    try {
      decoder = new PictureDecoder(avcC);
    } catch (RuntimeException e) {
      for (int i = 0; i < times.length; i++) {
        out.add(new Answer(null, true));
      }
      return out;
    }
    int decoded = -1; // the last frame decoded, in decode order; -1: none
    boolean broken = false; // the frames from the last key frame on cannot be decoded
    int answerIndex = -1;
    Answer answer = null;
    for (int i = 0; i < times.length; i++) {
      int a = presentedAt(frames, times[i]);
      if (a == answerIndex) {
        out.add(answer);
        continue;
      }
      int key = a;
      while (!frames.get(key).key()) {
        key--;
      }
      // on from the last frame decoded when it lies between a's key frame and a; else (another
      // group, or a frame decoded earlier than one already passed) from a's key frame
      int from = decoded >= key && decoded < a && !broken ? decoded + 1 : key;
      BufferedImage picture = null;
      boolean failed = false;
      for (int f = from; f <= a; f++) {
        boolean first = alwaysFirst && out.isEmpty();
        if (!budget.spend() && !first) {
          return out;
        }
        try {
          Picture p = decoder.decode(frames.get(f));
          decoded = f;
          broken = false;
          if (f == a) {
            if (p == null) {
              failed = true;
            } else {
              picture = PictureDecoder.toRgb(p);
            }
          }
        } catch (RuntimeException e) {
          decoded = f;
          broken = true;
          failed = true;
          break;
        }
      }
      answerIndex = a;
      answer = new Answer(picture, failed || picture == null);
      out.add(answer);
    }
    return out;
  }

  /** The frame presented at {@code time}: the latest not after it, else the earliest. */
  static int presentedAt(List<VideoFrame> frames, long time) {
    int best = -1;
    int earliest = 0;
    for (int i = 0; i < frames.size(); i++) {
      long t = frames.get(i).timeMillis();
      if (t <= time && (best < 0 || t >= frames.get(best).timeMillis())) {
        best = i;
      }
      if (t < frames.get(earliest).timeMillis()) {
        earliest = i;
      }
    }
    return best >= 0 ? best : earliest;
  }
}
