package net.secureconnect.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.crypto.X25519KeyPair;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.keys.SignedMessages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's request bodies pass the checks identity-service makes (docs/identity.md "Encodings and
 * cryptography"): canonical padded base64 of the right lengths, and signatures over "label ‖ 0x00 ‖ key"
 * verified the way the service verifies them (JDK Ed25519) and the way clients do (libsodium).
 */
class RegistrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    @Test
    void registrationBodyVerifiesUnderTheServicesRules() throws Exception {
        LocalDevice device = LocalDevice.generate();
        JsonNode body = JSON.valueToTree(device.registrationBody());
        assertEquals(List.of("registrationId", "identityKey", "agreementKey", "agreementKeySignature", "signedPrekey",
                        "kemLastResortPrekey"),
                iteratorToList(body.fieldNames()));
        int registrationId = body.get("registrationId").asInt();
        assertTrue(registrationId >= 1 && registrationId <= 16383);

        byte[] identityKey = canonical(body.get("identityKey").asText(), 32);
        byte[] agreementKey = canonical(body.get("agreementKey").asText(), 32);
        byte[] agreementSignature = canonical(body.get("agreementKeySignature").asText(), 64);
        JsonNode spk = body.get("signedPrekey");
        byte[] signedPrekey = canonical(spk.get("publicKey").asText(), 32);
        byte[] signedPrekeySignature = canonical(spk.get("signature").asText(), 64);
        assertTrue(spk.get("keyId").asInt() >= 0 && spk.get("keyId").asInt() <= 0xFFFFFF);

        byte[] agreementMessage = labelled("SecureConnect agreement key v1", agreementKey);
        byte[] signedPrekeyMessage = labelled("SecureConnect signed prekey v1", signedPrekey);
        assertTrue(jdkVerify(identityKey, agreementMessage, agreementSignature));
        assertTrue(jdkVerify(identityKey, signedPrekeyMessage, signedPrekeySignature));
        assertTrue(Sodium.verify(identityKey, agreementMessage, agreementSignature));
        assertTrue(Sodium.verify(identityKey, signedPrekeyMessage, signedPrekeySignature));
        JsonNode kem = body.get("kemLastResortPrekey");
        byte[] kemKey = canonical(kem.get("publicKey").asText(), 1184);
        assertTrue(net.secureconnect.sdk.crypto.MlKem768.isWellFormedEncapsulationKey(kemKey), "FIPS 203 modulus check");
        assertTrue(jdkVerify(identityKey, labelled("SecureConnect kem prekey v1", kemKey), canonical(kem.get("signature").asText(), 64)));
        // A signature for one purpose is not valid for another.
        assertTrue(!jdkVerify(identityKey, labelled("SecureConnect signed prekey v1", agreementKey), agreementSignature));
        assertArrayEquals(agreementMessage, SignedMessages.agreementKey(agreementKey));
    }

    @Test
    void keyUploadBodyCarriesCanonicalOneTimePrekeys() throws Exception {
        LocalDevice device = LocalDevice.generate();
        List<Map.Entry<Integer, X25519KeyPair>> keys = device.generateOneTimePrekeys(100);
        JsonNode body = JSON.valueToTree(device.keyUploadBody(keys));
        assertEquals(100, body.get("oneTimePrekeys").size());
        for (JsonNode key : body.get("oneTimePrekeys")) {
            canonical(key.get("publicKey").asText(), 32);
            assertEquals(List.of("keyId", "publicKey"), iteratorToList(key.fieldNames()));
        }
        assertEquals(100, body.get("oneTimePrekeys").findValuesAsText("keyId").stream().distinct().count());
        JsonNode kemBody = JSON.valueToTree(device.keyUploadBody(List.of(), device.generateKemOneTimePrekeys(100)));
        assertEquals(100, kemBody.get("kemOneTimePrekeys").size());
        for (JsonNode key : kemBody.get("kemOneTimePrekeys")) {
            byte[] kemKey = canonical(key.get("publicKey").asText(), 1184);
            assertTrue(jdkVerify(device.identity().publicKey(), labelled("SecureConnect kem prekey v1", kemKey),
                    canonical(key.get("signature").asText(), 64)));
        }
        JsonNode spk = body.get("signedPrekey");
        assertTrue(jdkVerify(device.identity().publicKey(),
                labelled("SecureConnect signed prekey v1", canonical(spk.get("publicKey").asText(), 32)),
                canonical(spk.get("signature").asText(), 64)));
    }

    @Test
    void bundleServedByTheServiceParsesAndVerifies() throws Exception {
        LocalDevice device = LocalDevice.generate();
        device.generateOneTimePrekeys(1);
        Map<String, Object> registration = device.registrationBody();
        X25519KeyPair oneTime = device.oneTimePrekey(1).orElseThrow();
        // The shape of GET /v1/bundles/{accountId} in docs/identity.md.
        String json = "{\"accountId\":\"acc\",\"devices\":[{\"deviceId\":3,\"registrationId\":" + device.registrationId()
                + ",\"identityKey\":\"" + registration.get("identityKey") + "\",\"agreementKey\":\"" + registration.get("agreementKey")
                + "\",\"agreementKeySignature\":\"" + registration.get("agreementKeySignature") + "\",\"signedPrekey\":"
                + JSON.writeValueAsString(registration.get("signedPrekey"))
                + ",\"oneTimePrekey\":{\"keyId\":1,\"publicKey\":\"" + Base64.getEncoder().encodeToString(oneTime.publicKey())
                + "\"},\"kemPrekey\":" + JSON.writeValueAsString(registration.get("kemLastResortPrekey")).replace("}", ",\"lastResort\":true}")
                + "}]}";
        List<DeviceBundle> devices = DeviceBundle.parse(JSON.readTree(json));
        assertEquals(1, devices.size());
        DeviceBundle bundle = devices.get(0).verified();
        assertEquals("acc", bundle.accountId());
        assertEquals(3, bundle.deviceId());
        assertEquals(1, bundle.oneTimePrekeyId());
        assertArrayEquals(oneTime.publicKey(), bundle.oneTimePrekey());
        assertTrue(bundle.kemLastResort());
        assertArrayEquals(device.currentKemLastResortPrekey().orElseThrow().keyPair().publicKey(), bundle.kemPrekey());
    }

    private static byte[] canonical(String text, int length) {
        byte[] bytes = Base64.getDecoder().decode(text);
        assertEquals(length, bytes.length);
        assertEquals(text, Base64.getEncoder().encodeToString(bytes), "canonical padded base64");
        return bytes;
    }

    private static byte[] labelled(String label, byte[] key) {
        byte[] prefix = label.getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[prefix.length + 1 + key.length];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        System.arraycopy(key, 0, message, prefix.length + 1, key.length);
        return message;
    }

    /** As identity-service's crypto/Ed25519 does it. */
    private static boolean jdkVerify(byte[] publicKey, byte[] message, byte[] signature) throws Exception {
        byte[] spki = new byte[SPKI_PREFIX.length + 32];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(publicKey, 0, spki, SPKI_PREFIX.length, 32);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
        verifier.update(message);
        return verifier.verify(signature);
    }

    private static <T> List<T> iteratorToList(java.util.Iterator<T> iterator) {
        List<T> out = new java.util.ArrayList<>();
        iterator.forEachRemaining(out::add);
        return out;
    }
}
