package io.vidlog.media.mkv;

import io.vidlog.media.ebml.EbmlWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Small functions from values to Matroska bytes (RFC 9559; Media3's {@code WebmElements} style).
 * Each returns whole elements except the "start" and "header" functions, which return an element
 * header so that the caller can stream the content after it (payload bytes are never copied).
 *
 * <p>{@link #MINIMAL} writes shortest sizes; {@link #KVS} writes 8-byte sizes everywhere, like the
 * KVS producer libraries (docs/wire-protocol.md §1.1). Either way the GetMedia chunk layout of docs/wire-protocol.md §2 is
 * EBML header, {@link #segmentStartUnknownSize()}, {@link #info}, {@link #tracks}, {@link #tags},
 * {@link #clusterStart} with size -1, {@link #simpleBlockHeader} + payload…, {@link #tags}.
 */
public final class MkvWriter {
  /** Shortest size encodings. */
  public static final MkvWriter MINIMAL = new MkvWriter(EbmlWriter.MINIMAL);
  /** 8-byte sizes, as KVS producers write them. */
  public static final MkvWriter KVS = new MkvWriter(EbmlWriter.FIXED_8);

  /** SimpleBlock key-frame flag (RFC 9559 §10.2). */
  public static final int FLAG_KEY = 0x80;
  /** SimpleBlock discardable flag. */
  public static final int FLAG_DISCARDABLE = 0x01;

  /** Lacing modes of RFC 9559 §10.4, with their flag bits. */
  public enum Lacing {
    XIPH(0x02), FIXED(0x04), EBML(0x06);

    final int bits;

    Lacing(int bits) {
      this.bits = bits;
    }
  }

  private final EbmlWriter e;

  private MkvWriter(EbmlWriter e) {
    this.e = e;
  }

  /** The generic element writer with this writer's size encoding. */
  public EbmlWriter ebml() {
    return e;
  }

  /** EBML header as KVS producers write it: DocType matroska, DocTypeVersion 2/2, MaxIDLength 4, MaxSizeLength 8. */
  public byte[] ebmlHeader() {
    return ebmlHeader(new EbmlHeaderInfo("matroska", 2, 2, 4, 8));
  }

  public byte[] ebmlHeader(EbmlHeaderInfo h) {
    return e.master(MatroskaIds.EBML,
        e.uint(MatroskaIds.EBML_VERSION, 1),
        e.uint(MatroskaIds.EBML_READ_VERSION, 1),
        e.uint(MatroskaIds.EBML_MAX_ID_LENGTH, h.maxIdLength()),
        e.uint(MatroskaIds.EBML_MAX_SIZE_LENGTH, h.maxSizeLength()),
        e.string(MatroskaIds.DOC_TYPE, h.docType()),
        e.uint(MatroskaIds.DOC_TYPE_VERSION, h.docTypeVersion()),
        e.uint(MatroskaIds.DOC_TYPE_READ_VERSION, h.docTypeReadVersion()));
  }

  /** Segment header of unknown size: {@code 18 53 80 67 01 FF FF FF FF FF FF FF} (docs/wire-protocol.md §2). */
  public byte[] segmentStartUnknownSize() {
    return e.header(MatroskaIds.SEGMENT, -1);
  }

  /** Segment header of a known data size. */
  public byte[] segmentStart(long size) {
    return e.header(MatroskaIds.SEGMENT, size);
  }

  /** Info; absent values (null strings, NaN duration, null UID) are not written. */
  public byte[] info(SegmentInfo info) {
    List<byte[]> c = new ArrayList<>();
    if (info.segmentUid() != null) {
      c.add(e.binary(MatroskaIds.SEGMENT_UID, info.segmentUid()));
    }
    c.add(e.uint(MatroskaIds.TIMECODE_SCALE, info.timecodeScaleNs()));
    if (!Double.isNaN(info.duration())) {
      c.add(e.float64(MatroskaIds.DURATION, info.duration()));
    }
    addString(c, MatroskaIds.TITLE, info.title());
    addString(c, MatroskaIds.MUXING_APP, info.muxingApp());
    addString(c, MatroskaIds.WRITING_APP, info.writingApp());
    return e.master(MatroskaIds.INFO, c);
  }

  public byte[] tracks(List<TrackEntry> tracks) {
    List<byte[]> c = new ArrayList<>();
    for (TrackEntry t : tracks) {
      c.add(trackEntry(t));
    }
    return e.master(MatroskaIds.TRACKS, c);
  }

  public byte[] trackEntry(TrackEntry t) {
    List<byte[]> c = new ArrayList<>();
    c.add(e.uint(MatroskaIds.TRACK_NUMBER, t.trackNumber()));
    c.add(e.uint(MatroskaIds.TRACK_UID, t.trackUid(), 8));
    c.add(e.uint(MatroskaIds.TRACK_TYPE, t.trackType()));
    addString(c, MatroskaIds.CODEC_ID, t.codecId());
    addString(c, MatroskaIds.NAME, t.name());
    if (t.defaultDurationNs() > 0) {
      c.add(e.uint(MatroskaIds.DEFAULT_DURATION, t.defaultDurationNs()));
    }
    if (t.codecPrivate() != null) {
      c.add(e.binary(MatroskaIds.CODEC_PRIVATE, t.codecPrivate()));
    }
    if (t.pixelWidth() > 0 || t.pixelHeight() > 0) {
      c.add(e.master(MatroskaIds.VIDEO, e.uint(MatroskaIds.PIXEL_WIDTH, t.pixelWidth()),
          e.uint(MatroskaIds.PIXEL_HEIGHT, t.pixelHeight())));
    }
    if (!Double.isNaN(t.samplingFrequency()) || t.channels() > 0 || t.bitDepth() > 0) {
      List<byte[]> a = new ArrayList<>();
      if (!Double.isNaN(t.samplingFrequency())) {
        a.add(e.float64(MatroskaIds.SAMPLING_FREQUENCY, t.samplingFrequency()));
      }
      if (t.channels() > 0) {
        a.add(e.uint(MatroskaIds.CHANNELS, t.channels()));
      }
      if (t.bitDepth() > 0) {
        a.add(e.uint(MatroskaIds.BIT_DEPTH, t.bitDepth()));
      }
      c.add(e.master(MatroskaIds.AUDIO, a));
    }
    return e.master(MatroskaIds.TRACK_ENTRY, c);
  }

  /**
   * Cluster header followed by its Timecode (8 bytes, as KVS producers write it).
   *
   * @param timecode Cluster Timecode in TimecodeScale units
   * @param contentSize bytes of the blocks that will follow the Timecode, or -1 for unknown size
   */
  public byte[] clusterStart(long timecode, long contentSize) {
    byte[] tc = e.uint(MatroskaIds.TIMECODE, timecode, 8);
    byte[] h = e.header(MatroskaIds.CLUSTER, contentSize < 0 ? -1 : contentSize + tc.length);
    return EbmlWriter.concat(h, tc);
  }

  /**
   * A SimpleBlock's element header and block header (RFC 9559 §10.2), without the payload: write
   * the {@code payloadLength} payload bytes right after it.
   */
  public byte[] simpleBlockHeader(int track, int relativeTimecode, int flags, int payloadLength) {
    return blockHeader(MatroskaIds.SIMPLE_BLOCK, track, relativeTimecode, flags, payloadLength);
  }

  private byte[] blockHeader(int id, int track, int relativeTimecode, int flags, long payloadLength) {
    if (relativeTimecode < Short.MIN_VALUE || relativeTimecode > Short.MAX_VALUE) {
      throw new IllegalArgumentException("relative timecode " + relativeTimecode + " outside a signed 16-bit value");
    }
    if (track < 1) {
      throw new IllegalArgumentException("track number " + track);
    }
    byte[] tn = EbmlWriter.vint(track, EbmlWriter.vintLength(track));
    byte[] h = e.header(id, tn.length + 3 + payloadLength);
    byte[] b = new byte[h.length + tn.length + 3];
    System.arraycopy(h, 0, b, 0, h.length);
    System.arraycopy(tn, 0, b, h.length, tn.length);
    int p = h.length + tn.length;
    b[p] = (byte) (relativeTimecode >> 8);
    b[p + 1] = (byte) relativeTimecode;
    b[p + 2] = (byte) flags;
    return b;
  }

  /** A whole SimpleBlock: header plus payload (convenience; copies the payload). */
  public byte[] simpleBlock(int track, int relativeTimecode, int flags, byte[] payload) {
    return EbmlWriter.concat(simpleBlockHeader(track, relativeTimecode, flags, payload.length), payload);
  }

  /** A whole SimpleBlock from a buffer's remaining bytes (the buffer is not modified). */
  public byte[] simpleBlock(int track, int relativeTimecode, int flags, ByteBuffer payload) {
    byte[] p = new byte[payload.remaining()];
    payload.duplicate().get(p);
    return simpleBlock(track, relativeTimecode, flags, p);
  }

  /** A laced SimpleBlock (RFC 9559 §10.4) holding several frames, e.g. audio packets. */
  public byte[] lacedSimpleBlock(int track, int relativeTimecode, int flags, Lacing lacing, List<byte[]> frames) {
    if (frames.isEmpty() || frames.size() > 256) {
      throw new IllegalArgumentException("lacing needs 1..256 frames, got " + frames.size());
    }
    byte[] laceHeader = laceHeader(lacing, frames);
    byte[] data = EbmlWriter.concat(frames);
    byte[] h = blockHeader(MatroskaIds.SIMPLE_BLOCK, track, relativeTimecode, (flags & ~0x06) | lacing.bits,
        laceHeader.length + data.length);
    return EbmlWriter.concat(h, laceHeader, data);
  }

  private static byte[] laceHeader(Lacing lacing, List<byte[]> frames) {
    List<byte[]> parts = new ArrayList<>();
    parts.add(new byte[] {(byte) (frames.size() - 1)});
    int last = frames.size() - 1;
    switch (lacing) {
      case FIXED -> {
        for (byte[] f : frames) {
          if (f.length != frames.get(0).length) {
            throw new IllegalArgumentException("fixed-size lacing needs frames of equal size");
          }
        }
      }
      case XIPH -> {
        for (int i = 0; i < last; i++) {
          int n = frames.get(i).length;
          byte[] s = new byte[n / 255 + 1];
          java.util.Arrays.fill(s, 0, n / 255, (byte) 255);
          s[n / 255] = (byte) (n % 255);
          parts.add(s);
        }
      }
      case EBML -> {
        for (int i = 0; i < last; i++) {
          long n = frames.get(i).length;
          if (i == 0) {
            parts.add(EbmlWriter.vint(n, EbmlWriter.vintLength(n)));
          } else {
            long diff = n - frames.get(i - 1).length;
            int len = 1;
            while (len < 8 && Math.abs(diff) >= (1L << (7 * len - 1)) - 1) {
              len++;
            }
            parts.add(EbmlWriter.vint(diff + (1L << (7 * len - 1)) - 1, len));
          }
        }
      }
      default -> throw new IllegalArgumentException(String.valueOf(lacing));
    }
    return EbmlWriter.concat(parts);
  }

  /**
   * A BlockGroup with one Block and, when given, BlockDuration and a ReferenceBlock (which marks
   * the frame as not a key frame).
   *
   * @param durationTicks BlockDuration, or -1 for none
   * @param referenceTimecode relative timecode of the referenced block, or null for a key frame
   */
  public byte[] blockGroup(int track, int relativeTimecode, byte[] payload, long durationTicks,
      Integer referenceTimecode) {
    List<byte[]> c = new ArrayList<>();
    c.add(EbmlWriter.concat(blockHeader(MatroskaIds.BLOCK, track, relativeTimecode, 0, payload.length), payload));
    if (durationTicks >= 0) {
      c.add(e.uint(MatroskaIds.BLOCK_DURATION, durationTicks));
    }
    if (referenceTimecode != null) {
      // ReferenceBlock is a signed integer (RFC 9559 §5.1.3.5.2.5); written on 2 bytes.
      int r = referenceTimecode;
      c.add(e.binary(MatroskaIds.REFERENCE_BLOCK, new byte[] {(byte) (r >> 8), (byte) r}));
    }
    return e.master(MatroskaIds.BLOCK_GROUP, c);
  }

  /** A Tags element with the given Tags (Targets written only for a non-zero TargetTypeValue). */
  public byte[] tags(List<Tag> tags) {
    List<byte[]> c = new ArrayList<>();
    for (Tag t : tags) {
      List<byte[]> tc = new ArrayList<>();
      if (t.targetTypeValue() != 0) {
        tc.add(e.master(MatroskaIds.TARGETS, e.uint(MatroskaIds.TARGET_TYPE_VALUE, t.targetTypeValue())));
      }
      for (SimpleTag s : t.simpleTags()) {
        tc.add(simpleTag(s));
      }
      c.add(e.master(MatroskaIds.TAG, tc));
    }
    return e.master(MatroskaIds.TAGS, c);
  }

  /** One Tags element holding one Tag with name/value SimpleTags (KVS fragment metadata, docs/wire-protocol.md §5). */
  public byte[] tags(SimpleTag... simpleTags) {
    return tags(List.of(new Tag(0, List.of(simpleTags))));
  }

  public byte[] simpleTag(SimpleTag s) {
    List<byte[]> c = new ArrayList<>();
    c.add(e.string(MatroskaIds.TAG_NAME, s.name()));
    if (s.value() != null) {
      c.add(e.string(MatroskaIds.TAG_STRING, s.value()));
    }
    if (s.binary() != null) {
      c.add(e.binary(MatroskaIds.TAG_BINARY, s.binary()));
    }
    for (SimpleTag n : s.children()) {
      c.add(simpleTag(n));
    }
    return e.master(MatroskaIds.SIMPLE_TAG, c);
  }

  private void addString(List<byte[]> c, int id, String value) {
    if (value != null) {
      c.add(e.string(id, value));
    }
  }
}
