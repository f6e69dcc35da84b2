package net.secureconnect.identity.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.DeviceRemoved;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.IdentityKeyChanged;
import net.secureconnect.identity.config.IdentityConfig;
import net.secureconnect.identity.crypto.KeyEncoding;
import net.secureconnect.identity.model.Account;
import net.secureconnect.identity.model.Device;
import net.secureconnect.identity.model.DeviceKeys;
import net.secureconnect.identity.repository.AccountStore;
import net.secureconnect.identity.repository.DeviceStore;
import net.secureconnect.identity.repository.OutboxStore;
import net.secureconnect.identity.repository.PrekeyStore;
import net.secureconnect.identity.repository.Transactions;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Devices: registration under the per-account limit, removal, and identity replacement. */
@ApplicationScoped
public class DeviceService {

    private final AccountStore accounts;
    private final DeviceStore devices;
    private final PrekeyStore prekeys;
    private final OutboxStore outbox;
    private final Transactions transactions;
    private final OutboxRelay relay;
    private final RateLimiter rateLimiter;
    private final int maxDevices;

    public DeviceService(AccountStore accounts, DeviceStore devices, PrekeyStore prekeys, OutboxStore outbox,
                         Transactions transactions, OutboxRelay relay, RateLimiter rateLimiter,
                         IdentityConfig config) {
        this.accounts = accounts;
        this.devices = devices;
        this.prekeys = prekeys;
        this.outbox = outbox;
        this.transactions = transactions;
        this.relay = relay;
        this.rateLimiter = rateLimiter;
        this.maxDevices = config.devices().maxPerAccount();
    }

    /** The registered device and all device ids of the account after it. */
    public record Registered(int deviceId, List<Integer> devices) {
    }

    /**
     * Registers a device: signatures first (nothing is written for a bad one), then one transaction adds it
     * to the account's device list under the version lock, which is what keeps the limit under races.
     */
    public Registered register(Account caller, DeviceKeys keys) {
        rateLimiter.check(RateLimit.KEY_UPLOAD_PER_ACCOUNT, caller.accountId());
        KeyVerification.verifyRegistration(keys);
        Account account = caller;
        for (int attempt = 0; attempt < AccountService.MAX_ATTEMPTS; attempt++) {
            if (account.devices().size() >= maxDevices) {
                throw IdentityProblems.deviceLimitReached(maxDevices);
            }
            int deviceId = account.nextDeviceId();
            List<Integer> after = account.withDevice(deviceId);
            Instant now = Instant.now();
            DeviceAdded added = new DeviceAdded(AccountService.eventId(EventType.DEVICE_ADDED, account,
                    account.nextVersion()), now, account.accountId(), deviceId, keys.registrationId(), after);
            try {
                transactions.write(
                        accounts.changeDevices(account, after, deviceId + 1),
                        devices.create(new Device(account.accountId(), deviceId, keys, now)),
                        outbox.append(added, account.nextVersion()));
            } catch (TransactionCanceledException e) {
                account = reread(account);
                continue;
            }
            relay.drain(account.accountId());
            return new Registered(deviceId, after);
        }
        throw IdentityProblems.concurrentModification();
    }

    public List<Device> list(Account caller) {
        return devices.all(caller.accountId()).stream()
                .filter(device -> caller.devices().contains(device.deviceId())).toList();
    }

    /** Removes a device; its prekeys go before DeviceRemoved is published. */
    public void remove(Account caller, int deviceId) {
        Account account = caller;
        for (int attempt = 0; attempt < AccountService.MAX_ATTEMPTS; attempt++) {
            if (!account.devices().contains(deviceId)) {
                throw IdentityProblems.deviceNotFound();
            }
            List<Integer> after = account.withoutDevice(deviceId);
            DeviceRemoved removed = new DeviceRemoved(AccountService.eventId(EventType.DEVICE_REMOVED,
                    account, account.nextVersion()), Instant.now(), account.accountId(), deviceId, after);
            try {
                transactions.write(
                        accounts.changeDevices(account, after, account.nextDeviceId()),
                        devices.delete(account.accountId(), deviceId),
                        outbox.append(removed, account.nextVersion()));
            } catch (TransactionCanceledException e) {
                account = reread(account);
                continue;
            }
            relay.drain(account.accountId());
            return;
        }
        throw IdentityProblems.concurrentModification();
    }

    /**
     * Re-registers a device with new keys. A different identity key retires the device's one-time keys
     * (deleted before the commit, so no fetch pairs an old one with the new identity) and publishes
     * IdentityKeyChanged. Returns whether the identity key changed.
     */
    public boolean replaceIdentity(Account caller, int deviceId, DeviceKeys keys) {
        rateLimiter.check(RateLimit.KEY_UPLOAD_PER_ACCOUNT, caller.accountId());
        KeyVerification.verifyRegistration(keys);
        Device device = requireDevice(caller, deviceId);
        boolean changed = !Arrays.equals(device.keys().identityKey(), keys.identityKey());
        if (!changed) {
            try {
                transactions.write(devices.replaceKeys(caller.accountId(), deviceId, keys));
                return false;
            } catch (TransactionCanceledException e) {
                throw IdentityProblems.deviceNotFound();
            }
        }
        prekeys.deleteAll(caller.accountId(), deviceId);
        Account account = caller;
        for (int attempt = 0; attempt < AccountService.MAX_ATTEMPTS; attempt++) {
            IdentityKeyChanged event = new IdentityKeyChanged(AccountService.eventId(EventType.IDENTITY_KEY_CHANGED,
                    account, account.nextVersion()), Instant.now(), account.accountId(), deviceId,
                    KeyEncoding.encode(keys.identityKey()));
            try {
                transactions.write(
                        devices.replaceKeys(account.accountId(), deviceId, keys),
                        accounts.nextVersion(account),
                        outbox.append(event, account.nextVersion()));
            } catch (TransactionCanceledException e) {
                if (Transactions.conditionFailed(e, 0)) {
                    throw IdentityProblems.deviceNotFound();
                }
                account = reread(account);
                continue;
            }
            relay.drain(account.accountId());
            return true;
        }
        throw IdentityProblems.concurrentModification();
    }

    /** The caller's device, or 404. */
    public Device requireDevice(Account caller, int deviceId) {
        if (!caller.devices().contains(deviceId)) {
            throw IdentityProblems.deviceNotFound();
        }
        return devices.find(caller.accountId(), deviceId).orElseThrow(IdentityProblems::deviceNotFound);
    }

    private Account reread(Account account) {
        return accounts.find(account.accountId()).filter(Account::active)
                .orElseThrow(IdentityProblems::accountNotFound);
    }
}
