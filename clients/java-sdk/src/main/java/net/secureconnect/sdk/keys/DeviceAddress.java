package net.secureconnect.sdk.keys;

import java.util.Objects;

/** A session's peer: one device of one account. There is one session per address. */
public record DeviceAddress(String accountId, int deviceId) {
    public DeviceAddress {
        Objects.requireNonNull(accountId, "accountId");
        if (deviceId < 1) {
            throw new IllegalArgumentException("device ids start at 1");
        }
    }

    @Override
    public String toString() {
        return accountId + "/" + deviceId;
    }
}
