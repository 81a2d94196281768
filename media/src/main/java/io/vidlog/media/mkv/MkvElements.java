package io.vidlog.media.mkv;

import static io.vidlog.media.MediaFormatException.Format.EBML;
import static io.vidlog.media.MediaFormatException.Format.MKV;

import io.vidlog.media.ebml.EbmlCursor;
import io.vidlog.media.ebml.EbmlReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the small buffered elements (EBML header, Info, Tracks, Tags) from their bytes into the
 * model records. No tree is built: each parser walks the children once with an {@link EbmlCursor}.
 */
final class MkvElements {
  private MkvElements() {}

  /** Iterates the children of [start, end) and calls {@code visitor} with each child's id, data start and size. */
  private interface ChildVisitor {
    void child(int id, int dataStart, int size, long headerOffset);
  }

  private static void children(EbmlCursor c, int end, ChildVisitor visitor) {
    while (c.position() < end) {
      long headerOffset = c.offset();
      int id = c.readId();
      long size = c.readSize();
      if (size < 0) {
        throw EBML.malformed(headerOffset, "unknown size on element " + EbmlReader.hex(id)
            + " inside a buffered element");
      }
      if (size > end - c.position()) {
        throw EBML.malformed(headerOffset, "element " + EbmlReader.hex(id) + " of " + size
            + " bytes overruns its parent, which ends at offset " + (c.offset() + end - c.position()));
      }
      int dataStart = c.position();
      visitor.child(id, dataStart, (int) size, headerOffset);
      c.position(dataStart + (int) size);
    }
  }

  private static EbmlCursor cursor(ByteBuffer element, int headerLength, long offset) {
    EbmlCursor c = new EbmlCursor(element, offset);
    c.position(element.position() + headerLength);
    return c;
  }

  static EbmlHeaderInfo ebmlHeader(ByteBuffer element, int headerLength, long offset) {
    EbmlCursor c = cursor(element, headerLength, offset);
    String[] docType = {null};
    int[] v = {1, 1, 4, 8}; // DocTypeVersion, DocTypeReadVersion, MaxIDLength, MaxSizeLength defaults
    long[] valueOffsets = new long[4];
    int[] readVersion = {1};
    children(c, element.limit(), (id, start, size, at) -> {
      switch (id) {
        case MatroskaIds.DOC_TYPE -> docType[0] = c.readString(size, "DocType");
        case MatroskaIds.DOC_TYPE_VERSION -> v[0] = c.readUnsignedInt(size, "DocTypeVersion");
        case MatroskaIds.DOC_TYPE_READ_VERSION -> {
          valueOffsets[1] = at;
          v[1] = c.readUnsignedInt(size, "DocTypeReadVersion");
        }
        case MatroskaIds.EBML_READ_VERSION -> {
          valueOffsets[0] = at;
          readVersion[0] = c.readUnsignedInt(size, "EBMLReadVersion");
        }
        case MatroskaIds.EBML_MAX_ID_LENGTH -> {
          valueOffsets[2] = at;
          v[2] = c.readUnsignedInt(size, "EBMLMaxIDLength");
        }
        case MatroskaIds.EBML_MAX_SIZE_LENGTH -> {
          valueOffsets[3] = at;
          v[3] = c.readUnsignedInt(size, "EBMLMaxSizeLength");
        }
        default -> { }
      }
    });
    if (docType[0] == null) {
      throw EBML.malformed(offset, "EBML header without DocType");
    }
    if (!docType[0].equals("matroska") && !docType[0].equals("webm")) {
      throw MKV.unsupported(offset, "DocType \"" + docType[0] + "\" (expected matroska or webm)");
    }
    // RFC 8794 §11.2.3: a reader must support EBMLReadVersion; only version 1 exists.
    if (readVersion[0] != 1) {
      throw EBML.unsupported(valueOffsets[0], "EBMLReadVersion " + readVersion[0] + " (only 1 exists)");
    }
    // RFC 9559 §4: Matroska versions 1 to 4 are readable by a version-4 reader.
    if (v[1] > 4) {
      throw MKV.unsupported(valueOffsets[1], "DocTypeReadVersion " + v[1] + " (at most 4 supported)");
    }
    if (v[2] > 4) {
      throw MKV.unsupported(valueOffsets[2], "EBMLMaxIDLength " + v[2] + " (Matroska uses at most 4)");
    }
    if (v[3] > 8) {
      throw EBML.unsupported(valueOffsets[3], "EBMLMaxSizeLength " + v[3] + " (at most 8 supported)");
    }
    return new EbmlHeaderInfo(docType[0], v[0], v[1], v[2], v[3]);
  }

  static SegmentInfo info(ByteBuffer element, int headerLength, long offset) {
    EbmlCursor c = cursor(element, headerLength, offset);
    long[] scale = {SegmentInfo.DEFAULT_TIMECODE_SCALE};
    double[] duration = {Double.NaN};
    String[] s = new String[3];
    byte[][] uid = {null};
    children(c, element.limit(), (id, start, size, at) -> {
      switch (id) {
        case MatroskaIds.TIMECODE_SCALE -> {
          scale[0] = c.readUnsigned(size, "TimecodeScale");
          if (scale[0] == 0) {
            throw MKV.malformed(at, "TimecodeScale 0");
          }
        }
        case MatroskaIds.DURATION -> duration[0] = c.readFloat(size, "Duration");
        case MatroskaIds.TITLE -> s[0] = c.readString(size, "Title");
        case MatroskaIds.MUXING_APP -> s[1] = c.readString(size, "MuxingApp");
        case MatroskaIds.WRITING_APP -> s[2] = c.readString(size, "WritingApp");
        case MatroskaIds.SEGMENT_UID -> uid[0] = c.readBytes(size, "SegmentUID");
        default -> { }
      }
    });
    return new SegmentInfo(scale[0], duration[0], s[0], s[1], s[2], uid[0]);
  }

  static List<TrackEntry> tracks(ByteBuffer element, int headerLength, long offset, MkvLimits limits) {
    EbmlCursor c = cursor(element, headerLength, offset);
    List<TrackEntry> out = new ArrayList<>();
    children(c, element.limit(), (id, start, size, at) -> {
      if (id == MatroskaIds.TRACK_ENTRY) {
        if (out.size() >= limits.maxTracks()) {
          throw MKV.unsupported(at, "more than " + limits.maxTracks() + " TrackEntries");
        }
        out.add(trackEntry(c, start + size, at));
      }
    });
    return List.copyOf(out);
  }

  private static TrackEntry trackEntry(EbmlCursor c, int end, long entryOffset) {
    int[] i = new int[6]; // number, type, width, height, channels, bitDepth
    long[] l = new long[2]; // uid, defaultDuration
    String[] s = new String[2]; // codecId, name
    byte[][] priv = {null};
    double[] freq = {Double.NaN};
    children(c, end, (id, start, size, at) -> {
      switch (id) {
        case MatroskaIds.TRACK_NUMBER -> i[0] = c.readUnsignedInt(size, "TrackNumber");
        case MatroskaIds.TRACK_UID -> l[0] = c.readBits(size, "TrackUID");
        case MatroskaIds.TRACK_TYPE -> i[1] = c.readUnsignedInt(size, "TrackType");
        case MatroskaIds.CODEC_ID -> s[0] = c.readString(size, "CodecID");
        case MatroskaIds.NAME -> s[1] = c.readString(size, "Name");
        case MatroskaIds.CODEC_PRIVATE -> priv[0] = c.readBytes(size, "CodecPrivate");
        case MatroskaIds.DEFAULT_DURATION -> l[1] = c.readUnsigned(size, "DefaultDuration");
        case MatroskaIds.VIDEO -> children(c, start + size, (vid, vstart, vsize, vat) -> {
          switch (vid) {
            case MatroskaIds.PIXEL_WIDTH -> i[2] = c.readUnsignedInt(vsize, "PixelWidth");
            case MatroskaIds.PIXEL_HEIGHT -> i[3] = c.readUnsignedInt(vsize, "PixelHeight");
            default -> { }
          }
        });
        case MatroskaIds.AUDIO -> {
          // RFC 9559 §5.1.4.1.29: SamplingFrequency defaults to 8000.0 and Channels to 1.
          freq[0] = 8000.0;
          i[4] = 1;
          children(c, start + size, (aid, astart, asize, aat) -> {
          switch (aid) {
            case MatroskaIds.SAMPLING_FREQUENCY -> freq[0] = c.readFloat(asize, "SamplingFrequency");
            case MatroskaIds.CHANNELS -> i[4] = c.readUnsignedInt(asize, "Channels");
            case MatroskaIds.BIT_DEPTH -> i[5] = c.readUnsignedInt(asize, "BitDepth");
            default -> { }
          }
          });
        }
        default -> { }
      }
    });
    if (i[0] == 0) {
      throw MKV.malformed(entryOffset, "TrackEntry without TrackNumber (or TrackNumber 0)");
    }
    return new TrackEntry(i[0], l[0], i[1], s[0], s[1], priv[0], l[1], i[2], i[3], freq[0], i[4], i[5]);
  }

  static List<Tag> tags(ByteBuffer element, int headerLength, long offset, MkvLimits limits) {
    EbmlCursor c = cursor(element, headerLength, offset);
    List<Tag> out = new ArrayList<>();
    children(c, element.limit(), (id, start, size, at) -> {
      if (id == MatroskaIds.TAG) {
        out.add(tag(c, start + size, limits));
      }
    });
    return List.copyOf(out);
  }

  private static Tag tag(EbmlCursor c, int end, MkvLimits limits) {
    long[] target = {0};
    List<SimpleTag> simple = new ArrayList<>();
    children(c, end, (id, start, size, at) -> {
      switch (id) {
        case MatroskaIds.TARGETS -> children(c, start + size, (tid, tstart, tsize, tat) -> {
          if (tid == MatroskaIds.TARGET_TYPE_VALUE) {
            target[0] = c.readUnsigned(tsize, "TargetTypeValue");
          }
        });
        case MatroskaIds.SIMPLE_TAG -> simple.add(simpleTag(c, start + size, 3, limits, at));
        default -> { }
      }
    });
    return new Tag(target[0], List.copyOf(simple));
  }

  /** SimpleTags nest (RFC 9559 §5.1.8.1.2.1); recursion is bounded by {@link MkvLimits#maxDepth()}. */
  private static SimpleTag simpleTag(EbmlCursor c, int end, int depth, MkvLimits limits, long offset) {
    if (depth > limits.maxDepth()) {
      throw MKV.unsupported(offset, "SimpleTag nested at depth " + depth + " exceeds the limit "
          + limits.maxDepth());
    }
    String[] s = new String[2];
    byte[][] bin = {null};
    List<SimpleTag> nested = new ArrayList<>();
    children(c, end, (id, start, size, at) -> {
      switch (id) {
        case MatroskaIds.TAG_NAME -> s[0] = c.readString(size, "TagName");
        case MatroskaIds.TAG_STRING -> s[1] = c.readString(size, "TagString");
        case MatroskaIds.TAG_BINARY -> bin[0] = c.readBytes(size, "TagBinary");
        case MatroskaIds.SIMPLE_TAG -> nested.add(simpleTag(c, start + size, depth + 1, limits, at));
        default -> { }
      }
    });
    if (s[0] == null) {
      throw MKV.malformed(offset, "SimpleTag without TagName");
    }
    return new SimpleTag(s[0], s[1], bin[0], List.copyOf(nested));
  }
}
