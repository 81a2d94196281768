package io.vidlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CommonPoolTest {
  @Test
  void onTwoCoresOrFewerTheCommonPoolGetsTwoThreadsSoAsyncTasksDoNotEachStartAThread() {
    assertEquals(OptionalInt.of(2), CommonPool.parallelismFor(1, null));
    assertEquals(OptionalInt.of(2), CommonPool.parallelismFor(2, null));
  }

  @Test
  void withMoreCoresOrAnOperatorsSettingTheJdksChoiceStands() {
    assertEquals(OptionalInt.empty(), CommonPool.parallelismFor(3, null));
    assertEquals(OptionalInt.empty(), CommonPool.parallelismFor(16, null));
    assertEquals(OptionalInt.empty(), CommonPool.parallelismFor(2, "1"));
  }
}
