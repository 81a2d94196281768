package io.vidlog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.kinesisvideo.AmazonKinesisVideoPutMedia;
import com.amazonaws.services.kinesisvideo.AmazonKinesisVideoPutMediaClientBuilder;
import com.amazonaws.services.kinesisvideo.PutMediaAckResponseHandler;
import com.amazonaws.services.kinesisvideo.model.AckEvent;
import com.amazonaws.services.kinesisvideo.model.FragmentTimecodeType;
import com.amazonaws.services.kinesisvideo.model.PutMediaRequest;
import io.vidlog.fragmentstore.streams.StreamInfo;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AWS's own PutMedia client (AWS SDK for Java v1, {@code AmazonKinesisVideoPutMediaClient}) uploads
 * an MKV file to vidlog with an endpoint override and receives every PERSISTED ack through its own
 * ack handler (docs/wire-protocol.md §1.1 "What AWS's own Java PutMedia client sends").
 */
class AwsV1PutMediaIT {
  private IngestServer server;
  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path dataDir;

  @BeforeEach
  void start() throws Exception {
    server = new IngestServer(IngestConfig.DEFAULT, dataDir);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void awsPutMediaClientGetsEveryPersistedAck() throws Exception {
    StreamInfo stream = server.streams.add("aws-v1", 24);
    byte[] mkv = Uploads.resource("ffmpeg-live-av.mkv");
    AmazonKinesisVideoPutMedia client = AmazonKinesisVideoPutMediaClientBuilder.standard()
        .withRegion("us-east-1")
        .withEndpoint(URI.create("http://127.0.0.1:" + server.port()))
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials("AKIDEXAMPLE", "secret")))
        .build();
    List<AckEvent> acks = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      client.putMedia(new PutMediaRequest()
          .withStreamName("aws-v1")
          .withFragmentTimecodeType(FragmentTimecodeType.RELATIVE)
          .withProducerStartTimestamp(new Date(1_700_000_000_000L))
          .withPayload(new ByteArrayInputStream(mkv)), new PutMediaAckResponseHandler() {
            @Override
            public void onAckEvent(AckEvent event) {
              acks.add(event);
            }

            @Override
            public void onFailure(Throwable t) {
              done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
              done.complete(null);
            }
          });
      done.get(60, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
    List<AckEvent> persisted = acks.stream().filter(a -> "PERSISTED".equals(a.getAckEventType().toString())).toList();
    assertEquals(4, persisted.size(), acks::toString);
    assertEquals(List.of(128L, 1024L, 1792L, 2828L), persisted.stream().map(AckEvent::getFragmentTimecode).toList());
    assertNull(acks.stream().filter(a -> a.getErrorId() != null).findFirst().orElse(null));
    assertEquals(persisted.stream().map(AckEvent::getFragmentNumber).toList(),
        server.stores.records(stream).stream().map(r -> r.number().value()).toList());
    // the client sends ISO-8601 start timestamps: RELATIVE = start + cluster timecode
    assertEquals(1_700_000_000_128L, server.stores.records(stream).get(0).producerTimestampMillis());
  }
}
