package net.secureconnect.sdk.api;

import com.fasterxml.jackson.databind.JsonNode;
import net.secureconnect.sdk.crypto.X25519KeyPair;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.KemPrekey;
import net.secureconnect.sdk.keys.LocalDevice;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** identity-service's API (docs/identity.md) for this device: account, username, registration, keys, bundles. */
public final class IdentityClient {

    /** Refill when fewer one-time prekeys than this are left on the server. */
    public static final int REFILL_BELOW = 20;

    private final HttpJson http;

    /** @param base e.g. {@code http://127.0.0.1:8081/}; {@code accessToken} is asked for on every call */
    public IdentityClient(HttpClient http, URI base, Supplier<String> accessToken) {
        this.http = new HttpJson(http, base, accessToken);
    }

    public record Account(String accountId, String username, List<Integer> deviceIds) {
    }

    /** {@code GET /v1/accounts/me}; provisions the account on the first call. */
    public Account me() {
        JsonNode node = http.get("v1/accounts/me");
        List<Integer> devices = new java.util.ArrayList<>();
        for (JsonNode d : node.path("devices")) {
            devices.add(d.isInt() ? d.asInt() : d.path("deviceId").asInt());
        }
        return new Account(node.path("accountId").asText(), node.hasNonNull("username") ? node.get("username").asText() : null,
                List.copyOf(devices));
    }

    /** {@code DELETE /v1/accounts/{id}/devices/{deviceId}}: removes a device of the caller's account. */
    public void removeDevice(String accountId, int deviceId) {
        http.delete(devicePath(accountId, deviceId));
    }

    /** {@code PUT /v1/accounts/{id}/username}; {@link ApiException.Conflict} {@code USERNAME_TAKEN}. */
    public void claimUsername(String accountId, String username) {
        http.put("v1/accounts/" + segment(accountId) + "/username", Map.of("username", username));
    }

    /** {@code GET /v1/usernames/{username}} → account id; {@link ApiException.NotFound} if nobody has it. */
    public String lookupUsername(String username) {
        return http.get("v1/usernames/" + segment(username)).path("accountId").asText();
    }

    /** {@code POST /v1/accounts/{id}/devices} with this device's keys; records and returns the new device id. */
    public int registerDevice(String accountId, LocalDevice device) {
        int deviceId = http.post("v1/accounts/" + segment(accountId) + "/devices", device.registrationBody())
                .path("deviceId").asInt();
        device.registered(accountId, deviceId);
        return deviceId;
    }

    /** {@code PUT …/keys} with the current signed prekey and {@code oneTime} (at most 100). */
    public void uploadKeys(String accountId, int deviceId, LocalDevice device, List<Map.Entry<Integer, X25519KeyPair>> oneTime) {
        http.put(devicePath(accountId, deviceId) + "/keys", device.keyUploadBody(oneTime));
    }

    /** What the server still holds for this device ({@code GET …/keys}). */
    public record KeyCounts(int oneTimePrekeys, int kemOneTimePrekeys, int signedPrekeyId, Integer kemLastResortPrekeyId) {
    }

    public KeyCounts keyCounts(String accountId, int deviceId) {
        JsonNode node = http.get(devicePath(accountId, deviceId) + "/keys");
        return new KeyCounts(node.path("oneTimePrekeys").asInt(), node.path("kemOneTimePrekeys").asInt(),
                node.path("signedPrekeyId").asInt(), node.hasNonNull("kemLastResortPrekeyId") ? node.get("kemLastResortPrekeyId").asInt() : null);
    }

    /** How many keys of each kind a refill uploaded, and whether a rotated signed / last-resort KEM prekey was published. */
    public record Refill(int oneTimePrekeys, int kemOneTimePrekeys, boolean rotatedPublished) {
        public Refill(int oneTimePrekeys, int kemOneTimePrekeys) {
            this(oneTimePrekeys, kemOneTimePrekeys, false);
        }

        /** Whether the device's keys changed (the caller persists them). */
        public boolean any() {
            return oneTimePrekeys + kemOneTimePrekeys > 0 || rotatedPublished;
        }
    }

    /**
     * Key maintenance, run at registration and then at most once a minute while receiving: rotates the signed
     * prekey and the last-resort KEM prekey when a week old ({@link LocalDevice#rotateIfDue}), publishes the current
     * ones when the server holds others (a rotation, or an upload that failed before), and tops each kind of
     * one-time prekey (X25519, ML-KEM-768) up to 100 when fewer than {@link #REFILL_BELOW} are left on the server.
     * An upload replaces the unclaimed keys of the kinds it carries, so a low kind gets a full new set of 100 and
     * the other kind is left out. The caller persists {@code device} afterwards when {@link Refill#any()}
     * ({@code ProfileStore.localDeviceChanged()}).
     */
    public Refill refillPrekeysIfLow(String accountId, int deviceId, LocalDevice device) {
        boolean rotated = device.rotateIfDue(System.currentTimeMillis());
        KeyCounts left = keyCounts(accountId, deviceId);
        boolean serverStale = left.signedPrekeyId() != device.currentSignedPrekey().keyId()
                || !java.util.Objects.equals(left.kemLastResortPrekeyId(),
                        device.currentKemLastResortPrekey().map(KemPrekey::keyId).orElse(null));
        // Low, or the server holds more keys of a kind than this device has private keys for (a profile restored
        // after a rollback dropped them, §8): a new full set replaces the server's unclaimed ones.
        List<Map.Entry<Integer, X25519KeyPair>> oneTime = left.oneTimePrekeys() < REFILL_BELOW
                || left.oneTimePrekeys() > device.oneTimePrekeys().size()
                ? device.generateOneTimePrekeys(LocalDevice.ONE_TIME_PREKEYS_PER_UPLOAD) : List.of();
        List<KemPrekey> kemOneTime = left.kemOneTimePrekeys() < REFILL_BELOW
                || left.kemOneTimePrekeys() > device.kemOneTimePrekeys().size()
                ? device.generateKemOneTimePrekeys(LocalDevice.ONE_TIME_PREKEYS_PER_UPLOAD) : List.of();
        Refill refill = new Refill(oneTime.size(), kemOneTime.size(), rotated || serverStale);
        if (refill.any()) {
            // Always carries the current signed and last-resort KEM prekeys.
            http.put(devicePath(accountId, deviceId) + "/keys", device.keyUploadBody(oneTime, kemOneTime));
            // The upload replaced the server's unclaimed keys of the kinds it carried: older local ones are stale.
            long now = System.currentTimeMillis();
            if (!oneTime.isEmpty()) {
                device.oneTimePrekeysReplaced(oneTime.stream().map(Map.Entry::getKey).toList(), now);
            }
            if (!kemOneTime.isEmpty()) {
                device.kemOneTimePrekeysReplaced(kemOneTime.stream().map(KemPrekey::keyId).toList(), now);
            }
        }
        return refill;
    }

    /** {@code GET /v1/bundles/{accountId}}: every device, signatures verified. */
    public List<DeviceBundle> bundles(String accountId) {
        return DeviceBundle.parse(http.get("v1/bundles/" + segment(accountId))).stream().map(DeviceBundle::verified).toList();
    }

    /** {@code GET /v1/bundles/{accountId}/{deviceId}}, signatures verified. */
    public DeviceBundle bundle(String accountId, int deviceId) {
        return DeviceBundle.parse(http.get("v1/bundles/" + segment(accountId) + "/" + deviceId)).get(0).verified();
    }

    private static String devicePath(String accountId, int deviceId) {
        return "v1/accounts/" + segment(accountId) + "/devices/" + deviceId;
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
