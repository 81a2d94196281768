package io.vidlog.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir
  Path dir;

  @Test
  void fileStoreKeepsTheLastSavedCheckpoint() throws Exception {
    Path file = dir.resolve("cp");
    CheckpointStore store = CheckpointStore.file(file);
    assertEquals(Optional.empty(), store.load());
    store.save(new Checkpoint("91343852333181432392682062607743920146264209290", 12, false));
    store.save(new Checkpoint("91343852333181432392682062607743920146264209291", 3, true));
    assertEquals(Optional.of(new Checkpoint("91343852333181432392682062607743920146264209291", 3, true)),
        CheckpointStore.file(file).load());
    assertEquals(List.of("cp"), Files.list(dir).map(p -> p.getFileName().toString()).toList(), "no temporary file left");
    Files.writeString(file, "garbage");
    assertThrows(IOException.class, store::load);
  }

  @Test
  void textFormRoundTripsAndRefusesNonCheckpoints() {
    Checkpoint c = new Checkpoint("17", -1, true);
    assertEquals(c, Checkpoint.parse(c.render()));
    for (String bad : List.of("", "17 1", "17 x partial", "1a 1 partial", "17 1 done", "17 -2 partial")) {
      assertThrows(IllegalArgumentException.class, () -> Checkpoint.parse(bad), bad);
    }
  }

  @Test
  void fragmentNumbersCompareNumerically() {
    assertEquals(-1, Integer.signum(FragmentNumbers.compare("999", "1000")));
    assertEquals(0, FragmentNumbers.compare("0012", "12"));
    assertEquals(1, Integer.signum(FragmentNumbers.compare("91343852333181432392682062607743920146264209291",
        "91343852333181432392682062607743920146264209290")));
    assertEquals("91343852333181432392682062607743920146264209289",
        FragmentNumbers.predecessor("91343852333181432392682062607743920146264209290"));
    assertEquals("0", FragmentNumbers.predecessor("0"));
  }
}
