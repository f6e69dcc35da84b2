package net.secureconnect.identity.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import net.secureconnect.identity.crypto.KeyEncoding;
import net.secureconnect.identity.model.DeviceKeys;
import net.secureconnect.identity.model.Limits;
import net.secureconnect.identity.model.Prekeys;
import net.secureconnect.identity.service.KeyDirectory;

import java.util.List;

/** Request bodies of the device and key endpoints, validated at the edge (docs/identity.md, "API"). */
public final class KeyBodies {

    private KeyBodies() {
    }

    public record SignedPrekeyBody(
            @NotNull @Min(0) @Max(Limits.MAX_KEY_ID) Integer keyId,
            @NotNull @EncodedKey(bytes = Limits.KEY_BYTES) String publicKey,
            @NotNull @EncodedKey(bytes = Limits.SIGNATURE_BYTES) String signature) {

        Prekeys.Signed toModel() {
            return new Prekeys.Signed(keyId, KeyEncoding.decodeValid(publicKey, Limits.KEY_BYTES),
                    KeyEncoding.decodeValid(signature, Limits.SIGNATURE_BYTES));
        }
    }

    public record OneTimePrekeyBody(
            @NotNull @Min(0) @Max(Limits.MAX_KEY_ID) Integer keyId,
            @NotNull @EncodedKey(bytes = Limits.KEY_BYTES) String publicKey) {

        Prekeys.OneTime toModel() {
            return new Prekeys.OneTime(keyId, KeyEncoding.decodeValid(publicKey, Limits.KEY_BYTES));
        }
    }

    public record KemPrekeyBody(
            @NotNull @Min(0) @Max(Limits.MAX_KEY_ID) Integer keyId,
            @NotNull @KemEncapsulationKey String publicKey,
            @NotNull @EncodedKey(bytes = Limits.SIGNATURE_BYTES) String signature) {

        Prekeys.Kem toModel() {
            return new Prekeys.Kem(keyId, KeyEncoding.decodeValid(publicKey, Limits.KEM_PUBLIC_KEY_BYTES),
                    KeyEncoding.decodeValid(signature, Limits.SIGNATURE_BYTES));
        }
    }

    /** Registration of a device, and the same fields again to replace its identity. */
    public record DeviceRegistration(
            @NotNull @Min(1) @Max(Limits.MAX_REGISTRATION_ID) Integer registrationId,
            @NotNull @EncodedKey(bytes = Limits.KEY_BYTES) String identityKey,
            @NotNull @EncodedKey(bytes = Limits.KEY_BYTES) String agreementKey,
            @NotNull @EncodedKey(bytes = Limits.SIGNATURE_BYTES) String agreementKeySignature,
            @NotNull @Valid SignedPrekeyBody signedPrekey,
            @Valid KemPrekeyBody kemLastResortPrekey) {

        DeviceKeys toModel() {
            return new DeviceKeys(registrationId,
                    KeyEncoding.decodeValid(identityKey, Limits.KEY_BYTES),
                    KeyEncoding.decodeValid(agreementKey, Limits.KEY_BYTES),
                    KeyEncoding.decodeValid(agreementKeySignature, Limits.SIGNATURE_BYTES),
                    signedPrekey.toModel(),
                    kemLastResortPrekey == null ? null : kemLastResortPrekey.toModel());
        }
    }

    /** A key upload: at least one field; a list present replaces that pool of one-time keys. */
    public record KeyUpload(
            @Valid SignedPrekeyBody signedPrekey,
            @Valid KemPrekeyBody kemLastResortPrekey,
            @Size(max = Limits.MAX_ONE_TIME_PREKEYS_PER_UPLOAD) List<@NotNull @Valid OneTimePrekeyBody> oneTimePrekeys,
            @Size(max = Limits.MAX_ONE_TIME_PREKEYS_PER_UPLOAD) List<@NotNull @Valid KemPrekeyBody> kemOneTimePrekeys) {

        KeyDirectory.Upload toModel() {
            return new KeyDirectory.Upload(
                    signedPrekey == null ? null : signedPrekey.toModel(),
                    kemLastResortPrekey == null ? null : kemLastResortPrekey.toModel(),
                    oneTimePrekeys == null ? null : oneTimePrekeys.stream().map(OneTimePrekeyBody::toModel).toList(),
                    kemOneTimePrekeys == null ? null : kemOneTimePrekeys.stream().map(KemPrekeyBody::toModel).toList());
        }
    }
}
