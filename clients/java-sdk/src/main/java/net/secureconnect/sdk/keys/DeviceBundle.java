package net.secureconnect.sdk.keys;

import com.fasterxml.jackson.databind.JsonNode;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.MlKem768;
import net.secureconnect.sdk.crypto.Sodium;

import java.util.ArrayList;
import java.util.List;

/**
 * One device's entry of a bundle served by identity-service ({@code GET /v1/bundles/…}), decoded.
 * {@link #verified()} checks every signature with libsodium before any key is used.
 */
public record DeviceBundle(String accountId, int deviceId, int registrationId,
                           byte[] identityKey, byte[] agreementKey, byte[] agreementKeySignature,
                           int signedPrekeyId, byte[] signedPrekey, byte[] signedPrekeySignature,
                           Integer oneTimePrekeyId, byte[] oneTimePrekey,
                           Integer kemPrekeyId, byte[] kemPrekey, byte[] kemPrekeySignature, boolean kemLastResort) {

    /** A bundle without post-quantum prekey. */
    public DeviceBundle(String accountId, int deviceId, int registrationId, byte[] identityKey, byte[] agreementKey,
                        byte[] agreementKeySignature, int signedPrekeyId, byte[] signedPrekey, byte[] signedPrekeySignature,
                        Integer oneTimePrekeyId, byte[] oneTimePrekey) {
        this(accountId, deviceId, registrationId, identityKey, agreementKey, agreementKeySignature, signedPrekeyId,
                signedPrekey, signedPrekeySignature, oneTimePrekeyId, oneTimePrekey, null, null, null, false);
    }

    /** Every device of a bundle response {@code {"accountId", "devices": [...]}}. */
    public static List<DeviceBundle> parse(JsonNode response) {
        String accountId = response.path("accountId").asText();
        List<DeviceBundle> devices = new ArrayList<>();
        for (JsonNode device : response.path("devices")) {
            JsonNode spk = device.path("signedPrekey");
            JsonNode otp = device.get("oneTimePrekey");
            JsonNode kem = device.get("kemPrekey");
            devices.add(new DeviceBundle(accountId, device.path("deviceId").asInt(),
                    device.path("registrationId").asInt(),
                    Bytes.base64(device.path("identityKey").asText(), 32),
                    Bytes.base64(device.path("agreementKey").asText(), 32),
                    Bytes.base64(device.path("agreementKeySignature").asText(), 64),
                    spk.path("keyId").asInt(),
                    Bytes.base64(spk.path("publicKey").asText(), 32),
                    Bytes.base64(spk.path("signature").asText(), 64),
                    otp == null ? null : otp.path("keyId").asInt(),
                    otp == null ? null : Bytes.base64(otp.path("publicKey").asText(), 32),
                    kem == null ? null : kem.path("keyId").asInt(),
                    kem == null ? null : Bytes.base64(kem.path("publicKey").asText(), MlKem768.PUBLIC_KEY_BYTES),
                    kem == null ? null : Bytes.base64(kem.path("signature").asText(), 64),
                    kem != null && kem.path("lastResort").asBoolean()));
        }
        return devices;
    }

    /** This bundle, if the agreement key and the signed prekey are signed by the identity key. */
    public DeviceBundle verified() {
        if (!Sodium.verify(identityKey, SignedMessages.agreementKey(agreementKey), agreementKeySignature)) {
            throw new InvalidSignatureException("agreement key signature of " + accountId + "/" + deviceId);
        }
        if (!Sodium.verify(identityKey, SignedMessages.signedPrekey(signedPrekey), signedPrekeySignature)) {
            throw new InvalidSignatureException("signed prekey signature of " + accountId + "/" + deviceId);
        }
        if (kemPrekey != null && !Sodium.verify(identityKey, SignedMessages.kemPrekey(kemPrekey), kemPrekeySignature)) {
            throw new InvalidSignatureException("post-quantum prekey signature of " + accountId + "/" + deviceId);
        }
        return this;
    }

    public DeviceAddress address() {
        return new DeviceAddress(accountId, deviceId);
    }
}
