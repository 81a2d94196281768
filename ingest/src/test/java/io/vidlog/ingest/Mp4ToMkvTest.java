package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vidlog.kvs.StreamRef;
import io.vidlog.media.mp4.Mp4Demux;
import io.vidlog.media.mp4.Mp4Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MP4 samples become MKV events cut at key frames near the target duration (no HTTP). */
class Mp4ToMkvTest {
  @TempDir
  Path tmp;

  private FragmentAssemblerTest.Recorder run(String fixture) throws Exception {
    Path f = Files.write(tmp.resolve(fixture), Uploads.resource(fixture));
    FragmentAssemblerTest.Recorder rec = new FragmentAssemblerTest.Recorder();
    FragmentAssembler a = new FragmentAssembler(IngestConfig.DEFAULT,
        new PutMediaHeaders(StreamRef.byName("s"), TimecodeType.RELATIVE, 0, true), () -> 1L, rec);
    Mp4Demux.file(f, Mp4Limits.defaults(), new Mp4ToMkv(a, 2_000_000_000L, 10_000_000_000L));
    a.finish();
    return rec;
  }

  @Test
  void fragmentedAndProgressiveFilesAreCutAtKeyFramesAfterTwoSeconds() throws Exception {
    for (String fixture : new String[] {"fmp4-h264-aac.mp4", "progressive-h264-aac.mp4", "progressive-h265.mp4"}) {
      FragmentAssemblerTest.Recorder rec = run(fixture);
      assertEquals(2, rec.completed.size(), fixture + ": " + rec.events);
      assertTrue(rec.events.stream().noneMatch(e -> e.startsWith("reject") || e.startsWith("fail")), rec.events::toString);
      long first = rec.completed.get(0).clusterTimecode;
      long second = rec.completed.get(1).clusterTimecode;
      assertTrue(second - first >= 2000 && second - first < 3000, fixture + ": " + first + ", " + second);
    }
  }
}
