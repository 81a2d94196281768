package io.vidlog.playback.testing;

import com.amazonaws.kinesisvideo.parser.ebml.InputStreamParserByteSource;
import com.amazonaws.kinesisvideo.parser.ebml.MkvTypeInfos;
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
import com.amazonaws.kinesisvideo.parser.utilities.MkvTag;
import com.amazonaws.kinesisvideo.parser.utilities.MkvTrackMetadata;
import io.vidlog.kvs.KvsTag;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads a GetMedia / GetMediaForFragmentList body with the KVS parser library (docs/wire-protocol.md §8) the
 * way a KVS consumer does: {@code StreamingMkvReader} + {@code FragmentMetadataVisitor} +
 * {@code FrameVisitor}, and records what it saw per chunk.
 */
public final class KvsParse {

  /** What the parser library reported for one chunk. */
  public static final class Chunk {
    public final FragmentMetadata metadata;
    public final List<byte[]> frames = new ArrayList<>();
    public final List<Boolean> keyFrames = new ArrayList<>();
    public final Map<String, String> userTags = new LinkedHashMap<>();
    /** Every {@code AWS_KINESISVIDEO_*} SimpleTag of the chunk as sent, before and after its Cluster. */
    public final Map<String, String> kvsTags = new LinkedHashMap<>();
    public String codecId;
    /** True once the chunk's closing Tags (continuation token) were read. */
    public boolean complete;

    Chunk(FragmentMetadata metadata) {
      this.metadata = metadata;
    }

    public String number() {
      return metadata.getFragmentNumberString();
    }

    public Optional<String> token() {
      return metadata.getContinuationToken();
    }
  }

  public final List<Chunk> chunks = new ArrayList<>();

  /** Reads until the stream ends or {@code stop} is true after an element (then returns; the caller closes). */
  public static KvsParse read(InputStream in, Predicate<KvsParse> stop) throws Exception {
    KvsParse result = new KvsParse();
    FragmentMetadataVisitor metadata = FragmentMetadataVisitor.create(Optional.of(
        new FragmentMetadataVisitor.MkvTagProcessor() {
          @Override
          public void process(MkvTag tag, Optional<FragmentMetadata> fragment) {
            Chunk c = result.current();
            if (c != null) {
              c.userTags.put(tag.getTagName(), tag.getTagValue());
            }
          }
        }));
    FrameVisitor frames = FrameVisitor.create(new FrameVisitor.FrameProcessor() {
      @Override
      public void process(com.amazonaws.kinesisvideo.parser.mkv.Frame frame, MkvTrackMetadata track,
          Optional<FragmentMetadata> fragment) {
        Chunk c = result.current();
        ByteBuffer b = frame.getFrameData();
        byte[] data = new byte[b.remaining()];
        b.get(data);
        c.frames.add(data);
        c.keyFrames.add(frame.isKeyFrame());
        c.codecId = track.getCodecId();
      }
    });
    MkvElementVisitor tracker = new MkvElementVisitor() {
      @Override
      public void visit(MkvStartMasterElement e) {
        if (MkvTypeInfos.CLUSTER.equals(e.getElementMetaData().getTypeInfo())) {
          metadata.getCurrentFragmentMetadata().ifPresent(m -> {
            if (result.current() == null || result.current().metadata != m) {
              Chunk pending = result.pendingTags;
              Chunk c = new Chunk(m);
              if (pending != null) {
                c.userTags.putAll(pending.userTags);
                c.kvsTags.putAll(pending.kvsTags);
              }
              result.pendingTags = null;
              result.chunks.add(c);
            }
          });
        } else if (MkvTypeInfos.SEGMENT.equals(e.getElementMetaData().getTypeInfo())) {
          result.pendingTags = new Chunk(null);
        }
      }

      @Override
      public void visit(MkvEndMasterElement e) {
        Chunk c = result.current();
        if (MkvTypeInfos.TAGS.equals(e.getElementMetaData().getTypeInfo()) && c != null && c.metadata != null
            && c.token().isPresent()) {
          c.complete = true;
        }
      }

      private String tagName;

      @Override
      public void visit(MkvDataElement e) {
        if (MkvTypeInfos.TAGNAME.equals(e.getElementMetaData().getTypeInfo())) {
          tagName = (String) e.getValueCopy().getVal();
        } else if (MkvTypeInfos.TAGSTRING.equals(e.getElementMetaData().getTypeInfo()) && tagName != null
            && tagName.startsWith(KvsTag.RESERVED_PREFIX) && result.current() != null) {
          result.current().kvsTags.put(tagName, (String) e.getValueCopy().getVal());
        }
      }
    };
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

  private Chunk pendingTags;

  Chunk current() {
    if (pendingTags != null) {
      return pendingTags;
    }
    return chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
  }

  public long completeChunks() {
    return chunks.stream().filter(c -> c.complete).count();
  }

  /** Stop once {@code n} chunks have been read completely. */
  public static Predicate<KvsParse> afterChunks(int n) {
    return p -> p.completeChunks() >= n;
  }
}
