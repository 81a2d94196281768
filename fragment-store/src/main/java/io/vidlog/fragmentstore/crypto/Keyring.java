package io.vidlog.fragmentstore.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master keys (key-encryption keys) this server knows: the current one wraps new data keys,
 * older ones stay so that data keys wrapped before a rotation still open until they are re-wrapped.
 *
 * <p>Two sources: files {@code <keys-dir>/master-<id>.key} (base64 of 32 random bytes, mode 0600,
 * the first created on first start; the newest id is current), or keys given by config as base64
 * (no file is written; {@link #rotate()} is then unsupported: rotate by changing the config and
 * listing the old key as {@code older}). Blocking file I/O: call from a worker or at start-up.
 */
public final class Keyring {
  private static final Logger LOG = LoggerFactory.getLogger(Keyring.class);
  private static final String PREFIX = "master-";
  private static final String SUFFIX = ".key";

  private final Path dir;
  private volatile List<MasterKey> keys;

  private Keyring(Path dir, List<MasterKey> keys) {
    this.dir = dir;
    this.keys = List.copyOf(keys);
  }

  /** Loads the master keys in {@code keysDir}, creating the directory (0700) and a first key (0600) if there is none. */
  public static Keyring load(Path keysDir) throws IOException {
    if (!Files.isDirectory(keysDir)) {
      Files.createDirectories(keysDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    List<MasterKey> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(keysDir, PREFIX + "*" + SUFFIX)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        String id = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        found.add(new MasterKey(id, decode(Files.readString(p, StandardCharsets.US_ASCII).trim(), p.toString())));
      }
    }
    found.sort(Comparator.comparing(MasterKey::id));
    Keyring ring = new Keyring(keysDir, found);
    if (found.isEmpty()) {
      MasterKey k = ring.rotate();
      LOG.info("created master key {} in {}", k.id(), keysDir);
    }
    return ring;
  }

  /**
   * A keyring from config: {@code currentBase64} wraps new data keys, {@code olderBase64} only open
   * old ones. Ids are derived from the keys (a SHA-256 prefix), so the same config always yields
   * the same ids.
   */
  public static Keyring of(String currentBase64, List<String> olderBase64) {
    List<MasterKey> ks = new ArrayList<>();
    for (String b64 : olderBase64) {
      ks.add(configured(b64));
    }
    ks.add(configured(currentBase64));
    return new Keyring(null, ks);
  }

  private static MasterKey configured(String b64) {
    byte[] key = decode(b64.trim(), "configured master key");
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key);
      return new MasterKey("cfg-" + HexFormat.of().formatHex(h, 0, 8), key);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] decode(String b64, String where) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": master key is not valid base64");
    }
    if (key.length != Aead.KEY_BYTES) {
      throw new IllegalArgumentException(where + ": master key must be 32 bytes, is " + key.length);
    }
    return key;
  }

  public MasterKey current() {
    List<MasterKey> k = keys;
    return k.get(k.size() - 1);
  }

  public Optional<MasterKey> byId(String id) {
    for (MasterKey k : keys) {
      if (k.id().equals(id)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** Ids of all known master keys, oldest first. */
  public List<String> ids() {
    return keys.stream().map(MasterKey::id).toList();
  }

  /**
   * Creates a new master key file (mode 0600, fsynced) and makes it current. Data keys wrapped by
   * older master keys keep opening; {@link Crypto#rewrap} moves them to the new one.
   */
  public synchronized MasterKey rotate() throws IOException {
    if (dir == null) {
      throw new IllegalStateException("master keys come from config: rotate by configuring a new current key");
    }
    MasterKey k = new MasterKey(KeyIds.next(), Aead.random(Aead.KEY_BYTES));
    Path file = dir.resolve(PREFIX + k.id() + SUFFIX);
    Path temp = dir.resolve("." + PREFIX + k.id() + ".tmp");
    Files.deleteIfExists(temp);
    // Created with 0600 from the start: the key is never readable by others, not even briefly.
    Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap((Base64.getEncoder().encodeToString(k.raw()) + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    List<MasterKey> next = new ArrayList<>(keys);
    next.add(k);
    keys = List.copyOf(next);
    return k;
  }

  @Override
  public String toString() {
    return "Keyring" + ids();
  }
}
