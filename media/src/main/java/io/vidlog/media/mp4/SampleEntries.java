package io.vidlog.media.mp4;

import static io.vidlog.media.MediaFormatException.Format.MP4;

import io.vidlog.media.MediaFormatException;
import io.vidlog.media.MediaFormatException.Format;
import io.vidlog.media.nal.CodecDescription;
import io.vidlog.media.nal.CodecPrivate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import org.mp4parser.AbstractBoxParser;
import org.mp4parser.Box;
import org.mp4parser.ParsableBox;
import org.mp4parser.boxes.UnknownBox;
import org.mp4parser.boxes.sampleentry.AudioSampleEntry;
import org.mp4parser.boxes.sampleentry.VisualSampleEntry;

/**
 * The one place that touches mp4parser: it reads the sample entry of a track's {@code stsd}
 * (ISO/IEC 14496-12 §8.5.2; {@code avc1}/{@code avc3} + {@code avcC}, {@code hvc1}/{@code hev1} +
 * {@code hvcC} per 14496-15, {@code mp4a} + {@code esds} per 14496-14, including QuickTime sound
 * description versions 1 and 2) with mp4parser's sample-entry classes and turns it into a
 * {@link CodecDescription} plus the Matroska CodecPrivate bytes.
 *
 * <p>mp4parser allocates a box's content before checking it against what is left, and its default
 * parser keeps a global reflection registry. So every size in the entry is first checked by
 * {@link io.vidlog.media.mp4.Box#parse} (a lying size fails there, typed, before mp4parser sees
 * it), boxes are created with plain {@code new} by {@link ExplicitParser}, and child boxes are
 * kept raw ({@code UnknownBox}): avcC/hvcC are parsed by {@code io.vidlog.media.nal}, esds by
 * {@link #esdsDecoderSpecificInfo}.
 */
final class SampleEntries {
  /** A decoded sample entry. */
  record Entry(Mp4Track.Kind kind, CodecDescription description, byte[] codecPrivate) {}

  private SampleEntries() {}

  /** Reads the first sample entry of an {@code stsd} box. */
  static Entry read(io.vidlog.media.mp4.Box stsd) {
    List<io.vidlog.media.mp4.Box> entries = stsd.children(8); // version/flags, entry_count
    if (entries.isEmpty()) {
      throw MP4.malformed(stsd.offset(), "stsd without sample entry");
    }
    io.vidlog.media.mp4.Box e = entries.get(0);
    String type = e.type();
    try {
      switch (type) {
        case "avc1", "avc3", "hvc1", "hev1" -> {
          e.children(78); // VisualSampleEntry fields (§12.1.3); checks every child size
          VisualSampleEntry v = (VisualSampleEntry) parse(e);
          boolean avc = type.startsWith("avc");
          byte[] config = child(v, avc ? "avcC" : "hvcC", e);
          CodecDescription d = CodecPrivate.describe(avc ? CodecPrivate.AVC : CodecPrivate.HEVC, config);
          return new Entry(Mp4Track.Kind.VIDEO, d, config);
        }
        case "mp4a" -> {
          int version = e.payload().remaining() >= 10 ? e.payload().getShort(e.payload().position() + 8) : 0;
          e.children(28 + (version == 1 ? 16 : version == 2 ? 36 : 0)); // §12.2.3 + QuickTime
          AudioSampleEntry a = (AudioSampleEntry) parse(e);
          byte[] asc = esdsDecoderSpecificInfo(esds(a, e), e.offset());
          CodecDescription d = CodecPrivate.describe(CodecPrivate.AAC, asc);
          return new Entry(Mp4Track.Kind.AUDIO, d, asc);
        }
        default -> throw MP4.unsupported(e.offset(), "sample entry '" + type
            + "' (vidlog takes avc1/avc3, hvc1/hev1 and mp4a)");
      }
    } catch (MediaFormatException me) {
      throw me; // the codec's own format, kind and offset within its configuration record
    } catch (RuntimeException re) { // mp4parser's getters parse lazily and may fail late
      throw new MediaFormatException(Format.MP4, MediaFormatException.Kind.MALFORMED, e.offset(),
          "sample entry '" + type + "' unreadable: " + re, re);
    }
  }

  private static ParsableBox parse(io.vidlog.media.mp4.Box e) {
    ByteBuffer whole = ByteBuffer.allocate(e.headerSize() + e.payload().remaining());
    whole.putInt(e.headerSize() == 8 ? whole.capacity() : 1).put(e.type().getBytes(
        java.nio.charset.StandardCharsets.ISO_8859_1));
    if (e.headerSize() == 16) {
      whole.putLong(whole.capacity());
    }
    whole.put(e.payload().duplicate()).flip();
    try (EntryChannel ch = new EntryChannel(whole)) {
      return new ExplicitParser(ch, e.offset()).parseBox(ch, "stsd");
    } catch (MediaFormatException me) {
      throw me;
    } catch (IOException | RuntimeException | AssertionError ex) {
      // mp4parser checks some fields with Java assert (AssertionError when -ea is on)
      throw new MediaFormatException(Format.MP4, MediaFormatException.Kind.MALFORMED, e.offset(),
          "sample entry '" + e.type() + "' unreadable: " + ex, ex);
    }
  }

  /** The esds payload: a child of the entry, or inside a QuickTime 'wave' box (sound v1/v2). */
  private static byte[] esds(AudioSampleEntry a, io.vidlog.media.mp4.Box e) {
    for (Box b : a.getBoxes()) {
      if (b.getType().equals("wave") && b instanceof UnknownBox u) {
        ByteBuffer data = u.getData().duplicate();
        data.rewind();
        for (io.vidlog.media.mp4.Box w : io.vidlog.media.mp4.Box.parse(data, 0, e.offset())) {
          if (w.type().equals("esds")) {
            byte[] out = new byte[w.payload().remaining()];
            w.payload().duplicate().get(out);
            return out;
          }
        }
      }
    }
    return child(a, "esds", e);
  }

  private static byte[] child(org.mp4parser.Container c, String type, io.vidlog.media.mp4.Box e) {
    for (Box b : c.getBoxes()) {
      if (b.getType().equals(type) && b instanceof UnknownBox u) {
        ByteBuffer data = u.getData().duplicate();
        data.rewind();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
      }
    }
    throw MP4.malformed(e.offset(), "sample entry '" + e.type() + "' without '" + type + "'");
  }

  /**
   * The DecoderSpecificInfo (the AudioSpecificConfig) inside an esds payload: ES_Descriptor (tag 3)
   * → DecoderConfigDescriptor (tag 4) → DecoderSpecificInfo (tag 5), ISO/IEC 14496-1 §7.2.6.
   */
  static byte[] esdsDecoderSpecificInfo(byte[] esds, long offset) {
    ByteBuffer b = ByteBuffer.wrap(esds);
    if (b.remaining() < 4) {
      throw MP4.malformed(offset, "esds truncated");
    }
    b.position(4); // version, flags
    ByteBuffer es = descriptor(b, 3, offset);
    skip(es, 2, offset); // ES_ID
    int flags = u8(es, offset);
    if ((flags & 0x80) != 0) {
      skip(es, 2, offset); // dependsOn_ES_ID
    }
    if ((flags & 0x40) != 0) {
      skip(es, u8(es, offset), offset); // URL
    }
    if ((flags & 0x20) != 0) {
      skip(es, 2, offset); // OCR_ES_Id
    }
    ByteBuffer dcd = descriptor(es, 4, offset);
    int objectType = u8(dcd, offset);
    if (objectType != 0x40 && objectType != 0x66 && objectType != 0x67 && objectType != 0x68) {
      throw MP4.unsupported(offset, String.format("esds objectTypeIndication 0x%02x (not AAC)", objectType));
    }
    skip(dcd, 12, offset); // streamType…avgBitrate
    ByteBuffer dsi = descriptor(dcd, 5, offset);
    byte[] out = new byte[dsi.remaining()];
    dsi.get(out);
    return out;
  }

  /** Finds the next descriptor with {@code tag} in {@code b}, skipping others; returns its body. */
  private static ByteBuffer descriptor(ByteBuffer b, int tag, long offset) {
    while (b.hasRemaining()) {
      int t = u8(b, offset);
      int size = 0;
      for (int i = 0; i < 4; i++) { // expandable size, 7 bits per byte (§8.3.3)
        int x = u8(b, offset);
        size = (size << 7) | (x & 0x7F);
        if ((x & 0x80) == 0) {
          break;
        }
      }
      if (size > b.remaining()) {
        throw MP4.malformed(offset, "esds descriptor " + t + " size " + size + " > "
            + b.remaining() + " left");
      }
      ByteBuffer body = b.slice(b.position(), size);
      b.position(b.position() + size);
      if (t == tag) {
        return body;
      }
    }
    throw MP4.malformed(offset, "esds without descriptor tag " + tag);
  }

  private static int u8(ByteBuffer b, long offset) {
    if (!b.hasRemaining()) {
      throw MP4.malformed(offset, "esds truncated");
    }
    return b.get() & 0xFF;
  }

  private static void skip(ByteBuffer b, int n, long offset) {
    if (b.remaining() < n) {
      throw MP4.malformed(offset, "esds truncated");
    }
    b.position(b.position() + n);
  }

  /**
   * Creates the few box classes needed with {@code new}: no properties file, no reflection. A
   * sample entry is one only directly under {@code stsd}, so mp4parser never recurses into entries
   * nested in entries; and no box may declare more bytes than are left, because mp4parser allocates
   * a box's declared size before it reads it.
   */
  private static final class ExplicitParser extends AbstractBoxParser {
    private final EntryChannel in;
    private final long baseOffset;

    /** {@code baseOffset}: input offset of the channel's first byte. */
    ExplicitParser(EntryChannel in, long baseOffset) {
      this.in = in;
      this.baseOffset = baseOffset;
    }

    @Override
    public ParsableBox parseBox(ReadableByteChannel ch, String parentType) throws IOException {
      long declared = in.peekBoxSize();
      if (declared > in.remaining()) {
        throw MP4.malformed(baseOffset + in.position(), "box of " + declared + " bytes in a '" + parentType
            + "' of a sample entry overruns the " + in.remaining() + " bytes left");
      }
      return super.parseBox(ch, parentType);
    }

    @Override
    public ParsableBox createBox(String type, byte[] userType, String parentType) {
      if (!"stsd".equals(parentType)) {
        return new UnknownBox(type);
      }
      return switch (type) {
        case "avc1", "avc3", "hvc1", "hev1" -> new VisualSampleEntry(type);
        case "mp4a" -> new AudioSampleEntry(type);
        default -> new UnknownBox(type);
      };
    }
  }

  /** The bytes of one sample entry as the channel mp4parser reads, with a look at the next box header. */
  private static final class EntryChannel implements ReadableByteChannel {
    private final ByteBuffer bytes;
    private boolean open = true;

    EntryChannel(ByteBuffer bytes) {
      this.bytes = bytes.duplicate();
    }

    int position() {
      return bytes.position();
    }

    int remaining() {
      return bytes.remaining();
    }

    /** The size the next box header declares (largesize resolved, 0 meaning "the rest"), or 0 if no header is left. */
    long peekBoxSize() {
      int p = bytes.position();
      if (bytes.remaining() < 8) {
        return 0; // mp4parser reports the short read itself
      }
      long size = bytes.getInt(p) & 0xFFFFFFFFL;
      if (size == 1) {
        return bytes.remaining() < 16 ? 0 : bytes.getLong(p + 8) < 0 ? Long.MAX_VALUE : bytes.getLong(p + 8);
      }
      return size;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (!bytes.hasRemaining()) {
        return -1;
      }
      int n = Math.min(dst.remaining(), bytes.remaining());
      dst.put(bytes.slice(bytes.position(), n));
      bytes.position(bytes.position() + n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
