package io.vidlog.media.mkv;

import static io.vidlog.media.MediaFormatException.Format.MKV;

import io.vidlog.media.ByteBudget;
import io.vidlog.media.GrowingBuffer;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.ebml.EbmlLimits;
import io.vidlog.media.ebml.EbmlProcessor;
import io.vidlog.media.ebml.EbmlReader;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Push-driven Matroska reader (RFC 9559) for live and stored MKV: feed it slices of any size and it
 * reports what it finds to an {@link MkvHandler}, in stream order. EBML header, Info, Tracks and
 * Tags are buffered (bounded by {@link MkvLimits#maxHeaderElementSize()}) and reported parsed with
 * their raw bytes; SimpleBlock frames stream through as views of the input and are copied only when
 * split across slices (and then not at all when the caller keeps its input, {@link Input#KEPT}); a BlockGroup's Block is buffered until the group ends (its ReferenceBlock and
 * BlockDuration may follow it). Cues, SeekHead, Void, Chapters, Attachments and unknown elements
 * are skipped unread. A Tags element outside any Segment, before an EBML header, is reported as
 * well (a KVS producer can send pending fragment metadata there when it resumes a session).
 *
 * <p>Every buffer grows as its bytes arrive, never to a size the input merely declares, and is
 * charged to the {@link ByteBudget} given at construction: {@link #bufferedBytes()} is what the
 * reader holds, and a buffer that would overdraw the budget fails with an
 * {@link MediaFormatException.Kind#OVER_BUDGET} error. A failure or {@link #close()} releases every
 * buffer at once.
 *
 * <p>Failures are {@link MediaFormatException}s: format EBML for framing, MKV for Matroska meaning,
 * with the kind and the offset. After any failure, including an exception thrown by the handler,
 * the reader refuses further input. Not thread-safe.
 */
public final class MkvReader {
  /** A BlockGroup's Block: the first allocation (it doubles as bytes arrive). */
  private static final int FIRST_BLOCK = 4 * 1024;
  /** The Block array kept between groups. */
  private static final int KEEP_BLOCK = 64 * 1024;

  /** Whether the caller keeps the slices it feeds unchanged after {@link #feed} returns. */
  public enum Input {
    /** The caller may reuse a slice's bytes once {@code feed} returned: every view is valid during its callback only. */
    TRANSIENT,
    /**
     * The caller never changes a slice it fed (e.g. each is a buffer a network stack allocated for
     * it alone): a frame split across slices is handed out as views of them
     * ({@link MkvFrame#pieces()}) instead of being copied into one buffer, and those views stay
     * valid as long as the caller keeps the slices.
     */
    KEPT
  }

  private final MkvHandler handler;
  private final MkvLimits limits;
  private final Input input;
  private final EbmlReader ebml;
  private final BlockParser blocks;
  private final Processor processor = new Processor();

  private long eventOffset;

  // Segment state
  private long timecodeScale = SegmentInfo.DEFAULT_TIMECODE_SCALE;
  private final Map<Integer, Long> defaultDurations = new HashMap<>();

  // Cluster state
  private long clusterSize;
  private long clusterOffset;
  private boolean clusterTimecodeSeen;
  private long clusterTimecode;
  private long blockOffset;

  // BlockGroup state
  private boolean inGroup;
  private long groupOffset;
  private boolean groupHasBlock;
  private final GrowingBuffer groupBlock;
  private long groupBlockDataOffset;
  private boolean groupHasReference;
  private long groupDuration;

  /** A reader for trusted input (stored chunks, files we wrote): its buffers are not budgeted. */
  public MkvReader(MkvHandler handler, MkvLimits limits) {
    this(handler, limits, ByteBudget.unlimited());
  }

  /** A reader whose buffers are charged to {@code budget}. */
  public MkvReader(MkvHandler handler, MkvLimits limits, ByteBudget budget) {
    this(handler, limits, budget, Input.TRANSIENT);
  }

  /** A reader whose buffers are charged to {@code budget}, for input that its caller may keep ({@link Input}). */
  public MkvReader(MkvHandler handler, MkvLimits limits, ByteBudget budget, Input input) {
    this.input = input;
    this.handler = handler;
    this.limits = limits;
    this.ebml = new EbmlReader(processor, MatroskaSchema.INSTANCE,
        new EbmlLimits(limits.maxHeaderElementSize(), limits.maxDepth()), budget);
    this.blocks = new BlockParser(limits.maxFrameSize(), budget, this::onBlockFrame);
    this.groupBlock = new GrowingBuffer(budget, MKV, FIRST_BLOCK, KEEP_BLOCK);
  }

  public MkvReader(MkvHandler handler) {
    this(handler, MkvLimits.DEFAULT);
  }

  /**
   * Reads all remaining bytes of {@code in} without changing its position. Views handed to the
   * handler share {@code in}'s content and are valid during the callback only (for
   * {@link Input#KEPT} input, frame views stay valid while the caller keeps {@code in}).
   *
   * @throws MediaFormatException for malformed or unsupported input (EBML framing or MKV meaning)
   * @throws IllegalStateException if the reader failed earlier or {@link #end()} was called
   */
  public void feed(ByteBuffer in) {
    try {
      ebml.feed(in.duplicate());
    } catch (RuntimeException | Error e) {
      close(); // the reader is unusable: its buffers go back now, not when it is collected
      throw e;
    }
  }

  /** Convenience for {@code feed(ByteBuffer.wrap(b, off, len))}. */
  public void feed(byte[] b, int off, int len) {
    feed(ByteBuffer.wrap(b, off, len));
  }

  /**
   * End of input: closes open unknown-size Clusters and Segments (reporting their ends).
   *
   * @throws MediaFormatException MALFORMED when the input stops inside an element of known size or a frame
   */
  public void end() {
    try {
      ebml.end();
    } finally {
      close();
    }
  }

  /** Bytes the reader holds in buffers now (all charged to its budget). */
  public long bufferedBytes() {
    return ebml.bufferedBytes() + groupBlock.held() + blocks.bufferedBytes();
  }

  /**
   * Releases every buffer at once and refuses further input (the handler hears nothing more). Safe
   * at any time and more than once; {@link #end()} and a failure do it too.
   */
  public void close() {
    ebml.close();
    groupBlock.release();
    blocks.release();
  }

  /** Bytes read so far (the absolute offset of the next byte). */
  public long bytesConsumed() {
    return ebml.position();
  }

  /**
   * During a handler callback: the absolute input offset the event refers to. For onEbmlHeader,
   * onSegmentStart, onInfo, onTracks, onTags and onClusterStart, where the element's id starts; for
   * onFrame, where its SimpleBlock or BlockGroup starts; for onClusterEnd and onSegmentEnd, where
   * the element ends (for an unknown-size element closed by the next element, where that one
   * starts). Lets a caller cut the input into fragments (e.g. ChunkHeader.clusterOffset) without
   * re-parsing; {@link #bytesConsumed()} may already be past it.
   */
  public long eventOffset() {
    return eventOffset;
  }

  /** Whether the input read so far ends between two elements (a clean place to stop). */
  public boolean atElementBoundary() {
    return ebml.atElementBoundary();
  }


  private void onBlockFrame(int track, int relativeTimecode, int flags, int laceIndex, List<ByteBuffer> payload) {
    long base;
    try {
      base = Math.multiplyExact(Math.addExact(clusterTimecode, relativeTimecode), timecodeScale);
      if (laceIndex > 0) {
        // RFC 9559 §10.4: only the first laced frame carries a timestamp; the others follow at DefaultDuration.
        Long d = defaultDurations.get(track);
        if (d != null) {
          base = Math.addExact(base, Math.multiplyExact(d, laceIndex));
        }
      }
    } catch (ArithmeticException e) {
      throw MKV.unsupported(blockOffset, "timecode overflows 64-bit nanoseconds: "
          + "cluster " + clusterTimecode + " + block " + relativeTimecode + " ticks × TimecodeScale " + timecodeScale);
    }
    MkvFrame frame;
    if (inGroup) {
      boolean key = !groupHasReference;
      frame = new MkvFrame(track, clusterTimecode, relativeTimecode, base, key, (flags & 0x7F) | (key ? 0x80 : 0),
          groupDuration, payload);
    } else {
      frame = new MkvFrame(track, clusterTimecode, relativeTimecode, base, (flags & 0x80) != 0, flags, -1, payload);
    }
    eventOffset = blockOffset;
    handler.onFrame(frame);
  }

  /** Maps framing events to Matroska meaning. */
  private final class Processor implements EbmlProcessor {
    @Override
    public Action onElementStart(int id, int parentId, long size, long headerOffset, int headerLength, int depth) {
      if (parentId == 0) {
        return switch (id) {
          // Tags belong inside a Segment (RFC 9559 §5.1.8), but a KVS producer resuming a session
          // can send the next fragment's metadata before its EBML header: reported, not skipped
          case MatroskaIds.EBML, MatroskaIds.TAGS -> Action.BUFFER;
          case MatroskaIds.SEGMENT -> {
            timecodeScale = SegmentInfo.DEFAULT_TIMECODE_SCALE;
            defaultDurations.clear();
            eventOffset = headerOffset;
            handler.onSegmentStart(size);
            yield Action.MASTER;
          }
          default -> Action.SKIP;
        };
      }
      switch (parentId) {
        case MatroskaIds.SEGMENT -> {
          return switch (id) {
            case MatroskaIds.INFO, MatroskaIds.TRACKS, MatroskaIds.TAGS -> Action.BUFFER;
            case MatroskaIds.CLUSTER -> {
              clusterSize = size;
              clusterOffset = headerOffset;
              clusterTimecodeSeen = false;
              yield Action.MASTER;
            }
            default -> Action.SKIP;
          };
        }
        case MatroskaIds.CLUSTER -> {
          switch (id) {
            case MatroskaIds.TIMECODE -> {
              if (size > 8) {
                throw MKV.malformed(headerOffset, "Cluster Timecode of " + size + " bytes (max 8)");
              }
              return Action.BUFFER;
            }
            case MatroskaIds.SIMPLE_BLOCK -> {
              requireTimecode(headerOffset, "SimpleBlock");
              blockOffset = headerOffset;
              inGroup = false;
              blocks.start(headerOffset + headerLength, size, input == Input.KEPT);
              return Action.STREAM;
            }
            case MatroskaIds.BLOCK_GROUP -> {
              requireTimecode(headerOffset, "BlockGroup");
              groupOffset = headerOffset;
              inGroup = true;
              groupHasBlock = false;
              groupHasReference = false;
              groupDuration = -1;
              return Action.MASTER;
            }
            default -> {
              return Action.SKIP;
            }
          }
        }
        case MatroskaIds.BLOCK_GROUP -> {
          switch (id) {
            case MatroskaIds.BLOCK -> {
              if (groupHasBlock) {
                throw MKV.malformed(headerOffset, "BlockGroup with more than one Block");
              }
              if (size > limits.maxFrameSize()) {
                throw MKV.unsupported(headerOffset, "Block of " + size
                    + " bytes exceeds maxFrameSize " + limits.maxFrameSize());
              }
              // the size is a claim: the buffer grows as the Block's bytes arrive
              groupHasBlock = true;
              groupBlock.start((int) size, headerOffset, "Block");
              groupBlockDataOffset = headerOffset + headerLength;
              return Action.STREAM;
            }
            case MatroskaIds.BLOCK_DURATION, MatroskaIds.REFERENCE_BLOCK -> {
              if (size > 8) {
                throw MKV.malformed(headerOffset, EbmlReader.hex(id) + " of " + size + " bytes (max 8)");
              }
              return Action.BUFFER;
            }
            default -> {
              return Action.SKIP;
            }
          }
        }
        default -> {
          return Action.SKIP;
        }
      }
    }

    private void requireTimecode(long offset, String what) {
      if (!clusterTimecodeSeen) {
        throw MKV.malformed(offset, what + " before the Cluster Timecode (Cluster at offset " + clusterOffset + ")");
      }
    }

    @Override
    public void onData(int id, ByteBuffer element, int headerLength) {
      long offset = ebml.position() - element.remaining();
      eventOffset = offset;
      switch (id) {
        case MatroskaIds.EBML -> handler.onEbmlHeader(MkvElements.ebmlHeader(element, headerLength, offset));
        case MatroskaIds.INFO -> {
          SegmentInfo info = MkvElements.info(element, headerLength, offset);
          timecodeScale = info.timecodeScaleNs();
          handler.onInfo(info, element);
        }
        case MatroskaIds.TRACKS -> {
          List<TrackEntry> tracks = MkvElements.tracks(element, headerLength, offset, limits);
          defaultDurations.clear();
          for (TrackEntry t : tracks) {
            if (t.defaultDurationNs() > 0) {
              defaultDurations.put(t.trackNumber(), t.defaultDurationNs());
            }
          }
          handler.onTracks(tracks, element);
        }
        case MatroskaIds.TAGS -> handler.onTags(MkvElements.tags(element, headerLength, offset, limits), element);
        case MatroskaIds.TIMECODE -> {
          if (clusterTimecodeSeen) {
            throw MKV.malformed(offset, "second Timecode in the Cluster at offset " + clusterOffset);
          }
          clusterTimecode = uint(element, headerLength, offset, "Cluster Timecode");
          clusterTimecodeSeen = true;
          eventOffset = clusterOffset;
          handler.onClusterStart(clusterTimecode, clusterSize);
        }
        case MatroskaIds.BLOCK_DURATION -> groupDuration = uint(element, headerLength, offset, "BlockDuration");
        case MatroskaIds.REFERENCE_BLOCK -> groupHasReference = true;
        default -> { }
      }
    }

    private long uint(ByteBuffer element, int headerLength, long offset, String name) {
      long v = 0;
      for (int i = element.position() + headerLength; i < element.limit(); i++) {
        v = (v << 8) | (element.get(i) & 0xFF);
      }
      if (v < 0) {
        throw MKV.unsupported(offset, name + " " + Long.toUnsignedString(v)
            + " exceeds 2^63-1");
      }
      return v;
    }

    @Override
    public void onPayload(int id, ByteBuffer chunk) {
      if (id == MatroskaIds.SIMPLE_BLOCK) {
        blocks.feed(chunk);
      } else {
        groupBlock.append(chunk);
      }
    }

    @Override
    public void onElementEnd(int id, long endOffset) {
      eventOffset = endOffset;
      switch (id) {
        case MatroskaIds.SIMPLE_BLOCK -> blocks.end();
        case MatroskaIds.BLOCK_GROUP -> {
          if (!groupHasBlock) {
            throw MKV.malformed(endOffset, "BlockGroup without a Block");
          }
          blockOffset = groupOffset;
          blocks.start(groupBlockDataOffset, groupBlock.length(), false); // the group's own array, reused
          blocks.feed(groupBlock.contents());
          blocks.end();
          groupBlock.finish();
          groupHasBlock = false;
          inGroup = false;
        }
        case MatroskaIds.CLUSTER -> {
          if (!clusterTimecodeSeen) {
            throw MKV.malformed(clusterOffset, "Cluster without a Timecode");
          }
          clusterTimecodeSeen = false;
          handler.onClusterEnd();
        }
        case MatroskaIds.SEGMENT -> handler.onSegmentEnd();
        default -> { }
      }
    }
  }
}
