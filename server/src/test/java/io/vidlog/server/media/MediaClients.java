package io.vidlog.server.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.kinesisvideo.AmazonKinesisVideoPutMedia;
import com.amazonaws.services.kinesisvideo.AmazonKinesisVideoPutMediaClientBuilder;
import com.amazonaws.services.kinesisvideo.PutMediaAckResponseHandler;
import com.amazonaws.services.kinesisvideo.model.AckEvent;
import com.amazonaws.services.kinesisvideo.model.FragmentTimecodeType;
import com.amazonaws.services.kinesisvideo.model.PutMediaRequest;
import io.vidlog.server.keys.AdminCredentials;
import io.vidlog.server.support.FfmpegPutMedia;
import io.vidlog.server.support.TestServers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;

/** SDK clients for the media routes of a real server, built as KVS clients build them. */
public final class MediaClients {
  private MediaClients() {}

  /** The endpoint GetDataEndpoint returns for {@code api} on {@code stream} (docs/wire-protocol.md §0). */
  public static URI dataEndpoint(KinesisVideoClient kvs, String stream, APIName api) {
    return URI.create(kvs.getDataEndpoint(r -> r.streamName(stream).apiName(api)).dataEndpoint());
  }

  static UrlConnectionHttpClient trustAll() {
    return (UrlConnectionHttpClient) UrlConnectionHttpClient.builder()
        .tlsTrustManagersProvider(() -> TestServers.TRUST_ALL).build();
  }

  public static KinesisVideoMediaClient media(URI endpoint, String key, String secret) {
    return KinesisVideoMediaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
        .httpClient(trustAll()).overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
  }

  public static KinesisVideoArchivedMediaClient archived(URI endpoint, String key, String secret) {
    return KinesisVideoArchivedMediaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
        .httpClient(trustAll()).overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
  }

  /**
   * Makes the JVM's default trust store hold only the server's self-signed certificate: AWS's v1
   * PutMedia client builds its Netty SslContext from the default trust managers and checks the host
   * name (HTTPS endpoint identification), so it gets real TLS verification against 127.0.0.1.
   */
  static void trustServerCertificate(Path dataDir, Path work) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(dataDir.resolve("tls").resolve("cert.pem"))) {
      ks.setCertificateEntry("vidlog", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    Path store = work.resolve("truststore.p12");
    try (OutputStream out = Files.newOutputStream(store)) {
      ks.store(out, "changeit".toCharArray());
    }
    System.setProperty("javax.net.ssl.trustStore", store.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
  }

  /** What AWS's PutMedia client reported for one upload. */
  record Upload(List<AckEvent> acks, Throwable failure) {
    List<AckEvent> ofType(String type) {
      return acks.stream().filter(a -> type.equals(String.valueOf(a.getAckEventType()))).toList();
    }
  }

  /**
   * Uploads {@code mkv} with AWS's own v1 {@code AmazonKinesisVideoPutMediaClient} (docs/wire-protocol.md §1.1)
   * and collects every ack through its {@code PutMediaAckResponseHandler}.
   */
  static Upload putMedia(URI endpoint, String key, String secret, String stream, byte[] mkv, Date producerStart)
      throws Exception {
    return putMedia(endpoint, key, secret, stream, new ByteArrayInputStream(mkv), producerStart);
  }

  /**
   * Uploads an MKV file at a camera's pace: an HTTP/1.1 chunked PutMedia over TLS, signed like
   * ffmpeg's ({@link #ffmpegPutMediaHeaders}), each Cluster sent when its timecode comes, so
   * fragments arrive, and get server timestamps, as far apart as the producer timed them (AWS's
   * PutMedia client signs its body in large chunks and sends a small file at once). Returns the
   * acknowledgement lines, read until the server ends the response. The MKV must have millisecond
   * timecodes (ffmpeg's default).
   */
  public static List<String> putMediaPaced(URI endpoint, AdminCredentials admin, String stream, byte[] mkv) throws Exception {
    return putMediaPaced(endpoint, admin, stream, mkv, ack -> { });
  }

  /**
   * As {@link #putMediaPaced(URI, AdminCredentials, String, byte[])}, telling {@code onAck} each
   * acknowledgement line the moment it arrives (a reader thread reads them while the upload goes on),
   * so a caller whose connection breaks mid-upload still knows what was acknowledged.
   */
  public static List<String> putMediaPaced(URI endpoint, AdminCredentials admin, String stream, byte[] mkv,
      java.util.function.Consumer<String> onAck) throws Exception {
    return putMediaPaced(endpoint, admin, stream, mkv, 1, onAck);
  }

  /**
   * As {@link #putMediaPaced(URI, AdminCredentials, String, byte[], java.util.function.Consumer)},
   * the file sent {@code times} times back to back on the one connection, each copy a new MKV
   * stream (docs/wire-protocol.md §1.1) paced as if it followed the previous one: a camera's long
   * PutMedia connection.
   */
  public static List<String> putMediaPaced(URI endpoint, AdminCredentials admin, String stream, byte[] mkv,
      int times, java.util.function.Consumer<String> onAck) throws Exception {
    List<long[]> clusters = clusters(mkv);
    // one copy lasts from its first Cluster to its last plus one Cluster's length
    long span = clusters.get(clusters.size() - 1)[1] - clusters.get(0)[1]
        + (clusters.size() > 1 ? clusters.get(clusters.size() - 1)[1] - clusters.get(clusters.size() - 2)[1] : 1_000);
    List<Piece> pieces = new java.util.ArrayList<>();
    for (int copy = 0; copy < times; copy++) {
      // EBML header, Segment, Info, Tracks: with the first Cluster's due time (the first copy's at once)
      pieces.add(new Piece(0, (int) clusters.get(0)[0], copy * span));
      for (int k = 0; k < clusters.size(); k++) {
        int to = k + 1 < clusters.size() ? (int) clusters.get(k + 1)[0] : mkv.length;
        pieces.add(new Piece((int) clusters.get(k)[0], to, copy * span + clusters.get(k)[1] - clusters.get(0)[1]));
      }
    }
    return sendPaced(endpoint, admin, stream, "", mkv, pieces, onAck);
  }

  /**
   * An MP4 (docs/wire-protocol.md §1.1 "MP4 body") uploaded at a camera's pace on one PutMedia
   * connection with {@code Content-Type: video/mp4}. A fragmented MP4: {@code ftyp} and
   * {@code moov} at once, then each {@code moof}+{@code mdat} pair {@code fragmentMillis} after the
   * previous one (the fixture's key frame interval), then what follows the last pair. A progressive
   * MP4 (no {@code moof}), as over a slow uplink: in three equal parts {@code fragmentMillis} apart.
   * Returns the acknowledgement lines, telling {@code onAck} each as it arrives.
   */
  public static List<String> putMp4Paced(URI endpoint, AdminCredentials admin, String stream, byte[] mp4,
      long fragmentMillis, java.util.function.Consumer<String> onAck) throws Exception {
    List<Integer> moofs = new java.util.ArrayList<>();
    for (int at = 0; at + 8 <= mp4.length; ) {
      long size = java.nio.ByteBuffer.wrap(mp4, at, 4).getInt() & 0xffffffffL;
      String type = new String(mp4, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
      assertTrue(size >= 8 && at + size <= mp4.length, "a top-level box of 32-bit size at " + at);
      if (type.equals("moof")) {
        moofs.add(at);
      }
      at += (int) size;
    }
    List<Piece> pieces = new java.util.ArrayList<>();
    if (moofs.isEmpty()) {
      int third = mp4.length / 3;
      pieces.add(new Piece(0, third, 0));
      pieces.add(new Piece(third, 2 * third, fragmentMillis));
      pieces.add(new Piece(2 * third, mp4.length, 2 * fragmentMillis));
    } else {
      pieces.add(new Piece(0, moofs.get(0), 0));
      for (int k = 0; k < moofs.size(); k++) {
        pieces.add(new Piece(moofs.get(k), k + 1 < moofs.size() ? moofs.get(k + 1) : mp4.length,
            k * fragmentMillis));
      }
    }
    return sendPaced(endpoint, admin, stream, "Content-Type: video/mp4\r\n", mp4, pieces, onAck);
  }

  /** Bytes [from, to) of a body, sent {@code dueMillis} after the server accepted the request. */
  private record Piece(int from, int to, long dueMillis) {}

  /**
   * An HTTP/1.1 chunked PutMedia over TLS, signed like ffmpeg's ({@link #ffmpegPutMediaHeaders}):
   * the first piece goes with the request, each further one when it is due, counted from the
   * server's 200 (so connection set-up does not delay the first fragment's server timestamp behind
   * the others). A reader thread reads the ack lines until the server ends the response.
   */
  private static List<String> sendPaced(URI endpoint, AdminCredentials admin, String stream, String extraHeaders,
      byte[] body, List<Piece> pieces, java.util.function.Consumer<String> onAck) throws Exception {
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, TestServers.TRUST_ALL, new java.security.SecureRandom());
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ssl.getSocketFactory()
        .createSocket(endpoint.getHost(), endpoint.getPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      String head = "POST /putMedia HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort() + "\r\n"
          + ffmpegPutMediaHeaders(endpoint, admin, stream) + extraHeaders
          + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      chunk(out, body, pieces.get(0).from(), pieces.get(0).to());
      InputStream in = socket.getInputStream();
      StringBuilder status = new StringBuilder();
      for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
        status.append((char) c);
      }
      assertTrue(status.toString().startsWith("HTTP/1.1 200"), status.toString());
      List<String> acks = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        try {
          java.io.BufferedReader lines = new java.io.BufferedReader(
              new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
          for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("{")) {
              acks.add(line);
              onAck.accept(line);
            }
          }
        } catch (java.io.IOException e) {
          // the connection broke: what arrived before is in acks
        }
      }, "acks-" + stream);
      reader.start();
      try {
        long start = System.nanoTime();
        for (Piece p : pieces.subList(1, pieces.size())) {
          long wait;
          while ((wait = p.dueMillis() * 1_000_000L - (System.nanoTime() - start)) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
          chunk(out, body, p.from(), p.to());
        }
        out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
      } finally {
        reader.join(60_000);
      }
      return List.copyOf(acks);
    }
  }

  private static void chunk(OutputStream out, byte[] data, int from, int to) throws java.io.IOException {
    out.write((Integer.toHexString(to - from) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(data, from, to - from);
    out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Offset and timecode of each Cluster of an MKV file written by ffmpeg (a CRC-32 element, then the Timecode). */
  private static List<long[]> clusters(byte[] data) {
    List<long[]> out = new java.util.ArrayList<>();
    for (int i = 0; i + 4 < data.length; i++) {
      if ((data[i] & 0xff) == 0x1F && (data[i + 1] & 0xff) == 0x43 && (data[i + 2] & 0xff) == 0xB6
          && (data[i + 3] & 0xff) == 0x75) {
        int p = i + 4 + Integer.numberOfLeadingZeros(data[i + 4] & 0xff) - 23; // past the Cluster's size
        if ((data[p] & 0xff) == 0xBF) { // CRC-32: id, size 0x84, 4 bytes
          p += 6;
        }
        if ((data[p] & 0xff) == 0xE7) {
          int n = data[p + 1] & 0x7f;
          long tc = 0;
          for (int k = 0; k < n; k++) {
            tc = tc << 8 | data[p + 2 + k] & 0xff;
          }
          out.add(new long[] {i, tc});
        }
      }
    }
    assertTrue(out.size() > 1, "an MKV of several Clusters with their Timecodes");
    return out;
  }

  static Upload putMedia(URI endpoint, String key, String secret, String stream, InputStream payload,
      Date producerStart) throws Exception {
    AmazonKinesisVideoPutMedia client = AmazonKinesisVideoPutMediaClientBuilder.standard()
        .withRegion("us-east-1").withEndpoint(endpoint)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(key, secret))).build();
    List<AckEvent> acks = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    try {
      client.putMedia(new PutMediaRequest().withStreamName(stream)
          .withFragmentTimecodeType(FragmentTimecodeType.RELATIVE).withProducerStartTimestamp(producerStart)
          .withPayload(payload), new PutMediaAckResponseHandler() {
            @Override
            public void onAckEvent(AckEvent event) {
              acks.add(event);
            }

            @Override
            public void onFailure(Throwable t) {
              done.complete(t);
            }

            @Override
            public void onComplete() {
              done.complete(null);
            }
          });
      Throwable failure = done.get(60, TimeUnit.SECONDS);
      return new Upload(List.copyOf(acks), failure);
    } finally {
      client.close();
    }
  }

  public static byte[] resource(String name) throws Exception {
    try (InputStream in = MediaClients.class.getResourceAsStream("/media/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /media/" + name);
      }
      return in.readAllBytes();
    }
  }

  /**
   * SigV4 headers for ffmpeg's POST, signed by AWS's own v2 signer over only what ffmpeg sends
   * unchanged: Host ({@code 127.0.0.1:PORT}, which ffmpeg writes itself), x-amz-date,
   * x-amz-content-sha256 and the x-amzn-* PutMedia headers. Returned as ffmpeg's {@code -headers}
   * value ("Name: value\r\n" pairs), without Host.
   */
  static String ffmpegPutMediaHeaders(URI endpoint, AdminCredentials admin, String stream) {
    return FfmpegPutMedia.signedHeaders(endpoint, admin.accessKeyId(), admin.secretAccessKey(),
        Map.of("x-amzn-stream-name", stream, "x-amzn-fragment-timecode-type", "RELATIVE"));
  }
}
