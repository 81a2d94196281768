package io.vidlog.server.cluster;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.ChunkHeaderCodec;
import io.vidlog.fragmentstore.live.LiveEvent;
import java.nio.charset.StandardCharsets;

/**
 * A {@link LiveEvent} as one event-bus message between nodes: a kind byte, the fragment number,
 * then the event's fields; a frame's payload is the message's tail. Symmetric with
 * {@link #decode}; the chunk header travels in {@link ChunkHeaderCodec}'s form.
 */
final class LiveEventCodec {
  private static final byte START = 1;
  private static final byte FRAME = 2;
  private static final byte END = 3;
  private static final byte ABORTED = 4;

  private LiveEventCodec() {}

  static Buffer encode(LiveEvent event) {
    Buffer b = Buffer.buffer();
    if (event instanceof LiveEvent.FragmentStart s) {
      number(b.appendByte(START), s.number());
      b.appendLong(s.serverTimestampMillis()).appendLong(s.producerTimestampMillis()).appendLong(s.clusterTimecode());
      b.appendInt(s.mkvHeader().length()).appendBuffer(s.mkvHeader());
    } else if (event instanceof LiveEvent.Frame f) {
      number(b.appendByte(FRAME), f.number());
      b.appendInt(f.trackNumber()).appendInt(f.relativeTimecode()).appendInt(f.flags()).appendBuffer(f.payload());
    } else if (event instanceof LiveEvent.FragmentEnd e) {
      number(b.appendByte(END), e.number());
      byte[] header = ChunkHeaderCodec.encode(e.header());
      b.appendByte((byte) (e.persisted() ? 1 : 0)).appendInt(header.length).appendBytes(header);
      b.appendInt(e.mkvTrailer().length()).appendBuffer(e.mkvTrailer());
    } else {
      LiveEvent.FragmentAborted a = (LiveEvent.FragmentAborted) event;
      number(b.appendByte(ABORTED), a.number());
      b.appendString(a.reason() == null ? "" : a.reason(), "UTF-8");
    }
    return b;
  }

  static LiveEvent decode(Buffer b) {
    int at = 0;
    byte kind = b.getByte(at++);
    int numberLength = b.getUnsignedByte(at++);
    FragmentNumber number = new FragmentNumber(b.getString(at, at + numberLength, "US-ASCII"));
    at += numberLength;
    switch (kind) {
      case START -> {
        long server = b.getLong(at);
        long producer = b.getLong(at + 8);
        long cluster = b.getLong(at + 16);
        int length = b.getInt(at + 24);
        return new LiveEvent.FragmentStart(number, server, producer, cluster, b.slice(at + 28, at + 28 + length));
      }
      case FRAME -> {
        return new LiveEvent.Frame(number, b.getInt(at), b.getInt(at + 4), b.getInt(at + 8), b.slice(at + 12, b.length()));
      }
      case END -> {
        boolean persisted = b.getByte(at) == 1;
        int headerLength = b.getInt(at + 1);
        ChunkHeader header = ChunkHeaderCodec.decode(b.getBytes(at + 5, at + 5 + headerLength));
        at += 5 + headerLength;
        int trailerLength = b.getInt(at);
        return new LiveEvent.FragmentEnd(number, header, b.slice(at + 4, at + 4 + trailerLength), persisted);
      }
      case ABORTED -> {
        return new LiveEvent.FragmentAborted(number, new String(b.getBytes(at, b.length()), StandardCharsets.UTF_8));
      }
      default -> throw new IllegalArgumentException("not a live event message: kind " + kind);
    }
  }

  private static void number(Buffer b, FragmentNumber n) {
    byte[] digits = n.value().getBytes(StandardCharsets.US_ASCII);
    b.appendByte((byte) digits.length).appendBytes(digits);
  }
}
