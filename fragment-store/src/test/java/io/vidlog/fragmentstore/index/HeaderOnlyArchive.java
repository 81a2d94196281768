package io.vidlog.fragmentstore.index;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.chunk.ChunkHeader;
import io.vidlog.fragmentstore.chunk.FragmentArchive;
import io.vidlog.fragmentstore.object.ObjectInfo;
import io.vidlog.fragmentstore.object.ObjectStore;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A FragmentArchive test double that keeps only chunk headers, as JSON objects at the real chunk
 * keys ({@code streams/<streamId>/chunks/<number>}) of an ObjectStore, so an index rebuilt through a
 * fresh instance reads nothing but the store. The real archive (sealed MKV chunks) is in the chunk
 * package.
 */
public class HeaderOnlyArchive implements FragmentArchive {
  private final ObjectStore store;
  private int headerReads;

  public HeaderOnlyArchive(ObjectStore store) {
    this.store = store;
  }

  public synchronized int headerReads() {
    return headerReads;
  }

  static String prefix(StreamInfo s) {
    return "streams/" + s.streamId() + "/chunks/";
  }

  /** Stores a chunk (its header only). */
  public Future<Void> put(StreamInfo s, ChunkHeader h) {
    JsonArray tracks = new JsonArray();
    h.tracks().forEach(t -> tracks.add(new JsonObject().put("n", t.trackNumber()).put("c", t.codecId()).put("f", t.frameCount())));
    JsonArray meta = new JsonArray();
    h.metadata().forEach(m -> meta.add(new JsonObject().put("n", m.name()).put("v", m.value())));
    JsonObject o = new JsonObject().put("number", h.number().value()).put("server", h.serverTimestampMillis())
        .put("producer", h.producerTimestampMillis()).put("duration", h.durationMillis())
        .put("timecode", h.clusterTimecode()).put("tracks", tracks).put("meta", meta)
        .put("clusterOffset", h.clusterOffset()).put("mkvLength", h.mkvLength());
    return store.put(prefix(s) + h.number().value(), o.toBuffer());
  }

  @Override
  public ChunkWriter begin(StreamInfo stream, FragmentNumber number) {
    throw new UnsupportedOperationException("header-only test archive");
  }

  @Override
  public Future<ChunkReader> open(StreamInfo stream, FragmentNumber number) {
    return header(stream, number).map(h -> new ChunkReader() {
      @Override
      public ChunkHeader header() {
        return h;
      }

      @Override
      public io.vertx.core.streams.ReadStream<Buffer> mkv() {
        throw new UnsupportedOperationException("header-only test archive");
      }
    });
  }

  @Override
  public Future<ChunkHeader> header(StreamInfo stream, FragmentNumber number) {
    synchronized (this) {
      headerReads++;
    }
    return store.get(prefix(stream) + number.value()).map(b -> {
      JsonObject o = b.toJsonObject();
      List<ChunkHeader.TrackSummary> tracks = new ArrayList<>();
      o.getJsonArray("tracks").forEach(t -> {
        JsonObject j = (JsonObject) t;
        tracks.add(new ChunkHeader.TrackSummary(j.getInteger("n"), j.getString("c"), j.getInteger("f")));
      });
      List<ChunkHeader.Metadata> meta = new ArrayList<>();
      o.getJsonArray("meta").forEach(m -> {
        JsonObject j = (JsonObject) m;
        meta.add(new ChunkHeader.Metadata(j.getString("n"), j.getString("v")));
      });
      return new ChunkHeader(new FragmentNumber(o.getString("number")), o.getLong("server"), o.getLong("producer"),
          o.getLong("duration"), o.getLong("timecode"), tracks, meta, o.getLong("clusterOffset"), o.getLong("mkvLength"));
    });
  }

  @Override
  public Future<List<FragmentNumber>> list(StreamInfo stream, FragmentNumber after, int max) {
    return store.list(prefix(stream), after == null ? null : prefix(stream) + after.value(), max)
        .map(infos -> {
          List<FragmentNumber> out = new ArrayList<>();
          for (ObjectInfo i : infos) {
            out.add(new FragmentNumber(i.key().substring(prefix(stream).length())));
          }
          return out;
        });
  }

  @Override
  public Future<Void> delete(StreamInfo stream, FragmentNumber number) {
    return store.delete(prefix(stream) + number.value());
  }
}
