package io.vidlog.server.media;

import com.amazonaws.kinesisvideo.parser.ebml.InputStreamParserByteSource;
import com.amazonaws.kinesisvideo.parser.ebml.MkvTypeInfos;
import com.amazonaws.kinesisvideo.parser.mkv.Frame;
import com.amazonaws.kinesisvideo.parser.mkv.MkvDataElement;
import com.amazonaws.kinesisvideo.parser.mkv.MkvElement;
import com.amazonaws.kinesisvideo.parser.mkv.MkvElementVisitor;
import com.amazonaws.kinesisvideo.parser.mkv.MkvEndMasterElement;
import com.amazonaws.kinesisvideo.parser.mkv.MkvStartMasterElement;
import com.amazonaws.kinesisvideo.parser.mkv.StreamingMkvReader;
import com.amazonaws.kinesisvideo.parser.mkv.visitors.CompositeMkvElementVisitor;
import com.amazonaws.kinesisvideo.parser.utilities.FragmentMetadata;
import com.amazonaws.kinesisvideo.parser.utilities.FragmentMetadataVisitor;
import com.amazonaws.kinesisvideo.parser.utilities.FrameVisitor;
import com.amazonaws.kinesisvideo.parser.utilities.MkvTrackMetadata;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What the KVS parser library (docs/wire-protocol.md §8: {@code StreamingMkvReader} + {@code FragmentMetadataVisitor}
 * + {@code FrameVisitor}) reads from a GetMedia / GetMediaForFragmentList body or a plain MKV file,
 * the way a KVS consumer reads it: frames grouped by the fragment (chunk) whose tags announced them.
 */
public final class KvsStream {

  /** One frame as the parser library delivered it. */
  public record MediaFrame(long track, byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof MediaFrame f && f.track == track && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(track) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "frame(track " + track + ", " + data.length + " bytes)";
    }
  }

  /** One chunk (one fragment) of a GetMedia response. */
  public static final class Chunk {
    final FragmentMetadata metadata;
    public final List<MediaFrame> frames = new ArrayList<>();
    /** True once the chunk's closing Tags (with the continuation token) were read. */
    boolean complete;

    Chunk(FragmentMetadata metadata) {
      this.metadata = metadata;
    }

    public String number() {
      return metadata.getFragmentNumberString();
    }

    public String token() {
      return metadata.getContinuationToken().orElseThrow();
    }
  }

  public final List<Chunk> chunks = new ArrayList<>();
  /** Every frame read, in order (also frames of a file without KVS tags). */
  public final List<MediaFrame> frames = new ArrayList<>();

  public List<Chunk> completeChunks() {
    return chunks.stream().filter(c -> c.complete).toList();
  }

  public List<String> completeNumbers() {
    return completeChunks().stream().map(Chunk::number).toList();
  }

  /** Frames of the complete chunks, in order. */
  public List<MediaFrame> completeFrames() {
    List<MediaFrame> all = new ArrayList<>();
    completeChunks().forEach(c -> all.addAll(c.frames));
    return all;
  }

  public static KvsStream read(InputStream in) throws Exception {
    return read(in, p -> false, c -> { });
  }

  /**
   * Reads until the stream ends or {@code stop} is true after an element; {@code onComplete} sees
   * each chunk once its closing Tags were read.
   */
  public static KvsStream read(InputStream in, Predicate<KvsStream> stop, Consumer<Chunk> onComplete) throws Exception {
    KvsStream result = new KvsStream();
    FragmentMetadataVisitor metadata = FragmentMetadataVisitor.create();
    FrameVisitor frames = FrameVisitor.create(new FrameVisitor.FrameProcessor() {
      @Override
      public void process(Frame frame, MkvTrackMetadata track, Optional<FragmentMetadata> fragment) {
        ByteBuffer b = frame.getFrameData();
        byte[] data = new byte[b.remaining()];
        b.get(data);
        MediaFrame f = new MediaFrame(frame.getTrackNumber(), data);
        result.frames.add(f);
        if (!result.chunks.isEmpty()) {
          result.chunks.get(result.chunks.size() - 1).frames.add(f);
        }
      }
    });
    MkvElementVisitor tracker = new MkvElementVisitor() {
      @Override
      public void visit(MkvStartMasterElement e) {
        if (MkvTypeInfos.CLUSTER.equals(e.getElementMetaData().getTypeInfo())) {
          metadata.getCurrentFragmentMetadata().ifPresent(m -> {
            if (result.chunks.isEmpty() || result.chunks.get(result.chunks.size() - 1).metadata != m) {
              result.chunks.add(new Chunk(m));
            }
          });
        }
      }

      @Override
      public void visit(MkvEndMasterElement e) {
        if (MkvTypeInfos.TAGS.equals(e.getElementMetaData().getTypeInfo()) && !result.chunks.isEmpty()) {
          Chunk c = result.chunks.get(result.chunks.size() - 1);
          if (!c.complete && c.metadata.getContinuationToken().isPresent()) {
            c.complete = true;
            onComplete.accept(c);
          }
        }
      }

      @Override
      public void visit(MkvDataElement e) {}
    };
    // the frame visitor after the tracker, so a cluster's frames land in the chunk it opened
    CompositeMkvElementVisitor all = new CompositeMkvElementVisitor(metadata, tracker, frames);
    StreamingMkvReader reader = StreamingMkvReader.createDefault(new InputStreamParserByteSource(in));
    while (reader.mightHaveNext()) {
      Optional<MkvElement> e = reader.nextIfAvailable();
      if (e.isPresent()) {
        e.get().accept(all);
        if (stop.test(result)) {
          break;
        }
      }
    }
    return result;
  }

  /** Stop once {@code n} chunks have been read completely. */
  static Predicate<KvsStream> afterChunks(int n) {
    return p -> p.completeChunks().size() >= n;
  }
}
