package io.vidlog.bench.store;

import io.vertx.core.Vertx;
import io.vidlog.fragmentstore.crypto.Crypto;
import io.vidlog.fragmentstore.crypto.Keyring;
import io.vidlog.fragmentstore.crypto.ScopeKeys;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.crypto.StreamingSeal;
import io.vidlog.fragmentstore.object.MemoryObjectStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Seal + unseal of one 2 MB chunk body: vidlog's segmented format (per-object HKDF key, 64 KiB
 * AES-256-GCM segments, as {@code SealedFragmentArchive} does it) against raw JDK AES-256-GCM on
 * the same 2 MB, in the same run: in one call each way, in 64 KiB update slices, and as 32
 * independent 64 KiB messages (the pure-crypto cost of the segmented format). Target: ours ≥ 80 % of raw.
 * Throughput in GB/s = ops/s × 2 MB (each op encrypts and decrypts 2 MB once).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ChunkSealBench -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChunkSealBench {
  static final int SIZE = 2 * 1024 * 1024;
  private static final int SEG = StreamingSeal.SEGMENT_SIZE;

  private Vertx vertx;
  private ScopeKeys keys;
  private final SealContext context = new SealContext("bench-stream", "chunk", "00000000000000000001");
  private byte[] plain;
  private byte[] sealed;
  private byte[] opened;
  private Cipher raw;
  private SecretKeySpec rawKey;
  private byte[] rawOut;
  private byte[] rawBack;
  private long counter;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    vertx = Vertx.vertx();
    byte[] master = new byte[32];
    new SecureRandom().nextBytes(master);
    Crypto crypto = Crypto.open(vertx, new MemoryObjectStore(), Keyring.of(Base64.getEncoder().encodeToString(master),
        List.of()));
    keys = crypto.keys(context.scope()).toCompletionStage().toCompletableFuture().get();
    crypto.warmUp().toCompletionStage().toCompletableFuture().get();
    plain = new byte[SIZE];
    new SecureRandom().nextBytes(plain);
    int segments = (SIZE + SEG - 1) / SEG;
    sealed = new byte[SIZE + segments * StreamingSeal.TAG_BYTES];
    opened = new byte[SIZE];
    raw = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    rawKey = new SecretKeySpec(k, "AES");
    rawOut = new byte[SIZE + 16];
    rawBack = new byte[SIZE];
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  /** vidlog's chunk format: new per-object key (HKDF), 32 sealed 64 KiB segments, then opened back. */
  @Benchmark
  public byte[] vidlogSegmentedSealAndOpen() {
    StreamingSeal w = keys.chunkSealer(context);
    int out = 0;
    int index = 0;
    for (int pos = 0; pos < SIZE; pos += SEG) {
      out += w.seal(index++, false, null, plain, pos, Math.min(SEG, SIZE - pos), sealed, out);
    }
    StreamingSeal r = keys.chunkOpener(context, w.prefix());
    int in = 0;
    index = 0;
    for (int pos = 0; pos < SIZE; pos += SEG) {
      int len = Math.min(SEG, SIZE - pos) + StreamingSeal.TAG_BYTES;
      r.open(index++, false, null, sealed, in, len, opened, pos);
      in += len;
    }
    return opened;
  }

  /**
   * The baseline fed as docs/dependencies.md §Pitfalls, "AES-GCM" recommends for the JDK's GCM intrinsic: one AES-256-GCM
   * message of 2 MB each way, passed in 64 KiB {@code update} slices, then {@code doFinal}.
   */
  @Benchmark
  public byte[] rawJdkAesGcmSliced() throws Exception {
    byte[] nonce = nonce();
    raw.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
    int n = 0;
    for (int pos = 0; pos < SIZE; pos += SEG) {
      n += raw.update(plain, pos, SEG, rawOut, n);
    }
    n += raw.doFinal(rawOut, n);
    raw.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
    int m = 0;
    for (int pos = 0; pos < n; pos += SEG) {
      m += raw.update(rawOut, pos, Math.min(SEG, n - pos), rawBack, m);
    }
    raw.doFinal(rawBack, m);
    return rawBack;
  }

  /**
   * The pure-crypto baseline for vidlog's segmented format: the same 2 MB as 32 JDK AES-256-GCM
   * messages of 64 KiB under one fixed key (no HKDF, no header, no per-segment nonce/AAD
   * construction): what the segmented seal would cost with zero overhead of its own.
   */
  @Benchmark
  public byte[] rawJdkAesGcm64KiBMessages() throws Exception {
    byte[] nonce = nonce();
    int out = 0;
    for (int pos = 0; pos < SIZE; pos += SEG) {
      nonce[11] = (byte) (pos / SEG);
      raw.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
      out += raw.doFinal(plain, pos, SEG, sealed, out);
    }
    int in = 0;
    for (int pos = 0; pos < SIZE; pos += SEG) {
      nonce[11] = (byte) (pos / SEG);
      raw.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
      raw.doFinal(sealed, in, SEG + 16, rawBack, pos);
      in += SEG + 16;
    }
    return rawBack;
  }

  private byte[] nonce() {
    byte[] nonce = new byte[12];
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[i] = (byte) (c >>> (8 * i));
    }
    return nonce;
  }

  /**
   * The baseline: one JDK AES-256-GCM encryption and one decryption of the same 2 MB, one call each.
   * On JDK 17 this stays on the slow (non-intrinsic) path in a JMH fork: 2 MB calls are too few for
   * C2 to compile the GCM intrinsic callers with the large-input branch (docs/dependencies.md §Pitfalls, "AES-GCM"),
   * which is why vidlog feeds the cipher fixed 64 KiB segments.
   */
  @Benchmark
  public byte[] rawJdkAesGcm() throws Exception {
    byte[] nonce = nonce();
    raw.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
    int n = raw.doFinal(plain, 0, SIZE, rawOut, 0);
    raw.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
    raw.doFinal(rawOut, 0, n, rawBack, 0);
    return rawBack;
  }
}
