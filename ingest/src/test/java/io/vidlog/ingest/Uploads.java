package io.vidlog.ingest;

import io.vertx.core.json.JsonObject;
import io.vidlog.media.mkv.MkvFrame;
import io.vidlog.media.mkv.MkvHandler;
import io.vidlog.media.mkv.MkvReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A plain HTTP producer (JDK HttpClient, chunked body) and helpers to compare frames. */
final class Uploads {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private Uploads() {}

  /** What the server answered: the status and, for 200, the ack lines parsed. */
  record Result(int status, List<JsonObject> acks, String errorBody) {
    List<String> types() {
      return acks.stream().map(a -> a.getString("EventType")).toList();
    }

    List<JsonObject> ofType(String type) {
      return acks.stream().filter(a -> type.equals(a.getString("EventType"))).toList();
    }
  }

  static Result upload(URI uri, String stream, byte[] body) {
    return upload(uri, Map.of("x-amzn-stream-name", stream, "x-amzn-fragment-timecode-type", "RELATIVE",
        "x-amzn-producer-start-timestamp", "1700000000.000"), () -> new ByteArrayInputStream(body));
  }

  static Result upload(URI uri, Map<String, String> headers, Supplier<InputStream> body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofInputStream(body));
    headers.forEach(b::header);
    try {
      HttpResponse<java.util.stream.Stream<String>> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      List<String> lines = r.body().toList();
      if (r.statusCode() != 200) {
        return new Result(r.statusCode(), List.of(), String.join("\n", lines));
      }
      List<JsonObject> acks = new ArrayList<>();
      for (String l : lines) {
        if (!l.isBlank()) {
          acks.add(new JsonObject(l));
        }
      }
      return new Result(200, acks, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One frame as a consumer sees it: track, absolute timestamp, key flag and bytes. */
  record Frame(int track, long timecodeNs, boolean key, String hex) {}

  static List<Frame> frames(byte[] mkv) {
    List<Frame> out = new ArrayList<>();
    MkvReader reader = new MkvReader(new MkvHandler() {
      @Override
      public void onFrame(MkvFrame f) {
        byte[] b = new byte[f.payload().remaining()];
        f.payload().duplicate().get(b);
        out.add(new Frame(f.trackNumber(), f.timecodeNs(), f.keyFrame(), HexFormat.of().formatHex(b)));
      }
    });
    reader.feed(mkv, 0, mkv.length);
    reader.end();
    return out;
  }

  static byte[] resource(String name) {
    try (InputStream in = Uploads.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
