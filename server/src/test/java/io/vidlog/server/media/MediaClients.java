package io.vidlog.server.media;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.kinesisvideo.AmazonKinesisVideoPutMedia;
import com.amazonaws.services.kinesisvideo.AmazonKinesisVideoPutMediaClientBuilder;
import com.amazonaws.services.kinesisvideo.PutMediaAckResponseHandler;
import com.amazonaws.services.kinesisvideo.model.AckEvent;
import com.amazonaws.services.kinesisvideo.model.FragmentTimecodeType;
import com.amazonaws.services.kinesisvideo.model.PutMediaRequest;
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
final class MediaClients {
  private MediaClients() {}

  /** The endpoint GetDataEndpoint returns for {@code api} on {@code stream} (docs/wire-protocol.md §0). */
  static URI dataEndpoint(KinesisVideoClient kvs, String stream, APIName api) {
    return URI.create(kvs.getDataEndpoint(r -> r.streamName(stream).apiName(api)).dataEndpoint());
  }

  static UrlConnectionHttpClient trustAll() {
    return (UrlConnectionHttpClient) UrlConnectionHttpClient.builder()
        .tlsTrustManagersProvider(() -> TestServers.TRUST_ALL).build();
  }

  static KinesisVideoMediaClient media(URI endpoint, String key, String secret) {
    return KinesisVideoMediaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
        .httpClient(trustAll()).overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
  }

  static KinesisVideoArchivedMediaClient archived(URI endpoint, String key, String secret) {
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
    AmazonKinesisVideoPutMedia client = AmazonKinesisVideoPutMediaClientBuilder.standard()
        .withRegion("us-east-1").withEndpoint(endpoint)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(key, secret))).build();
    List<AckEvent> acks = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    try {
      client.putMedia(new PutMediaRequest().withStreamName(stream)
          .withFragmentTimecodeType(FragmentTimecodeType.RELATIVE).withProducerStartTimestamp(producerStart)
          .withPayload(new ByteArrayInputStream(mkv)), new PutMediaAckResponseHandler() {
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

  static byte[] resource(String name) throws Exception {
    try (InputStream in = MediaClients.class.getResourceAsStream("/media/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /media/" + name);
      }
      return in.readAllBytes();
    }
  }
}
