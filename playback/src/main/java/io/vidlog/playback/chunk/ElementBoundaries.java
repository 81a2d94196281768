package io.vidlog.playback.chunk;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vidlog.media.ebml.EbmlLimits;
import io.vidlog.media.ebml.EbmlProcessor;
import io.vidlog.media.ebml.EbmlReader;
import io.vidlog.media.mkv.MatroskaSchema;

/**
 * Follows a stored chunk's MKV bytes as they stream and knows the last offset at which a response
 * may stop: the start of an element whose enclosing masters all have unknown sizes (the Segment
 * and the Cluster, RFC 8794 §6.2). Whatever follows such an offset is read as the next element, so
 * an error chunk written there is seen (its EBML header closes the open Segment and Cluster);
 * written inside a SimpleBlock it would be swallowed as frame data, and a parser would never see
 * the error (docs/wire-protocol.md §2 "Errors inside the stream"). Bytes past that offset are at
 * most one element: a frame, or a header element before the Cluster.
 *
 * <p>Known-size elements are stepped over unread. Should the bytes not frame as EBML, every offset
 * counts as a boundary (the chunk streams as before; a stored chunk is authenticated, so this is a
 * safeguard, not a path).
 */
final class ElementBoundaries implements EbmlProcessor {
  private static final int MAX_DEPTH = 16;

  private final EbmlReader reader = new EbmlReader(this, MatroskaSchema.INSTANCE, new EbmlLimits(0, MAX_DEPTH));
  private long fed;
  private long lastStart;
  private boolean framed = true;

  /** Takes the next bytes of the chunk; returns the offset up to which the bytes so far are whole elements. */
  long feed(Buffer bytes) {
    fed += bytes.length();
    if (framed) {
      try {
        reader.feed(((BufferInternal) bytes).getByteBuf().nioBuffer());
      } catch (RuntimeException e) {
        framed = false;
      }
    }
    return framed ? lastStart : fed;
  }

  @Override
  public Action onElementStart(int id, int parentId, long size, long headerOffset, int headerLength, int depth) {
    lastStart = headerOffset;
    return size < 0 ? Action.MASTER : Action.SKIP;
  }
}
