package io.vidlog.producer;

import java.util.Objects;

/**
 * Where a reader stands: every frame of fragment {@code fragmentNumber} up to and including
 * {@code frameIndex} (0-based, in the fragment's frame order) has been processed, and with
 * {@code fragmentComplete} the whole fragment has. A reader restarted from a checkpoint delivers the
 * next frame and nothing before it.
 */
public record Checkpoint(String fragmentNumber, int frameIndex, boolean fragmentComplete) {
  public Checkpoint {
    Objects.requireNonNull(fragmentNumber, "fragmentNumber");
    if (fragmentNumber.isEmpty() || fragmentNumber.length() > 128 || !fragmentNumber.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("not a fragment number: " + fragmentNumber);
    }
    if (frameIndex < -1) {
      throw new IllegalArgumentException("frame index " + frameIndex);
    }
  }

  /** One line of text: {@code <fragment number> <frame index> complete|partial}. */
  public String render() {
    return fragmentNumber + " " + frameIndex + " " + (fragmentComplete ? "complete" : "partial");
  }

  /** Reads {@link #render()}'s form; IllegalArgumentException when {@code line} is not one. */
  public static Checkpoint parse(String line) {
    String[] p = line.strip().split(" ");
    if (p.length != 3 || !(p[2].equals("complete") || p[2].equals("partial"))) {
      throw new IllegalArgumentException("not a checkpoint: " + line);
    }
    try {
      return new Checkpoint(p[0], Integer.parseInt(p[1]), p[2].equals("complete"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a checkpoint: " + line, e);
    }
  }
}
