package net.secureconnect.sdk.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Ed25519KeyPair;
import net.secureconnect.sdk.crypto.MlKem768;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.crypto.X25519KeyPair;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The private key material of this device: identity key (Ed25519), agreement key (X25519, signed by the
 * identity key), signed prekeys and one-time prekeys, plus the ids identity-service assigned. Builds
 * the request bodies of docs/identity.md. Not thread-safe: the owner serialises access.
 */
public final class LocalDevice {

    /** Signal's key ids are 24 bits; identity-service accepts 0..16777215. */
    public static final int MAX_KEY_ID = 0xFFFFFF;
    /** One key upload carries at most 100 one-time prekeys (identity-service limit). */
    public static final int ONE_TIME_PREKEYS_PER_UPLOAD = 100;
    /** A replaced signed or last-resort KEM prekey is kept this long after its replacement, for setups in flight. */
    public static final long OLD_SIGNED_PREKEY_RETENTION_MILLIS = 30L * 24 * 3600 * 1000;
    /** The signed prekey and the last-resort KEM prekey are replaced this often (docs/protocol-crypto.md §2). */
    public static final long ROTATE_EVERY_MILLIS = 7L * 24 * 3600 * 1000;

    private final int registrationId;
    private final Ed25519KeyPair identity;
    private final X25519KeyPair agreement;
    private final byte[] agreementSignature;
    private final TreeMap<Integer, SignedPrekey> signedPrekeys = new TreeMap<>();
    private int currentSignedPrekeyId;
    private final TreeMap<Integer, X25519KeyPair> oneTimePrekeys = new TreeMap<>();
    private int nextOneTimePrekeyId;
    private final TreeMap<Integer, KemPrekey> kemLastResortPrekeys = new TreeMap<>();
    private Integer currentKemLastResortId;
    private final TreeMap<Integer, KemPrekey> kemOneTimePrekeys = new TreeMap<>();
    private int nextKemOneTimePrekeyId = 1;
    /**
     * When a one-time prekey stopped being on the server: a later upload of that kind replaced it (§2). Only a setup
     * already in flight can still name it; it is deleted {@link #OLD_SIGNED_PREKEY_RETENTION_MILLIS} after.
     */
    private final Map<Integer, Long> oneTimeReplacedAt = new TreeMap<>();
    private final Map<Integer, Long> kemOneTimeReplacedAt = new TreeMap<>();
    /** After a detected rollback key ids jump this far, away from any id the lost later state may have published. */
    static final int ROLLBACK_ID_JUMP = 1 << 16;
    private String accountId;
    private Integer deviceId;

    private LocalDevice(int registrationId, Ed25519KeyPair identity, X25519KeyPair agreement, byte[] agreementSignature) {
        this.registrationId = registrationId;
        this.identity = identity;
        this.agreement = agreement;
        this.agreementSignature = agreementSignature;
    }

    /**
     * A fresh device: random identity and agreement keys, signed prekey 1, ML-KEM-768 last-resort prekey 1,
     * no one-time prekeys yet.
     */
    public static LocalDevice generate() {
        long now = System.currentTimeMillis();
        LocalDevice device = fromKeys(new SecureRandom().nextInt(16383) + 1, Sodium.ed25519Generate(),
                Sodium.x25519Generate(), Sodium.x25519Generate(), now);
        device.setKemLastResortPrekey(1, MlKem768.generate(), now);
        return device;
    }

    /** A device from given keys (test vectors use fixed ones). */
    public static LocalDevice fromKeys(int registrationId, Ed25519KeyPair identity, X25519KeyPair agreement,
                                       X25519KeyPair signedPrekey, long nowMillis) {
        LocalDevice device = new LocalDevice(registrationId, identity, agreement,
                Sodium.sign(identity, SignedMessages.agreementKey(agreement.publicKey())));
        device.addSignedPrekey(1, signedPrekey, nowMillis);
        device.nextOneTimePrekeyId = 1;
        return device;
    }

    private void addSignedPrekey(int keyId, X25519KeyPair keyPair, long nowMillis) {
        byte[] signature = Sodium.sign(identity, SignedMessages.signedPrekey(keyPair.publicKey()));
        signedPrekeys.put(keyId, new SignedPrekey(keyId, keyPair, signature, nowMillis));
        currentSignedPrekeyId = keyId;
    }

    /** Sets the current ML-KEM-768 last-resort prekey (earlier ones stay for messages in flight, like signed prekeys). */
    public KemPrekey setKemLastResortPrekey(int keyId, MlKem768.KeyPair keyPair, long nowMillis) {
        KemPrekey key = new KemPrekey(keyId, keyPair, Sodium.sign(identity, SignedMessages.kemPrekey(keyPair.publicKey())), nowMillis);
        kemLastResortPrekeys.put(keyId, key);
        currentKemLastResortId = keyId;
        pruneReplaced(kemLastResortPrekeys, keyId, KemPrekey::createdAtMillis, nowMillis);
        return key;
    }

    /** Makes {@code count} one-time ML-KEM-768 prekeys with fresh ids and returns them (to upload). */
    public List<KemPrekey> generateKemOneTimePrekeys(int count) {
        List<KemPrekey> created = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            int id = nextKemOneTimePrekeyId;
            nextKemOneTimePrekeyId = id >= MAX_KEY_ID ? 1 : id + 1;
            MlKem768.KeyPair pair = MlKem768.generate();
            KemPrekey key = new KemPrekey(id, pair, Sodium.sign(identity, SignedMessages.kemPrekey(pair.publicKey())), now);
            kemOneTimePrekeys.put(id, key);
            created.add(key);
        }
        return created;
    }

    public Optional<KemPrekey> kemLastResortPrekey(int keyId) {
        return Optional.ofNullable(kemLastResortPrekeys.get(keyId));
    }

    public Optional<KemPrekey> currentKemLastResortPrekey() {
        return currentKemLastResortId == null ? Optional.empty() : Optional.ofNullable(kemLastResortPrekeys.get(currentKemLastResortId));
    }

    public Optional<KemPrekey> kemOneTimePrekey(int keyId) {
        return Optional.ofNullable(kemOneTimePrekeys.get(keyId));
    }

    public void consumeKemOneTimePrekey(int keyId) {
        kemOneTimePrekeys.remove(keyId);
        kemOneTimeReplacedAt.remove(keyId);
    }

    public Map<Integer, KemPrekey> kemOneTimePrekeys() {
        return Collections.unmodifiableMap(kemOneTimePrekeys);
    }

    /** Makes a new current signed prekey; replaced ones stay {@link #OLD_SIGNED_PREKEY_RETENTION_MILLIS} after their replacement. */
    public SignedPrekey rotateSignedPrekey(long nowMillis) {
        int next = currentSignedPrekeyId >= MAX_KEY_ID ? 1 : currentSignedPrekeyId + 1;
        addSignedPrekey(next, Sodium.x25519Generate(), nowMillis);
        pruneReplaced(signedPrekeys, currentSignedPrekeyId, SignedPrekey::createdAtMillis, nowMillis);
        return signedPrekeys.get(currentSignedPrekeyId);
    }

    /**
     * Replaces the signed prekey and the last-resort KEM prekey when they are {@link #ROTATE_EVERY_MILLIS} old,
     * and deletes replaced ones whose retention ended. Returns whether anything changed (persist and upload).
     */
    public boolean rotateIfDue(long nowMillis) {
        boolean changed = false;
        if (nowMillis - currentSignedPrekey().createdAtMillis() >= ROTATE_EVERY_MILLIS) {
            rotateSignedPrekey(nowMillis);
            changed = true;
        }
        KemPrekey kem = currentKemLastResortPrekey().orElse(null);
        if (kem == null || nowMillis - kem.createdAtMillis() >= ROTATE_EVERY_MILLIS) {
            int next = kem == null || kem.keyId() >= MAX_KEY_ID ? 1 : kem.keyId() + 1;
            setKemLastResortPrekey(next, MlKem768.generate(), nowMillis);
            changed = true;
        }
        int before = signedPrekeys.size() + kemLastResortPrekeys.size();
        pruneReplaced(signedPrekeys, currentSignedPrekeyId, SignedPrekey::createdAtMillis, nowMillis);
        pruneReplaced(kemLastResortPrekeys, currentKemLastResortId, KemPrekey::createdAtMillis, nowMillis);
        changed |= pruneStaleOneTimePrekeys(nowMillis);
        return changed || signedPrekeys.size() + kemLastResortPrekeys.size() != before;
    }

    /**
     * Deletes keys replaced more than the retention ago. A key was replaced when the next newer key was made,
     * so the retention counts from the successor's creation, not from the key's own (else a key older than the
     * retention would vanish the moment it is replaced, breaking setups still in flight).
     */
    private static <K> void pruneReplaced(TreeMap<Integer, K> keys, Integer currentId,
                                          java.util.function.ToLongFunction<K> createdAt, long nowMillis) {
        List<Map.Entry<Integer, K>> byAge = new ArrayList<>(keys.entrySet());
        byAge.sort(java.util.Comparator.comparingLong(e -> createdAt.applyAsLong(e.getValue())));
        for (int i = 0; i < byAge.size() - 1; i++) {
            Map.Entry<Integer, K> key = byAge.get(i);
            long replacedAt = createdAt.applyAsLong(byAge.get(i + 1).getValue());
            if (!key.getKey().equals(currentId) && nowMillis - replacedAt > OLD_SIGNED_PREKEY_RETENTION_MILLIS) {
                keys.remove(key.getKey());
            }
        }
    }

    /** Makes {@code count} one-time prekeys with fresh ids and returns them (to upload). */
    public List<Map.Entry<Integer, X25519KeyPair>> generateOneTimePrekeys(int count) {
        List<Map.Entry<Integer, X25519KeyPair>> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int id = nextOneTimePrekeyId;
            nextOneTimePrekeyId = id >= MAX_KEY_ID ? 1 : id + 1;
            X25519KeyPair pair = Sodium.x25519Generate();
            oneTimePrekeys.put(id, pair);
            created.add(Map.entry(id, pair));
        }
        return created;
    }

    /** Adds a one-time prekey made elsewhere (test vectors use fixed keys). */
    public void addOneTimePrekey(int keyId, X25519KeyPair keyPair) {
        oneTimePrekeys.put(keyId, keyPair);
    }

    public Optional<SignedPrekey> signedPrekey(int keyId) {
        return Optional.ofNullable(signedPrekeys.get(keyId));
    }

    /** Ids of the signed prekeys kept (the current one and replaced ones in their grace period). */
    public java.util.Set<Integer> signedPrekeyIds() {
        return Collections.unmodifiableSet(signedPrekeys.keySet());
    }

    public SignedPrekey currentSignedPrekey() {
        return signedPrekeys.get(currentSignedPrekeyId);
    }

    public Optional<X25519KeyPair> oneTimePrekey(int keyId) {
        return Optional.ofNullable(oneTimePrekeys.get(keyId));
    }

    /** Forgets a one-time prekey once a session set up with it has authenticated a message. */
    public void consumeOneTimePrekey(int keyId) {
        oneTimePrekeys.remove(keyId);
        oneTimeReplacedAt.remove(keyId);
    }

    /**
     * An upload of one-time X25519 prekeys {@code uploaded} succeeded: it replaced the server's unclaimed ones, so
     * every other local one-time prekey is no longer on the server and is deleted after the retention (§2).
     */
    public void oneTimePrekeysReplaced(java.util.Collection<Integer> uploaded, long nowMillis) {
        markReplaced(oneTimePrekeys.keySet(), oneTimeReplacedAt, uploaded, nowMillis);
    }

    /** The same for one-time ML-KEM-768 prekeys. */
    public void kemOneTimePrekeysReplaced(java.util.Collection<Integer> uploaded, long nowMillis) {
        markReplaced(kemOneTimePrekeys.keySet(), kemOneTimeReplacedAt, uploaded, nowMillis);
    }

    private static void markReplaced(java.util.Set<Integer> local, Map<Integer, Long> replacedAt,
                                     java.util.Collection<Integer> uploaded, long nowMillis) {
        java.util.Set<Integer> kept = new java.util.HashSet<>(uploaded);
        for (int id : local) {
            if (!kept.contains(id)) {
                replacedAt.putIfAbsent(id, nowMillis);
            }
        }
    }

    /** When a one-time prekey was replaced on the server, if it was (tests, diagnostics). */
    public Optional<Long> oneTimePrekeyReplacedAt(int keyId) {
        return Optional.ofNullable(oneTimeReplacedAt.get(keyId));
    }

    /** Deletes one-time prekeys of both kinds replaced on the server more than the retention ago; whether any went. */
    private boolean pruneStaleOneTimePrekeys(long nowMillis) {
        boolean changed = false;
        for (var stale : List.of(Map.entry(oneTimeReplacedAt, (Map<Integer, ?>) oneTimePrekeys),
                Map.entry(kemOneTimeReplacedAt, (Map<Integer, ?>) kemOneTimePrekeys))) {
            var it = stale.getKey().entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (nowMillis - e.getValue() > OLD_SIGNED_PREKEY_RETENTION_MILLIS) {
                    stale.getValue().remove(e.getKey());
                    it.remove();
                    changed = true;
                }
            }
        }
        return changed;
    }

    /**
     * After a detected rollback of the profile (§8): the restored keys may include prekeys the lost later state
     * already used or replaced, so every signed, last-resort and one-time prekey is dropped and new current signed
     * and last-resort KEM prekeys are made, their ids (and the next one-time ids) {@link #ROLLBACK_ID_JUMP} ahead.
     * A setup message naming any earlier prekey (a replay included) is then refused as unknown. Upload at once.
     */
    public void resetAfterRollback(long nowMillis) {
        int spk = jump(currentSignedPrekeyId);
        int kem = jump(currentKemLastResortId == null ? 0 : currentKemLastResortId);
        signedPrekeys.clear();
        addSignedPrekey(spk, Sodium.x25519Generate(), nowMillis);
        kemLastResortPrekeys.clear();
        setKemLastResortPrekey(kem, MlKem768.generate(), nowMillis);
        oneTimePrekeys.clear();
        oneTimeReplacedAt.clear();
        kemOneTimePrekeys.clear();
        kemOneTimeReplacedAt.clear();
        nextOneTimePrekeyId = jump(nextOneTimePrekeyId - 1);
        nextKemOneTimePrekeyId = jump(nextKemOneTimePrekeyId - 1);
    }

    /** id + 1 + ROLLBACK_ID_JUMP, within 1..MAX_KEY_ID. */
    private static int jump(int id) {
        long next = (long) Math.max(0, id) + 1 + ROLLBACK_ID_JUMP;
        return (int) ((next - 1) % MAX_KEY_ID) + 1;
    }

    public Map<Integer, X25519KeyPair> oneTimePrekeys() {
        return Collections.unmodifiableMap(oneTimePrekeys);
    }

    public int registrationId() {
        return registrationId;
    }

    public Ed25519KeyPair identity() {
        return identity;
    }

    public X25519KeyPair agreement() {
        return agreement;
    }

    public byte[] agreementSignature() {
        return agreementSignature.clone();
    }

    public Optional<String> accountId() {
        return Optional.ofNullable(accountId);
    }

    public Optional<Integer> deviceId() {
        return Optional.ofNullable(deviceId);
    }

    /** Records the ids identity-service answered to the registration. */
    public void registered(String accountId, int deviceId) {
        this.accountId = accountId;
        this.deviceId = deviceId;
    }

    // ---- request bodies (docs/identity.md) ----

    /** Body of {@code POST /v1/accounts/{accountId}/devices} (no post-quantum key). */
    public Map<String, Object> registrationBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("registrationId", registrationId);
        body.put("identityKey", Bytes.base64(identity.publicKey()));
        body.put("agreementKey", Bytes.base64(agreement.publicKey()));
        body.put("agreementKeySignature", Bytes.base64(agreementSignature));
        body.put("signedPrekey", signedPrekeyBody(currentSignedPrekey()));
        currentKemLastResortPrekey().ifPresent(k -> body.put("kemLastResortPrekey", kemPrekeyBody(k)));
        return body;
    }

    /** Body of {@code PUT …/devices/{deviceId}/keys} carrying the current signed prekey and the given one-time prekeys. */
    public Map<String, Object> keyUploadBody(List<Map.Entry<Integer, X25519KeyPair>> oneTime) {
        return keyUploadBody(oneTime, List.of());
    }

    /**
     * Body of {@code PUT …/keys}: the current signed prekey and last-resort KEM prekey, the given one-time
     * prekeys of both kinds (each kind, when present, replaces the server's unclaimed keys of that kind).
     */
    public Map<String, Object> keyUploadBody(List<Map.Entry<Integer, X25519KeyPair>> oneTime, List<KemPrekey> kemOneTime) {
        if (oneTime.size() > ONE_TIME_PREKEYS_PER_UPLOAD || kemOneTime.size() > ONE_TIME_PREKEYS_PER_UPLOAD) {
            throw new IllegalArgumentException("at most " + ONE_TIME_PREKEYS_PER_UPLOAD + " one-time prekeys per upload");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signedPrekey", signedPrekeyBody(currentSignedPrekey()));
        List<Map<String, Object>> keys = new ArrayList<>();
        for (Map.Entry<Integer, X25519KeyPair> key : oneTime) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("keyId", key.getKey());
            entry.put("publicKey", Bytes.base64(key.getValue().publicKey()));
            keys.add(entry);
        }
        if (!keys.isEmpty()) {
            body.put("oneTimePrekeys", keys);
        }
        currentKemLastResortPrekey().ifPresent(k -> body.put("kemLastResortPrekey", kemPrekeyBody(k)));
        if (!kemOneTime.isEmpty()) {
            body.put("kemOneTimePrekeys", kemOneTime.stream().map(LocalDevice::kemPrekeyBody).toList());
        }
        return body;
    }

    private static Map<String, Object> kemPrekeyBody(KemPrekey key) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keyId", key.keyId());
        body.put("publicKey", Bytes.base64(key.keyPair().publicKey()));
        body.put("signature", Bytes.base64(key.signature()));
        return body;
    }

    private static Map<String, Object> signedPrekeyBody(SignedPrekey key) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keyId", key.keyId());
        body.put("publicKey", Bytes.base64(key.keyPair().publicKey()));
        body.put("signature", Bytes.base64(key.signature()));
        return body;
    }

    /**
     * This device as a peer sees it in a bundle (tests and loopback use): with the current last-resort
     * post-quantum prekey when the device has one (every generated device does).
     */
    public DeviceBundle bundle(String accountId, int deviceId, Integer oneTimePrekeyId) {
        return currentKemLastResortPrekey().isPresent()
                ? bundleWithKem(accountId, deviceId, oneTimePrekeyId, null)
                : x3dhOnlyBundle(accountId, deviceId, oneTimePrekeyId);
    }

    /** A bundle without post-quantum prekey (what a downgrading server would serve; refused by clients). */
    public DeviceBundle x3dhOnlyBundle(String accountId, int deviceId, Integer oneTimePrekeyId) {
        SignedPrekey spk = currentSignedPrekey();
        X25519KeyPair otp = oneTimePrekeyId == null ? null : oneTimePrekeys.get(oneTimePrekeyId);
        return new DeviceBundle(accountId, deviceId, registrationId, identity.publicKey(), agreement.publicKey(),
                agreementSignature.clone(), spk.keyId(), spk.keyPair().publicKey(), spk.signature(),
                otp == null ? null : oneTimePrekeyId, otp == null ? null : otp.publicKey());
    }

    /**
     * The same with a post-quantum prekey, as identity-service serves it: the one-time KEM key
     * {@code kemOneTimeId} if given, else the current last-resort one.
     */
    public DeviceBundle bundleWithKem(String accountId, int deviceId, Integer oneTimePrekeyId, Integer kemOneTimeId) {
        DeviceBundle b = x3dhOnlyBundle(accountId, deviceId, oneTimePrekeyId);
        KemPrekey kem = kemOneTimeId != null ? kemOneTimePrekeys.get(kemOneTimeId) : currentKemLastResortPrekey().orElseThrow();
        return new DeviceBundle(b.accountId(), b.deviceId(), b.registrationId(), b.identityKey(), b.agreementKey(),
                b.agreementKeySignature(), b.signedPrekeyId(), b.signedPrekey(), b.signedPrekeySignature(),
                b.oneTimePrekeyId(), b.oneTimePrekey(), kem.keyId(), kem.keyPair().publicKey(), kem.signature(), kemOneTimeId == null);
    }

    // ---- state file form (docs/protocol-crypto.md, "Local state") ----

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("registrationId", registrationId);
        node.put("identitySeed", Bytes.base64(identity.seed()));
        node.put("agreementPrivateKey", Bytes.base64(agreement.privateKey()));
        node.put("agreementKeySignature", Bytes.base64(agreementSignature));
        node.put("currentSignedPrekeyId", currentSignedPrekeyId);
        ArrayNode spks = node.putArray("signedPrekeys");
        for (SignedPrekey k : signedPrekeys.values()) {
            spks.addObject().put("keyId", k.keyId()).put("privateKey", Bytes.base64(k.keyPair().privateKey()))
                    .put("signature", Bytes.base64(k.signature())).put("createdAt", k.createdAtMillis());
        }
        node.put("nextOneTimePrekeyId", nextOneTimePrekeyId);
        ArrayNode otps = node.putArray("oneTimePrekeys");
        oneTimePrekeys.forEach((id, pair) -> {
            ObjectNode k = otps.addObject().put("keyId", id).put("privateKey", Bytes.base64(pair.privateKey()));
            if (oneTimeReplacedAt.containsKey(id)) {
                k.put("replacedAt", oneTimeReplacedAt.get(id));
            }
        });
        if (currentKemLastResortId != null) {
            node.put("currentKemLastResortPrekeyId", currentKemLastResortId);
        }
        ArrayNode kemLastResort = node.putArray("kemLastResortPrekeys");
        kemLastResortPrekeys.values().forEach(k -> kemLastResort.add(kemJson(k)));
        node.put("nextKemOneTimePrekeyId", nextKemOneTimePrekeyId);
        ArrayNode kemOneTime = node.putArray("kemOneTimePrekeys");
        kemOneTimePrekeys.values().forEach(k -> {
            ObjectNode entry = kemJson(k);
            if (kemOneTimeReplacedAt.containsKey(k.keyId())) {
                entry.put("replacedAt", kemOneTimeReplacedAt.get(k.keyId()));
            }
            kemOneTime.add(entry);
        });
        if (accountId != null) {
            node.put("accountId", accountId);
            node.put("deviceId", deviceId);
        }
        return node;
    }

    public static LocalDevice fromJson(JsonNode node) {
        LocalDevice device = new LocalDevice(node.path("registrationId").asInt(),
                Sodium.ed25519FromSeed(Bytes.base64(node.path("identitySeed").asText(), 32)),
                Sodium.x25519FromPrivate(Bytes.base64(node.path("agreementPrivateKey").asText(), 32)),
                Bytes.base64(node.path("agreementKeySignature").asText(), 64));
        for (JsonNode k : node.path("signedPrekeys")) {
            int id = k.path("keyId").asInt();
            device.signedPrekeys.put(id, new SignedPrekey(id,
                    Sodium.x25519FromPrivate(Bytes.base64(k.path("privateKey").asText(), 32)),
                    Bytes.base64(k.path("signature").asText(), 64), k.path("createdAt").asLong()));
        }
        device.currentSignedPrekeyId = node.path("currentSignedPrekeyId").asInt();
        device.nextOneTimePrekeyId = node.path("nextOneTimePrekeyId").asInt();
        for (JsonNode k : node.path("oneTimePrekeys")) {
            device.oneTimePrekeys.put(k.path("keyId").asInt(),
                    Sodium.x25519FromPrivate(Bytes.base64(k.path("privateKey").asText(), 32)));
            if (k.hasNonNull("replacedAt")) {
                device.oneTimeReplacedAt.put(k.path("keyId").asInt(), k.get("replacedAt").asLong());
            }
        }
        for (JsonNode k : node.path("kemLastResortPrekeys")) {
            KemPrekey key = kemFromJson(k);
            device.kemLastResortPrekeys.put(key.keyId(), key);
        }
        if (node.hasNonNull("currentKemLastResortPrekeyId")) {
            device.currentKemLastResortId = node.get("currentKemLastResortPrekeyId").asInt();
        }
        for (JsonNode k : node.path("kemOneTimePrekeys")) {
            KemPrekey key = kemFromJson(k);
            device.kemOneTimePrekeys.put(key.keyId(), key);
            if (k.hasNonNull("replacedAt")) {
                device.kemOneTimeReplacedAt.put(key.keyId(), k.get("replacedAt").asLong());
            }
        }
        device.nextKemOneTimePrekeyId = node.path("nextKemOneTimePrekeyId").asInt(1);
        if (node.hasNonNull("accountId")) {
            device.registered(node.path("accountId").asText(), node.path("deviceId").asInt());
        }
        return device;
    }

    private static ObjectNode kemJson(KemPrekey k) {
        return JsonNodeFactory.instance.objectNode().put("keyId", k.keyId()).put("seed", Bytes.base64(k.keyPair().seed()))
                .put("signature", Bytes.base64(k.signature())).put("createdAt", k.createdAtMillis());
    }

    private static KemPrekey kemFromJson(JsonNode k) {
        return new KemPrekey(k.path("keyId").asInt(), MlKem768.fromSeed(Bytes.base64(k.path("seed").asText(), MlKem768.SEED_BYTES)),
                Bytes.base64(k.path("signature").asText(), 64), k.path("createdAt").asLong());
    }
}
