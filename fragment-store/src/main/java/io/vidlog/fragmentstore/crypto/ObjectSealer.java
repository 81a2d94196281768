package io.vidlog.fragmentstore.crypto;

/**
 * Seals and opens whole small objects (stream records, index segments, access-key records: at most
 * a few MB) with AES-256-GCM under a key derived per object (HKDF-SHA256 from the scope's data key and
 * a random salt kept in the sealed bytes). The {@link SealContext} is bound as additional
 * authenticated data, so a sealed object moved to another key, stream or kind fails to open.
 * Fragment chunks use the streaming chunk format instead, which seals fixed-size segments.
 */
public interface ObjectSealer {

  byte[] seal(SealContext context, byte[] plaintext);

  /** @throws io.vidlog.fragmentstore.object.StoreException of kind INTEGRITY when it does not authenticate */
  byte[] open(SealContext context, byte[] sealed);
}
