package io.vidlog.playback.testing;

import com.amazonaws.kinesisvideo.parser.ebml.InputStreamParserByteSource;
import com.amazonaws.kinesisvideo.parser.mkv.StreamingMkvReader;
import com.amazonaws.kinesisvideo.parser.utilities.FrameVisitor;
import com.amazonaws.kinesisvideo.parser.utilities.MkvTrackMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames of the test fixture {@code media/h264-96x64-gop5.mkv} (see its README): real H.264 that
 * ffprobe can decode, read once with the KVS parser library.
 */
public final class TestMedia {
  public static final String CODEC_ID = "V_MPEG4/ISO/AVC";

  /** One coded frame. */
  public record Frame(byte[] data, boolean keyFrame) {}

  private static TestMedia instance;

  public final byte[] codecPrivate;
  public final int width;
  public final int height;
  /** The fixture's GOPs (each starts with a key frame). */
  public final List<List<Frame>> gops;

  private TestMedia(byte[] codecPrivate, int width, int height, List<List<Frame>> gops) {
    this.codecPrivate = codecPrivate;
    this.width = width;
    this.height = height;
    this.gops = gops;
  }

  public static synchronized TestMedia get() {
    if (instance == null) {
      instance = load();
    }
    return instance;
  }

  private static TestMedia load() {
    List<List<Frame>> gops = new ArrayList<>();
    MkvTrackMetadata[] track = new MkvTrackMetadata[1];
    FrameVisitor visitor = FrameVisitor.create(new FrameVisitor.FrameProcessor() {
      @Override
      public void process(com.amazonaws.kinesisvideo.parser.mkv.Frame frame, MkvTrackMetadata meta,
          java.util.Optional<com.amazonaws.kinesisvideo.parser.utilities.FragmentMetadata> fragment) {
        track[0] = meta;
        ByteBuffer b = frame.getFrameData();
        byte[] data = new byte[b.remaining()];
        b.get(data);
        if (frame.isKeyFrame() || gops.isEmpty()) {
          gops.add(new ArrayList<>());
        }
        gops.get(gops.size() - 1).add(new Frame(data, frame.isKeyFrame()));
      }
    });
    try (InputStream in = TestMedia.class.getResourceAsStream("/media/h264-96x64-gop5.mkv")) {
      StreamingMkvReader reader = StreamingMkvReader.createDefault(new InputStreamParserByteSource(in));
      while (reader.mightHaveNext()) {
        var element = reader.nextIfAvailable();
        if (element.isPresent()) {
          element.get().accept(visitor);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer cp = track[0].getCodecPrivateData();
    byte[] codecPrivate = new byte[cp.remaining()];
    cp.get(codecPrivate);
    return new TestMedia(codecPrivate, track[0].getPixelWidth().get().intValue(),
        track[0].getPixelHeight().get().intValue(), List.copyOf(gops));
  }

  /** The GOP used for fragment {@code i} (the fixture's GOPs in a cycle). */
  public List<Frame> gop(int i) {
    return gops.get(i % gops.size());
  }

}
