package io.vidlog.media.mkv;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture against its golden dump, fed whole and through the whole split matrix of
 * {@link Feeds}. ffmpeg/mkvmerge fixtures are committed files; writer fixtures are built in code.
 */
class MkvReaderFixturesTest {

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("ffmpeg-h264-aac", DumpAsserts.resource("mkv/ffmpeg-h264-aac.mkv")),
        Arguments.of("ffmpeg-live", DumpAsserts.resource("mkv/ffmpeg-live.mkv")),
        Arguments.of("mkvmerge-laced", DumpAsserts.resource("mkv/mkvmerge-laced.mkv")),
        Arguments.of("mkvmerge-blockgroups", DumpAsserts.resource("mkv/mkvmerge-blockgroups.mkv")),
        Arguments.of("writer-kvs-producer", TestStreams.kvsProducer()),
        Arguments.of("writer-getmedia-chunks", TestStreams.getMediaChunks()),
        Arguments.of("writer-known-sizes-features", TestStreams.knownSizesAndFeatures()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void matchesGoldenDumpWhateverTheSplit(String name, byte[] input) {
    String whole = Feeds.whole(input, MkvLimits.DEFAULT);
    DumpAsserts.assertDump(whole, name);
    Feeds.assertAllSplits(input, MkvLimits.DEFAULT, whole);
  }
}
