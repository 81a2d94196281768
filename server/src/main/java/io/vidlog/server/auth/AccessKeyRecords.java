package io.vidlog.server.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vidlog.fragmentstore.crypto.ObjectSealer;
import io.vidlog.fragmentstore.crypto.SealContext;
import io.vidlog.fragmentstore.object.StoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The stored form of one access key: the whole record (id, name, policy, creation time, secret) as
 * JSON, sealed with the {@link ObjectSealer} under {@code SealContext(system, access-key-record,
 * <id>)}. Everything a request is authorised by is authenticated, and bound to the key id, so a
 * record cannot be edited (say into an admin key) or moved to another id without the master key.
 * Records of earlier versions (plain JSON with only the secret sealed) cannot be verified and are
 * refused.
 */
final class AccessKeyRecords {
  static final String KIND = "access-key-record";

  /** Why a stored record is refused; the texts complete "access key ... refused: its record ...". */
  enum Refusal {
    UNSEALED("is in the unsealed format of an earlier version, which cannot be verified"),
    DOES_NOT_VERIFY("does not verify (altered, sealed for another key id, or under another master key)"),
    MALFORMED("opens but is not an access-key record");

    final String text;

    Refusal(String text) {
      this.text = text;
    }
  }

  /** A stored record that must not be used. */
  static final class RefusedException extends RuntimeException {
    final Refusal refusal;

    RefusedException(Refusal refusal) {
      super(refusal.text, null, false, false);
      this.refusal = refusal;
    }
  }

  private AccessKeyRecords() {}

  static Buffer seal(ObjectSealer sealer, AccessKeyStore.Resolved r) {
    AccessKey k = r.key();
    JsonObject json = new JsonObject()
        .put("id", k.id())
        .put("name", k.name())
        .put("admin", k.policy().admin())
        .put("actions", new JsonArray(new ArrayList<>(k.policy().actions())))
        .put("streams", new JsonArray(new ArrayList<>(k.policy().streams())))
        .put("created", k.createdMillis())
        .put("secret", r.secret());
    return Buffer.buffer(sealer.seal(context(k.id()), json.toBuffer().getBytes()));
  }

  /** The key stored under {@code id}; {@link RefusedException} when the record must not be used. */
  static AccessKeyStore.Resolved open(ObjectSealer sealer, String id, Buffer stored) {
    byte[] plain;
    try {
      plain = sealer.open(context(id), stored.getBytes());
    } catch (StoreException e) {
      throw new RefusedException(isEarlierFormat(stored) ? Refusal.UNSEALED : Refusal.DOES_NOT_VERIFY);
    }
    try {
      JsonObject json = new JsonObject(Buffer.buffer(plain));
      if (!id.equals(json.getString("id")) || json.getString("secret") == null) {
        throw new RefusedException(Refusal.MALFORMED);
      }
      Set<String> actions = new HashSet<>();
      json.getJsonArray("actions", new JsonArray()).forEach(a -> actions.add((String) a));
      List<String> streams = new ArrayList<>();
      json.getJsonArray("streams", new JsonArray()).forEach(s -> streams.add((String) s));
      Policy policy = new Policy(json.getBoolean("admin", false), actions, streams);
      AccessKey key = new AccessKey(id, json.getString("name", ""), policy, json.getLong("created", 0L));
      return new AccessKeyStore.Resolved(key, json.getString("secret"));
    } catch (DecodeException | ClassCastException e) {
      throw new RefusedException(Refusal.MALFORMED);
    }
  }

  /** A plain JSON object with a {@code secret}: what versions before sealed records wrote. */
  private static boolean isEarlierFormat(Buffer stored) {
    try {
      return new JsonObject(stored).containsKey("secret");
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
  }

  private static SealContext context(String id) {
    return new SealContext(SealContext.SYSTEM, KIND, id);
  }
}
