package net.secureconnect.identity.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.identity.model.Account;
import net.secureconnect.identity.repository.AccountStore;
import net.secureconnect.identity.repository.DeviceStore;
import net.secureconnect.identity.repository.PrekeyStore;

import java.util.Optional;

/**
 * The deletions that follow a committed removal. Each is idempotent and runs before the event that
 * announces it is published, so whoever drains the outbox (the request, or the sweeper after a crash)
 * finishes them.
 */
@ApplicationScoped
public class AccountCleanup {

    private final AccountStore accounts;
    private final DeviceStore devices;
    private final PrekeyStore prekeys;

    public AccountCleanup(AccountStore accounts, DeviceStore devices, PrekeyStore prekeys) {
        this.accounts = accounts;
        this.devices = devices;
        this.prekeys = prekeys;
    }

    /** A removed device's unclaimed prekeys (device ids are never reused, so nothing new is hit). */
    public void removedDevice(String accountId, int deviceId) {
        prekeys.deleteAll(accountId, deviceId);
    }

    /** Everything of an account marked for deletion: prekeys of every device it ever had, devices, the row. */
    public void deletedAccount(String accountId) {
        Optional<Account> account = accounts.find(accountId);
        if (account.isEmpty()) {
            return; // finished by an earlier drain
        }
        if (account.get().active()) {
            throw new IllegalStateException("account " + accountId + " has an AccountDeleted event but is active");
        }
        for (int deviceId = 1; deviceId < account.get().nextDeviceId(); deviceId++) {
            prekeys.deleteAll(accountId, deviceId);
        }
        devices.deleteAll(accountId);
        accounts.deleteDeleting(accountId);
    }
}
