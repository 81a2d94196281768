package io.vidlog.producer;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of one vidlog server, or of Kinesis Video Streams itself (same wire,
 * docs/wire-protocol.md): endpoint, region, credentials and TLS trust, the control-plane calls a producer
 * and a reader need, and the factories of {@link StreamProducer} and {@link StreamReader}. Every
 * request is signed with SigV4 (service {@code kinesisvideo}). Data-plane endpoints come from
 * GetDataEndpoint, cached per stream and API, and asked again after a connection error.
 *
 * <pre>{@code
 * try (VidlogClient client = VidlogClient.builder()
 *     .endpoint("https://localhost:8443")
 *     .credentials(CredentialsProvider.defaultChain())
 *     .trust(Trust.pem(Path.of("vidlog-data/tls/cert.pem")))
 *     .build()) {
 *   ...
 * }
 * }</pre>
 *
 * Calls throw {@link ServiceException} when the service refuses them and {@link ConnectionException}
 * when it cannot be reached. Thread-safe; close it to stop the producers and readers it made.
 */
public final class VidlogClient implements AutoCloseable {
  private final ClientContext context;

  private VidlogClient(ClientContext context) {
    this.context = context;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The control-plane endpoint. */
  public URI endpoint() {
    return context.endpoint();
  }

  /** The region requests are signed for. */
  public String region() {
    return context.region();
  }

  // ---- streams (docs/wire-protocol.md §4) ----

  /** DescribeStream; ServiceException ResourceNotFoundException when it does not exist. */
  public StreamInfo describeStream(String streamName) {
    return context.controlPlane().describeStream(streamName);
  }

  /** DescribeStream, empty when the stream does not exist. */
  public Optional<StreamInfo> findStream(String streamName) {
    return context.controlPlane().findStream(streamName);
  }

  /** CreateStream; returns the new stream's ARN. ResourceInUseException when the name exists. */
  public String createStream(StreamSpec spec) {
    return context.controlPlane().createStream(spec);
  }

  /**
   * The KVS producer flow: DescribeStream; CreateStream when it does not exist (a concurrent creation
   * by someone else is fine); then DescribeStream until the status is ACTIVE.
   *
   * @throws ConnectionException when the stream is not ACTIVE within {@code timeout}
   */
  public StreamInfo ensureStream(StreamSpec spec, Duration timeout) {
    return context.controlPlane().ensureStream(spec, timeout);
  }

  /** ListStreams, every page; {@code namePrefix} null for all streams. */
  public List<StreamInfo> listStreams(String namePrefix) {
    return context.controlPlane().listStreams(namePrefix);
  }

  /** DeleteStream by name (its ARN and version are looked up first). */
  public void deleteStream(String streamName) {
    context.controlPlane().deleteStream(streamName);
  }

  /**
   * GetDataEndpoint, cached per stream and API; the base URL to which the API path is appended.
   */
  public URI dataEndpoint(String streamName, ApiName api) {
    return context.endpoints().get(streamName, api);
  }

  // ---- archived media (docs/wire-protocol.md §3) ----

  /**
   * ListFragments, every page, sorted by the selected timestamp then fragment number. Fragments are
   * listed when their start lies in {@code [from, to]}.
   */
  public List<FragmentInfo> listFragments(String streamName, TimestampType type, Instant from, Instant to) {
    return context.archive().listFragments(streamName, type, from, to);
  }

  /**
   * GetMediaForFragmentList: the fragments with these numbers, in this order, each parsed (in batches of
   * at most 1000 per request).
   */
  public void getMediaForFragmentList(String streamName, List<String> fragmentNumbers, FragmentHandler handler)
      throws java.io.IOException {
    context.archive().getMediaForFragmentList(streamName, fragmentNumbers, handler);
  }

  /**
   * GetHLSStreamingSessionURL at the stream's GET_HLS_STREAMING_SESSION_URL endpoint: the URL of the
   * session's master playlist, which any HLS player (hls.js, Safari, ffmpeg, VLC) opens without
   * credentials until the session expires.
   *
   * @throws ServiceException e.g. ResourceNotFoundException when no fragment is in the range (or, LIVE,
   *     none in the last 30 s), InvalidArgumentException for a range the service refuses
   */
  public URI hlsStreamingSessionUrl(HlsSessionRequest request) {
    return context.archive().hlsStreamingSessionUrl(request);
  }

  // ---- data plane ----

  /**
   * Starts a producer: runs the stream flow ({@link #ensureStream} when the config asks to create the
   * stream, else DescribeStream), asks for the PUT_MEDIA endpoint and opens the first connection in the
   * background. Frames may be put at once; they wait in the buffer until the connection is up.
   *
   * @throws ServiceException when the stream does not exist (and may not be created) or access is denied
   */
  public StreamProducer producer(ProducerConfig config) {
    return new StreamProducer(ProducerEngine.start(context, config));
  }

  /** A reader of one stream; nothing is requested before {@link StreamReader#run} or {@code readRange}. */
  public StreamReader reader(ReaderConfig config) {
    return new StreamReader(new ReaderEngine(context, config));
  }

  /** Aborts the producers this client made that are still open. */
  @Override
  public void close() {
    context.close();
  }

  /** Builds a {@link VidlogClient}. */
  public static final class Builder {
    private URI endpoint;
    private String region;
    private CredentialsProvider credentials;
    private Trust trust = Trust.system();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * The control-plane endpoint, e.g. {@code https://localhost:8443} or
     * {@code https://kinesisvideo.eu-west-1.amazonaws.com}. Default: the KVS endpoint of the region.
     */
    public Builder endpoint(URI uri) {
      this.endpoint = Objects.requireNonNull(uri, "endpoint");
      return this;
    }

    public Builder endpoint(String uri) {
      return endpoint(URI.create(uri));
    }

    /**
     * The region signatures are scoped to. Default: {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION},
     * else the {@code region} of the profile in the shared config file, else {@code us-east-1}.
     */
    public Builder region(String name) {
      this.region = Objects.requireNonNull(name, "region");
      return this;
    }

    /** Default: {@link CredentialsProvider#defaultChain()}. */
    public Builder credentials(CredentialsProvider provider) {
      this.credentials = Objects.requireNonNull(provider, "credentials");
      return this;
    }

    /** Default: {@link Trust#system()}. */
    public Builder trust(Trust t) {
      this.trust = Objects.requireNonNull(t, "trust");
      return this;
    }

    /** TCP connect and TLS handshake timeout. Default 5 s. */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** How long a control-plane or ListFragments call may wait for its response. Default 30 s. */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = Objects.requireNonNull(d);
      return this;
    }

    public VidlogClient build() {
      String r = region != null ? region : AwsConfigFiles.defaultRegion(System.getenv());
      URI e = endpoint != null ? endpoint : URI.create("https://kinesisvideo." + r + ".amazonaws.com");
      CredentialsProvider c = credentials != null ? credentials : CredentialsProvider.defaultChain();
      return new VidlogClient(new ClientContext(e, r, c, trust, connectTimeout, requestTimeout));
    }
  }
}
