package io.vidlog.server.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which access keys are valid: the ids, and a generation that grows with every change, sealed as one
 * object ({@code system/access-key-set}). A key is valid only while its id is in the set, so
 * revoking takes it out of the set and a record put back from a backup stays refused; putting back
 * an older set as well undoes every change made since, which a node that has seen a newer
 * generation notices ({@link GenerationFloor}).
 *
 * @param state whether the store has the set object and whether it verifies
 */
record KeySet(long generation, Set<String> ids, State state) {
  static final String OBJECT = "system/access-key-set";
  static final String KIND = "access-key-set";
  static final KeySet ABSENT = new KeySet(0, Set.of(), State.ABSENT);
  /** What stands for a stored set that does not verify: no key is valid. */
  static final KeySet UNVERIFIABLE = new KeySet(0, Set.of(), State.UNVERIFIABLE);

  enum State {
    /** No set object: a new store, or one written by a version before key sets. */
    ABSENT,
    VERIFIED,
    /** A set object that does not verify (altered, or sealed under another master key). */
    UNVERIFIABLE
  }

  KeySet {
    ids = Set.copyOf(ids);
  }

  boolean present() {
    return state != State.ABSENT;
  }

  /** The same generation and state, with no valid key. */
  KeySet emptied() {
    return new KeySet(generation, Set.of(), state);
  }

  /** The next generation, with {@code id} added. */
  KeySet with(String id) {
    Set<String> next = new TreeSet<>(ids);
    next.add(id);
    return new KeySet(generation + 1, next, State.VERIFIED);
  }

  /** The next generation, without {@code id}. */
  KeySet without(String id) {
    Set<String> next = new TreeSet<>(ids);
    next.remove(id);
    return new KeySet(generation + 1, next, State.VERIFIED);
  }

  Buffer seal(ObjectSealer sealer) {
    JsonObject json = new JsonObject().put("generation", generation).put("ids", new JsonArray(
        new java.util.ArrayList<>(new TreeSet<>(ids))));
    return Buffer.buffer(sealer.seal(CONTEXT, json.toBuffer().getBytes()));
  }

  /** @throws StoreException of kind INTEGRITY when the stored set does not verify */
  static KeySet open(ObjectSealer sealer, Buffer stored) {
    byte[] plain = sealer.open(CONTEXT, stored.getBytes());
    try {
      JsonObject json = new JsonObject(Buffer.buffer(plain));
      Set<String> ids = new TreeSet<>();
      json.getJsonArray("ids").forEach(id -> ids.add((String) id));
      return new KeySet(json.getLong("generation"), ids, State.VERIFIED);
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      throw new StoreException(StoreException.Kind.INTEGRITY, "the access-key set opens but is malformed");
    }
  }

  private static final SealContext CONTEXT = new SealContext(SealContext.SYSTEM, KIND, "all");
}
