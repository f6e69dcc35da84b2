package net.secureconnect.identity.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import net.secureconnect.identity.crypto.KeyEncoding;
import net.secureconnect.identity.model.Account;
import net.secureconnect.identity.model.Bundle;
import net.secureconnect.identity.model.Device;
import net.secureconnect.identity.model.DeviceKeys;
import net.secureconnect.identity.model.Prekeys;

import java.time.Instant;
import java.util.List;

/** Response bodies. Keys leave in the same encoding they arrived in, so they round-trip byte for byte. */
public final class Views {

    private Views() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AccountView(String accountId, String username, List<Integer> devices, Instant createdAt) {
        static AccountView of(Account account) {
            return new AccountView(account.accountId(), account.username(), account.devices(), account.createdAt());
        }
    }

    /** The public profile: exactly what a username lookup may reveal. */
    public record UsernameView(String accountId, String username) {
    }

    public record DeviceView(int deviceId, int registrationId, Instant createdAt) {
        static DeviceView of(Device device) {
            return new DeviceView(device.deviceId(), device.keys().registrationId(), device.createdAt());
        }
    }

    public record DeviceListView(List<DeviceView> devices) {
    }

    public record RegisteredDeviceView(int deviceId, List<Integer> devices) {
    }

    public record IdentityReplacedView(int deviceId, boolean identityKeyChanged) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyCountsView(int oneTimePrekeys, int kemOneTimePrekeys, int signedPrekeyId,
                                Integer kemLastResortPrekeyId) {
    }

    public record SignedPrekeyView(int keyId, String publicKey, String signature) {
    }

    public record OneTimePrekeyView(int keyId, String publicKey) {
    }

    public record KemPrekeyView(int keyId, String publicKey, String signature, boolean lastResort) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceBundleView(int deviceId, int registrationId, String identityKey, String agreementKey,
                                   String agreementKeySignature, SignedPrekeyView signedPrekey,
                                   OneTimePrekeyView oneTimePrekey, KemPrekeyView kemPrekey) {

        static DeviceBundleView of(Bundle.DeviceBundle bundle) {
            DeviceKeys keys = bundle.device().keys();
            Prekeys.Signed signed = keys.signedPrekey();
            Prekeys.OneTime oneTime = bundle.oneTimePrekey();
            Prekeys.Kem kem = bundle.kemPrekey();
            return new DeviceBundleView(bundle.device().deviceId(), keys.registrationId(),
                    KeyEncoding.encode(keys.identityKey()),
                    KeyEncoding.encode(keys.agreementKey()),
                    KeyEncoding.encode(keys.agreementKeySignature()),
                    new SignedPrekeyView(signed.keyId(), KeyEncoding.encode(signed.publicKey()),
                            KeyEncoding.encode(signed.signature())),
                    oneTime == null ? null : new OneTimePrekeyView(oneTime.keyId(), KeyEncoding.encode(oneTime.publicKey())),
                    kem == null ? null : new KemPrekeyView(kem.keyId(), KeyEncoding.encode(kem.publicKey()),
                            KeyEncoding.encode(kem.signature()), bundle.kemLastResort()));
        }
    }

    public record BundleView(String accountId, List<DeviceBundleView> devices) {
        static BundleView of(Bundle bundle) {
            return new BundleView(bundle.accountId(), bundle.devices().stream().map(DeviceBundleView::of).toList());
        }
    }
}
