/**
 * Envelope encryption of everything vidlog stores (docs/architecture.md §Storage, "Envelope encryption").
 *
 * <p>A master key (key-encryption key, {@link io.vidlog.fragmentstore.crypto.Keyring}) wraps
 * per-scope data keys (scope = a stream's creation id, or {@code system}), which are stored
 * wrapped in the object store and cached unwrapped. Each object gets its own key,
 * HKDF-SHA256(data key, random salt); bulk encryption is the JDK's AES-256-GCM. Small objects use
 * {@link io.vidlog.fragmentstore.crypto.ObjectSealer} (implemented by
 * {@link io.vidlog.fragmentstore.crypto.ScopeKeys}); chunks use the segmented
 * {@link io.vidlog.fragmentstore.crypto.StreamingSeal}.
 *
 * <p>Start-up:
 * <pre>{@code
 * Crypto crypto = await Crypto.open(vertx, store, dataDir.resolve("keys"));   // creates master-<id>.key, 0600
 * // or, with the key in config: Crypto.open(vertx, store, Keyring.of(base64, List.of()))
 * crypto.warmUp();                                // JIT-compile AES-GCM before traffic
 * ObjectSealer sealer = await crypto.keys(SealContext.SYSTEM);
 * byte[] sealed = sealer.seal(new SealContext(SealContext.SYSTEM, "access-key", id), json);
 * }</pre>
 * Rotation: {@link io.vidlog.fragmentstore.crypto.Crypto#rotateMasterKey()} then
 * {@link io.vidlog.fragmentstore.crypto.Crypto#rewrap(String)} per scope; no media is rewritten.
 */
package io.vidlog.fragmentstore.crypto;
