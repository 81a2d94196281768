package io.vidlog.fragmentstore.object;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code s3} backend on minio-java 8.6 (the only class in vidlog that imports {@code io.minio}).
 * minio's client is blocking, so every call runs on the worker pool {@code vidlog-store-s3}, and
 * its nine checked exceptions become one {@link StoreException} with a kind ({@link #map}).
 * Objects are written without user metadata: nothing about the media travels outside the sealed
 * bytes.
 */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
  private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject", "NotFound",
      "NoSuchVersion");
  private static final Set<String> DENIED = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
      "AllAccessDisabled", "AccountProblem", "ExpiredToken", "InvalidToken");
  private static final Set<String> UNAVAILABLE = Set.of("SlowDown", "ServiceUnavailable", "InternalError",
      "RequestTimeout", "Busy", "XMinioServerNotInitialized");
  private static final Set<String> CONFLICT = Set.of("PreconditionFailed", "OperationAborted", "BucketNotEmpty",
      "ConditionalRequestConflict");
  private static final String CONTENT_TYPE = "application/octet-stream";

  private final S3Config config;
  private final OkHttpClient http;
  private final MinioClient client;
  private final WorkerExecutor workers;

  private S3ObjectStore(Vertx vertx, S3Config config) {
    this.config = config;
    this.http = S3Http.client(config);
    MinioClient c = MinioClient.builder().endpoint(config.endpoint()).region(config.region())
        .credentials(config.accessKey(), config.secretKey()).httpClient(http).build();
    if (config.pathStyle()) {
      c.disableVirtualStyleEndpoint();
    } else {
      c.enableVirtualStyleEndpoint();
    }
    this.client = c;
    this.workers = vertx.createSharedWorkerExecutor("vidlog-store-s3", config.workerThreads());
  }

  /** Connects and creates the bucket when it does not exist yet. */
  public static Future<S3ObjectStore> open(Vertx vertx, S3Config config) {
    S3ObjectStore store;
    try {
      store = new S3ObjectStore(vertx, config);
    } catch (RuntimeException e) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID, "s3 configuration: " + e.getMessage(), e));
    }
    return store.ensureBucket().map(v -> store).onFailure(e -> store.close());
  }

  private Future<Void> ensureBucket() {
    return blocking("create bucket", config.bucket(), () -> {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
        try {
          client.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).region(config.region()).build());
          LOG.info("created bucket {} on {}", config.bucket(), config.endpoint());
        } catch (ErrorResponseException e) {
          String code = e.errorResponse().code();
          if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
            throw e;
          }
        }
      }
      return null;
    });
  }

  @Override
  public Future<Void> put(String key, Buffer data) {
    return blocking("put", key, () -> {
      ObjectKeys.check(key);
      byte[] bytes = data.getBytes();
      client.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(key)
          .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(CONTENT_TYPE).build());
      return null;
    });
  }

  @Override
  public Future<Void> putFile(String key, Path file) {
    return blocking("putFile", key, () -> {
      ObjectKeys.check(key);
      client.uploadObject(UploadObjectArgs.builder().bucket(config.bucket()).object(key)
          .filename(file.toString(), S3Http.partSize(Files.size(file))).contentType(CONTENT_TYPE).build());
      Files.deleteIfExists(file);
      return null;
    });
  }

  @Override
  public Future<Buffer> get(String key) {
    return blocking("get", key, () -> {
      ObjectKeys.check(key);
      try (GetObjectResponse r = client.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key).build())) {
        return Buffer.buffer(r.readAllBytes());
      }
    });
  }

  @Override
  public Future<Buffer> getRange(String key, long offset, long length) {
    if (offset < 0 || length < 0) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "invalid range offset=" + offset + " length=" + length + " for " + key));
    }
    if (length == 0) {
      return stat(key).map(i -> Buffer.buffer());
    }
    return blocking("getRange", key, () -> {
      ObjectKeys.check(key);
      try (GetObjectResponse r = client.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key)
          .offset(offset).length(length).build())) {
        byte[] b = r.readAllBytes();
        if (b.length > length) {
          // a server that ignored the Range header sent the whole object
          return Buffer.buffer().appendBytes(b, (int) Math.min(offset, b.length),
              (int) Math.min(length, Math.max(0, b.length - offset)));
        }
        return Buffer.buffer(b);
      } catch (ErrorResponseException e) {
        if ("InvalidRange".equals(e.errorResponse().code())) {
          return Buffer.buffer(); // offset at or past the end (or an empty object)
        }
        throw e;
      } catch (IOException e) {
        // Some servers (s3rver) send a broken 206 for a range past the end of the object; if that is
        // what happened, the answer is simply "no bytes".
        StatObjectResponse s = client.statObject(StatObjectArgs.builder().bucket(config.bucket()).object(key).build());
        if (s.size() <= offset) {
          return Buffer.buffer();
        }
        throw e;
      }
    });
  }

  @Override
  public Future<ObjectInfo> stat(String key) {
    return blocking("stat", key, () -> {
      ObjectKeys.check(key);
      StatObjectResponse s = client.statObject(StatObjectArgs.builder().bucket(config.bucket()).object(key).build());
      return new ObjectInfo(key, s.size(), s.lastModified() == null ? 0 : s.lastModified().toInstant().toEpochMilli());
    });
  }

  @Override
  public Future<List<ObjectInfo>> list(String prefix, String startAfter, int max) {
    return blocking("list", prefix, () -> {
      ObjectKeys.checkPrefix(prefix);
      List<ObjectInfo> out = new ArrayList<>();
      if (max <= 0) {
        return out;
      }
      ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(config.bucket()).prefix(prefix).recursive(true)
          .maxKeys(Math.min(max, 1000));
      if (startAfter != null && !startAfter.isEmpty()) {
        args.startAfter(startAfter);
      }
      // The Iterable pages lazily (ListObjectsV2 with continuation tokens); each Result.get() may throw
      // minio's checked exceptions for the page it fetched.
      for (Result<Item> r : client.listObjects(args.build())) {
        Item item = r.get();
        if (item.isDir()) {
          continue;
        }
        String key = item.objectName();
        if (startAfter != null && key.compareTo(startAfter) <= 0) {
          continue; // servers that ignore start-after
        }
        out.add(new ObjectInfo(key, item.size(),
            item.lastModified() == null ? 0 : item.lastModified().toInstant().toEpochMilli()));
        if (out.size() >= max) {
          break;
        }
      }
      return out;
    });
  }

  @Override
  public Future<Void> delete(String key) {
    return blocking("delete", key, () -> {
      ObjectKeys.check(key);
      client.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build());
      return null;
    });
  }

  @Override
  public Future<Void> ping() {
    return blocking("ping", config.bucket(), () -> {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
        throw new StoreException(StoreException.Kind.NOT_FOUND, "bucket " + config.bucket() + " does not exist");
      }
      return null;
    });
  }

  @Override
  public String backend() {
    return "s3";
  }

  @Override
  public void close() {
    workers.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    try {
      http.dispatcher().executorService().awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <T> Future<T> blocking(String op, String key, Callable<T> work) {
    return workers.executeBlocking(() -> {
      try {
        return work.call();
      } catch (StoreException e) {
        throw e;
      } catch (Exception e) {
        throw map(e, op + " " + key);
      }
    }, false);
  }

  /** minio's checked exceptions (and the I/O ones under them) → one StoreException kind. */
  static StoreException map(Exception e, String what) {
    if (e instanceof ErrorResponseException ere) {
      String code = ere.errorResponse() == null ? null : ere.errorResponse().code();
      int status = ere.response() == null ? 0 : ere.response().code();
      StoreException.Kind kind;
      if (code != null && NOT_FOUND.contains(code) || status == 404) {
        kind = StoreException.Kind.NOT_FOUND;
      } else if (code != null && DENIED.contains(code) || status == 403 || status == 401) {
        kind = StoreException.Kind.DENIED;
      } else if (code != null && UNAVAILABLE.contains(code) || status >= 500) {
        kind = StoreException.Kind.UNAVAILABLE;
      } else if (code != null && CONFLICT.contains(code) || status == 409 || status == 412) {
        kind = StoreException.Kind.CONFLICT;
      } else {
        kind = StoreException.Kind.INTERNAL;
      }
      return new StoreException(kind, "s3 " + what + ": " + code + " (HTTP " + status + ")", e);
    }
    if (e instanceof ServerException se) {
      return new StoreException(StoreException.Kind.UNAVAILABLE, "s3 " + what + ": server error " + se.statusCode(), e);
    }
    if (e instanceof ConnectException || e instanceof SocketTimeoutException || e instanceof UnknownHostException
        || e instanceof InterruptedIOException || e instanceof javax.net.ssl.SSLException) {
      return new StoreException(StoreException.Kind.UNAVAILABLE, "s3 " + what + ": cannot reach " + e, e);
    }
    if (e instanceof IOException) {
      return new StoreException(StoreException.Kind.UNAVAILABLE, "s3 " + what + ": " + e, e);
    }
    if (e instanceof IllegalArgumentException) {
      return new StoreException(StoreException.Kind.INVALID, "s3 " + what + ": " + e.getMessage(), e);
    }
    if (e instanceof MinioException || e instanceof GeneralSecurityException) {
      return new StoreException(StoreException.Kind.INTERNAL, "s3 " + what + ": " + e, e);
    }
    return new StoreException(StoreException.Kind.INTERNAL, "s3 " + what + ": " + e, e);
  }
}
