package net.secureconnect.identity.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.identity.model.Account;
import net.secureconnect.identity.model.Bundle;
import net.secureconnect.identity.model.Device;
import net.secureconnect.identity.model.Prekeys;
import net.secureconnect.identity.model.Prekeys.OneTimeKind;
import net.secureconnect.identity.repository.AccountStore;
import net.secureconnect.identity.repository.DeviceStore;
import net.secureconnect.identity.repository.PrekeyStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The public key directory: prekey uploads by a device's owner, bundle fetches by anyone. */
@ApplicationScoped
public class KeyDirectory {

    /** Account ids are random UUIDs; anything else names no account (and is never sent to DynamoDB). */
    private static final Pattern ACCOUNT_ID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final AccountStore accounts;
    private final DeviceStore devices;
    private final PrekeyStore prekeys;
    private final DeviceService deviceService;
    private final RateLimiter rateLimiter;
    private final MeterRegistry metrics;

    public KeyDirectory(AccountStore accounts, DeviceStore devices, PrekeyStore prekeys, DeviceService deviceService,
                        RateLimiter rateLimiter, MeterRegistry metrics) {
        this.accounts = accounts;
        this.devices = devices;
        this.prekeys = prekeys;
        this.deviceService = deviceService;
        this.rateLimiter = rateLimiter;
        this.metrics = metrics;
    }

    /** A key upload; null fields are left as they are, a present list replaces that pool. */
    public record Upload(Prekeys.Signed signedPrekey, Prekeys.Kem kemLastResort, List<Prekeys.OneTime> oneTime,
                         List<Prekeys.Kem> kemOneTime) {
    }

    /** What the owner sees about a device's keys. */
    public record KeyCounts(int oneTimePrekeys, int kemOneTimePrekeys, int signedPrekeyId, Integer kemLastResortPrekeyId) {
    }

    public void upload(Account caller, int deviceId, Upload upload) {
        rateLimiter.check(RateLimit.KEY_UPLOAD_PER_ACCOUNT, caller.accountId());
        if (upload.signedPrekey() == null && upload.kemLastResort() == null && upload.oneTime() == null
                && upload.kemOneTime() == null) {
            throw IdentityProblems.emptyKeyUpload();
        }
        Device device = deviceService.requireDevice(caller, deviceId);
        byte[] identityKey = device.keys().identityKey();
        if (upload.oneTime() != null) {
            requireDistinct(upload.oneTime().stream().map(Prekeys.OneTime::keyId).toList(), "oneTimePrekeys");
        }
        if (upload.kemOneTime() != null) {
            requireDistinct(upload.kemOneTime().stream().map(Prekeys.Kem::keyId).toList(), "kemOneTimePrekeys");
        }
        if (upload.signedPrekey() != null) {
            KeyVerification.verifySignedPrekey(identityKey, upload.signedPrekey(), "signedPrekey.signature");
        }
        if (upload.kemLastResort() != null) {
            KeyVerification.verifyKem(identityKey, upload.kemLastResort(), "kemLastResortPrekey.signature");
        }
        if (upload.kemOneTime() != null) {
            KeyVerification.verifyKems(identityKey, upload.kemOneTime(), "kemOneTimePrekeys");
        }

        if (upload.signedPrekey() != null || upload.kemLastResort() != null) {
            switch (devices.updatePrekeys(caller.accountId(), deviceId, identityKey, upload.signedPrekey(),
                    upload.kemLastResort())) {
                case DEVICE_GONE -> throw IdentityProblems.deviceNotFound();
                case IDENTITY_CHANGED -> throw IdentityProblems.identityKeyChanged();
                case UPDATED -> { }
            }
        }
        if (upload.oneTime() != null) {
            prekeys.replaceOneTime(caller.accountId(), deviceId, upload.oneTime());
        }
        if (upload.kemOneTime() != null) {
            prekeys.replaceKem(caller.accountId(), deviceId, upload.kemOneTime());
        }
        if (upload.oneTime() != null || upload.kemOneTime() != null) {
            retractIfDeviceChanged(caller.accountId(), deviceId, identityKey, upload);
        }
    }

    public KeyCounts counts(Account caller, int deviceId) {
        Device device = deviceService.requireDevice(caller, deviceId);
        Prekeys.Kem lastResort = device.keys().kemLastResort();
        return new KeyCounts(
                prekeys.count(caller.accountId(), deviceId, OneTimeKind.EC),
                prekeys.count(caller.accountId(), deviceId, OneTimeKind.KEM),
                device.keys().signedPrekey().keyId(),
                lastResort == null ? null : lastResort.keyId());
    }

    /**
     * Bundles of the target's devices ({@code deviceId} null: all of them), each with at most one one-time
     * key of each kind, claimed atomically: no key is ever handed out twice.
     */
    public Bundle fetch(String requesterId, String targetAccountId, Integer deviceId) {
        rateLimiter.check(RateLimit.BUNDLE_FETCH_PER_REQUESTER, requesterId);
        if (!ACCOUNT_ID.matcher(targetAccountId).matches()) {
            throw IdentityProblems.accountNotFound();
        }
        // Per (requester, target), never per target alone: a shared bucket would let one account that drains a
        // user's one-time keys keep every other requester at 429 for that user.
        rateLimiter.check(RateLimit.BUNDLE_FETCH_PER_PAIR, requesterId + '>' + targetAccountId);
        Account target = accounts.find(targetAccountId).filter(Account::active)
                .orElseThrow(IdentityProblems::accountNotFound);
        List<Device> chosen;
        if (deviceId == null) {
            chosen = devices.all(targetAccountId).stream()
                    .filter(device -> target.devices().contains(device.deviceId())).toList();
        } else {
            if (!target.devices().contains(deviceId)) {
                throw IdentityProblems.deviceNotFound();
            }
            chosen = List.of(devices.find(targetAccountId, deviceId).orElseThrow(IdentityProblems::deviceNotFound));
        }
        List<Bundle.DeviceBundle> bundles = new ArrayList<>();
        for (Device device : chosen) {
            bundles.add(bundleOf(device));
        }
        if (bundles.stream().anyMatch(bundle -> bundle.oneTimePrekey() == null)) {
            // A fetch that found a device's one-time keys used up: the signal for the drain alert (docs/identity.md).
            metrics.counter("identity.bundle.drained").increment();
        }
        return new Bundle(targetAccountId, bundles);
    }

    private Bundle.DeviceBundle bundleOf(Device device) {
        Optional<Prekeys.OneTime> oneTime = prekeys.claimOneTime(device.accountId(), device.deviceId());
        count("ec", oneTime.isPresent() ? "claimed" : "exhausted");
        Optional<Prekeys.Kem> kem = prekeys.claimKem(device.accountId(), device.deviceId());
        boolean lastResort = kem.isEmpty() && device.keys().kemLastResort() != null;
        count("kem", kem.isPresent() ? "claimed" : lastResort ? "last-resort" : "exhausted");
        return new Bundle.DeviceBundle(device, oneTime.orElse(null),
                kem.orElse(lastResort ? device.keys().kemLastResort() : null), lastResort);
    }

    private void count(String kind, String outcome) {
        metrics.counter("identity.prekey.claims", "kind", kind, "outcome", outcome).increment();
    }

    /**
     * One-time keys written while the device was removed or re-keyed would sit there unsigned by (or
     * unrelated to) its identity: take them back and refuse the upload.
     */
    private void retractIfDeviceChanged(String accountId, int deviceId, byte[] identityKey, Upload upload) {
        Optional<Device> now = devices.find(accountId, deviceId);
        if (now.isPresent() && Arrays.equals(now.get().keys().identityKey(), identityKey)) {
            return;
        }
        if (upload.oneTime() != null) {
            prekeys.delete(accountId, deviceId, OneTimeKind.EC,
                    upload.oneTime().stream().map(Prekeys.OneTime::keyId).collect(Collectors.toSet()));
        }
        if (upload.kemOneTime() != null) {
            prekeys.delete(accountId, deviceId, OneTimeKind.KEM,
                    upload.kemOneTime().stream().map(Prekeys.Kem::keyId).collect(Collectors.toSet()));
        }
        throw now.isEmpty() ? IdentityProblems.deviceNotFound() : IdentityProblems.identityKeyChanged();
    }

    private static void requireDistinct(List<Integer> keyIds, String field) {
        Set<Integer> seen = new HashSet<>();
        for (int keyId : keyIds) {
            if (!seen.add(keyId)) {
                throw IdentityProblems.duplicateKeyId(field, keyId);
            }
        }
    }
}
