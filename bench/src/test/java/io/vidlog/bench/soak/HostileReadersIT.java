package io.vidlog.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.bench.ingest.PacedCamera;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shortened form of the hostile-readers run ({@code SoakLoad hostile}): the shipped server jar
 * with a 256 MB heap, 20 cameras at 4 Mbit/s, and on their streams 20 GetMedia readers: 5 normal, 5
 * that stop reading after 5 s with the connection open, 5 that read 10 kB/s, 5 that drop the
 * connection every one to three fragments and reconnect with their token; and an archive loop
 * (ListFragments + GetMediaForFragmentList). The producers must see no error and get every
 * fragment acked PERSISTED; normal and reconnecting readers must get every fragment whole and in
 * order; stopped and slow readers must be cut off (docs/wire-protocol.md §2 "How a response ends")
 * and what they did get must be intact; the server's heap after a full GC must stay within what
 * its memory budgets allow ({@link SoakResult#heapBoundMb()}).
 */
class HostileReadersIT {

  @Test
  void hostileReadersNeitherDisturbProducersNorGrowTheServer(@TempDir Path dir) throws Exception {
    PacedCamera.Profile camera = PacedCamera.Profile.FOUR_MBIT;
    int heapMb = 256;
    // The stopped readers stop after 5 s for the rest of the phase, which lasts until the cameras
    // have sent three times what the server's live windows may hold (a quarter of its heap) plus
    // their open fragments: by then the fragment each stopped or slow reader stands in has left the
    // window, whatever the machine's load made of the cameras' rate.
    long windows = ((long) heapMb << 20) / 4 + 20L * camera.frameBytes() * camera.framesPerFragment();
    SoakConfig cfg = new SoakConfig(Path.of("..", "server", "target", "vidlog-server.jar").toAbsolutePath(), dir, 20,
        camera, new int[] {5, 5, 5, 5}, 1, heapMb, 5,
        List.of(new SoakConfig.Phase("with readers", 30, true, 3 * windows)), 5, 10, 5_000, 3_600_000);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    SoakResult r = new SoakRun(cfg, out).run();
    r.print(out);
    String report = log.toString(StandardCharsets.UTF_8);
    System.out.println(report);

    assertEquals(0, r.producerErrors(), "producer errors; first: " + r.firstProducerError());
    assertEquals(0, r.unacked(), "fragments never acked PERSISTED");
    for (SoakResult.ReaderResult reader : r.readers()) {
      String who = reader.kind() + " reader of " + reader.stream() + ": " + reader + "\n" + report;
      assertTrue(reader.check().intact(), "what it received is not intact: " + who);
      assertEquals(0, reader.errorChunks(), who);
      switch (reader.kind()) {
        case NORMAL -> {
          assertTrue(reader.check().received() > 0 && reader.check().behind() <= 1, "did not keep up: " + who);
          assertTrue(!reader.cutOff() && reader.responses() == 1, "a normal reader was cut off: " + who);
        }
        case RECONNECTING -> assertTrue(reader.check().received() > 0 && reader.responses() > 1,
            "did not read across reconnects: " + who);
        case STOPPED, SLOW -> assertTrue(reader.cutOff(), "not cut off: " + who);
      }
    }
    assertEquals(0, r.notCutOff(), report);
    assertEquals(0, r.archiveErrors(), "archive errors; first: " + r.firstArchiveError());
    assertTrue(r.archiveReads() > 0, "no archive read completed");
    assertTrue(r.maxHeapAfterGcMb() > 0, "heap after GC was not measured");
    assertTrue(r.maxHeapAfterGcMb() <= r.heapBoundMb(), "server heap after GC " + r.maxHeapAfterGcMb()
        + " MB over the bound " + r.heapBoundMb() + " MB\n" + report);
  }
}
