package net.secureconnect.sdk.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.crypto.X25519KeyPair;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Double Ratchet session with one peer device (Signal's "state variables", §3.2), plus what X3DH
 * bound into it. Mutated only by {@link DoubleRatchet} and only after a message authenticated.
 */
public final class SessionState {

    /** Variable names follow the Double Ratchet specification. */
    X25519KeyPair dhs;
    byte[] dhr;
    byte[] rk;
    byte[] cks;
    byte[] ckr;
    long ns;
    long nr;
    long pn;
    /** Skipped message keys in insertion order, keyed "hex(dh)/n"; the oldest go first beyond the bound. */
    final LinkedHashMap<String, byte[]> skipped = new LinkedHashMap<>();

    /** The peer's earlier ratchet keys (newest last, at most 8): a message on one of them with no skipped key is a replay. */
    final java.util.ArrayList<byte[]> previousRemoteRatchetKeys = new java.util.ArrayList<>();
    static final int PREVIOUS_RATCHET_KEYS = 8;

    /** AD = IK_A ‖ AK_A ‖ IK_B ‖ AK_B from X3DH. */
    byte[] associatedData;
    byte[] remoteIdentityKey;
    /** EK_A of the X3DH run that made this session: recognises a re-delivered setup message. */
    byte[] baseKey;
    /** Set up by PQXDH; a session without it (an X3DH one from an old state file) is never used (§5.2). */
    boolean pq;
    /** Initiator only, until the first reply: the X3DH fields every outgoing message must repeat. */
    PendingPrekey pendingPrekey;

    record PendingPrekey(int signedPrekeyId, Integer oneTimePrekeyId, X3dh.KemUse kem) {
    }

    /** True if this session was set up with PQXDH (the initiator's view, until the first reply). */
    public boolean postQuantumSetupPending() {
        return pendingPrekey != null && pendingPrekey.kem() != null;
    }

    SessionState() {
    }

    /** Whether this session was set up with PQXDH (only such sessions are used). */
    public boolean postQuantum() {
        return pq;
    }

    public byte[] remoteIdentityKey() {
        return remoteIdentityKey.clone();
    }

    public byte[] associatedData() {
        return associatedData.clone();
    }

    public byte[] baseKey() {
        return baseKey.clone();
    }

    public int skippedKeyCount() {
        return skipped.size();
    }

    /** True while this side initiated and has not yet heard back (messages carry the X3DH fields). */
    public boolean awaitingReply() {
        return pendingPrekey != null;
    }

    void addSkipped(String id, byte[] messageKey) {
        skipped.put(id, messageKey);
        Iterator<Map.Entry<String, byte[]>> oldest = skipped.entrySet().iterator();
        while (skipped.size() > DoubleRatchet.MAX_SKIP) {
            oldest.next();
            oldest.remove();
        }
    }

    static String skippedId(byte[] dh, long n) {
        return Bytes.hex(dh) + "/" + n;
    }

    // ---- state file form ----

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("dhsPrivate", Bytes.base64(dhs.privateKey()));
        putNullable(node, "dhr", dhr);
        node.put("rk", Bytes.base64(rk));
        putNullable(node, "cks", cks);
        putNullable(node, "ckr", ckr);
        node.put("ns", ns).put("nr", nr).put("pn", pn);
        ObjectNode skippedNode = node.putObject("skipped");
        skipped.forEach((id, key) -> skippedNode.put(id, Bytes.base64(key)));
        var previous = node.putArray("previousRemoteRatchetKeys");
        previousRemoteRatchetKeys.forEach(k -> previous.add(Bytes.base64(k)));
        node.put("associatedData", Bytes.base64(associatedData));
        node.put("remoteIdentityKey", Bytes.base64(remoteIdentityKey));
        node.put("baseKey", Bytes.base64(baseKey));
        node.put("pq", pq);
        if (pendingPrekey != null) {
            ObjectNode pending = node.putObject("pendingPrekey");
            pending.put("signedPrekeyId", pendingPrekey.signedPrekeyId());
            if (pendingPrekey.oneTimePrekeyId() != null) {
                pending.put("oneTimePrekeyId", pendingPrekey.oneTimePrekeyId());
            }
            if (pendingPrekey.kem() != null) {
                pending.put("kemPrekeyId", pendingPrekey.kem().keyId());
                pending.put("kemLastResort", pendingPrekey.kem().lastResort());
                pending.put("kemCiphertext", Bytes.base64(pendingPrekey.kem().ciphertext()));
            }
        }
        return node;
    }

    public static SessionState fromJson(JsonNode node) {
        SessionState s = new SessionState();
        s.dhs = Sodium.x25519FromPrivate(Bytes.base64(node.path("dhsPrivate").asText(), 32));
        s.dhr = nullable(node, "dhr");
        s.rk = Bytes.base64(node.path("rk").asText(), 32);
        s.cks = nullable(node, "cks");
        s.ckr = nullable(node, "ckr");
        s.ns = node.path("ns").asLong();
        s.nr = node.path("nr").asLong();
        s.pn = node.path("pn").asLong();
        node.path("skipped").fields().forEachRemaining(e -> s.skipped.put(e.getKey(), Bytes.base64(e.getValue().asText(), 32)));
        node.path("previousRemoteRatchetKeys").forEach(k -> s.previousRemoteRatchetKeys.add(Bytes.base64(k.asText(), 32)));
        s.associatedData = Bytes.base64(node.path("associatedData").asText(), 128);
        s.remoteIdentityKey = Bytes.base64(node.path("remoteIdentityKey").asText(), 32);
        s.baseKey = Bytes.base64(node.path("baseKey").asText(), 32);
        s.pq = node.path("pq").asBoolean(false);
        JsonNode pending = node.get("pendingPrekey");
        if (pending != null) {
            X3dh.KemUse kem = pending.has("kemCiphertext")
                    ? new X3dh.KemUse(pending.path("kemPrekeyId").asInt(), pending.path("kemLastResort").asBoolean(),
                            Bytes.base64(pending.path("kemCiphertext").asText(), net.secureconnect.sdk.crypto.MlKem768.CIPHERTEXT_BYTES))
                    : null;
            s.pendingPrekey = new PendingPrekey(pending.path("signedPrekeyId").asInt(),
                    pending.has("oneTimePrekeyId") ? pending.get("oneTimePrekeyId").asInt() : null, kem);
        }
        return s;
    }

    private static void putNullable(ObjectNode node, String name, byte[] value) {
        if (value != null) {
            node.put(name, Bytes.base64(value));
        }
    }

    private static byte[] nullable(JsonNode node, String name) {
        return node.hasNonNull(name) ? Bytes.base64(node.get(name).asText(), 32) : null;
    }
}
