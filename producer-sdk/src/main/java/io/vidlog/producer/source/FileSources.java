package io.vidlog.producer.source;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.MediaFormatException.Format;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Set;

/** Opens a media file as a {@link MediaSource}, recognising its kind from its first bytes, not its name. */
public final class FileSources {
  /** The file kinds a source reads. */
  public enum Kind { MKV, MP4, H264 }

  /** Box types an MP4 or QuickTime file opens with (ISO/IEC 14496-12 §4.3; older QuickTime files, CMAF segments). */
  private static final Set<String> MP4_FIRST_BOXES = Set.of("ftyp", "styp", "moov", "mdat", "free", "skip", "wide",
      "uuid");
  private static final int EBML_MAGIC = 0x1A45DFA3;
  private static final int H265_VPS = 32;

  private FileSources() {}

  /**
   * The source for {@code file}.
   *
   * @param frameRate the frame rate of a raw H.264 stream (it has no timestamps), or null for the
   *     SPS's timing, else 25; ignored for containers, whose frames carry their times
   * @throws MediaFormatException UNSUPPORTED when the file is none of the kinds read here
   */
  public static MediaSource open(Path file, FrameRate frameRate) throws IOException {
    return switch (detect(file)) {
      case MKV -> new MkvFileSource(file);
      case MP4 -> new Mp4FileSource(file);
      case H264 -> new H264FileSource(file, frameRate);
    };
  }

  /** The kind of {@code file} from its first bytes. */
  public static Kind detect(Path file) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(16);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (head.hasRemaining() && ch.read(head) >= 0) {
        // a short file is judged on what it has
      }
    }
    head.flip();
    if (head.remaining() >= 4 && head.getInt(0) == EBML_MAGIC) {
      return Kind.MKV;
    }
    if (head.remaining() >= 8) {
      byte[] type = new byte[4];
      head.get(4, type);
      if (MP4_FIRST_BOXES.contains(new String(type, StandardCharsets.ISO_8859_1))) {
        return Kind.MP4;
      }
    }
    int nal = firstNalHeader(head);
    if (nal >= 0) {
      if (((nal >> 1) & 0x3F) == H265_VPS && (nal & 0x1F) == 0) {
        throw Format.H265.unsupported(0, "a raw H.265 stream: upload H.265 in an MKV or MP4 file");
      }
      return Kind.H264;
    }
    byte[] first = new byte[head.remaining()];
    head.get(first);
    throw Format.MKV.unsupported(0, "not an MKV, MP4 or H.264 Annex-B file: it starts with "
        + (first.length == 0 ? "nothing (empty file)" : HexFormat.ofDelimiter(" ").formatHex(first)));
  }

  /** The byte after a leading start code (00 00 01 after any zeros), or -1. */
  private static int firstNalHeader(ByteBuffer head) {
    int zeros = 0;
    for (int i = head.position(); i < head.limit(); i++) {
      int b = head.get(i) & 0xFF;
      if (b == 0) {
        zeros++;
      } else if (b == 1 && zeros >= 2 && i + 1 < head.limit()) {
        return head.get(i + 1) & 0xFF;
      } else {
        return -1;
      }
    }
    return -1;
  }
}
