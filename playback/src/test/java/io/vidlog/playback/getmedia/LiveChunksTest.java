package io.vidlog.playback.getmedia;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkMkv;
import io.vidlog.fragmentstore.live.LiveEvent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A live frame as a GetMedia reader writes it: the SimpleBlock header, then the feed's own payload. */
class LiveChunksTest {
  private static final FragmentNumber NUMBER = new FragmentNumber("42");

  @Test
  void aFrameIsItsBlockHeaderFollowedByThePayload() {
    byte[] payload = new byte[1000];
    Arrays.fill(payload, (byte) 7);
    LiveEvent.Frame f = new LiveEvent.Frame(NUMBER, 1, 40, 0x80, Buffer.buffer(payload));

    Buffer written = LiveChunks.frame(f);

    Buffer header = ChunkMkv.simpleBlockHeader(1, 40, 0x80, payload.length);
    assertEquals(header.length() + payload.length, written.length());
    assertArrayEquals(header.getBytes(), written.getBytes(0, header.length()));
    assertArrayEquals(payload, written.getBytes(header.length(), written.length()));
  }

  @Test
  void everyReaderReferencesTheFeedsPayloadInsteadOfCopyingIt() {
    byte[] payload = new byte[1000];
    LiveEvent.Frame f = new LiveEvent.Frame(NUMBER, 1, 0, 0x80, Buffer.buffer(payload));
    Buffer first = LiveChunks.frame(f);
    Buffer second = LiveChunks.frame(f);

    // Only possible to see if the written buffers share the payload's memory: the feed never
    // writes a payload again, so this is how a copy per reader shows.
    f.payload().setByte(999, (byte) 5);

    assertEquals(5, first.getByte(first.length() - 1));
    assertEquals(5, second.getByte(second.length() - 1));
    assertEquals(1000, f.payload().length(), "writing a frame leaves the shared payload whole");
  }
}
