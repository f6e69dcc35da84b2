package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.DeviceRemoved;
import net.secureconnect.contracts.Event;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every account's current device ids, rebuilt in memory on every instance from the {@code accounts} topic
 * (read from the beginning). DeviceAdded/DeviceRemoved carry the whole list, so the latest event of an
 * account is its state.
 */
@ApplicationScoped
public class DeviceDirectory {

    private final Map<String, List<Integer>> devices = new ConcurrentHashMap<>();

    /** Applies one event of the {@code accounts} topic; returns the removed device, if any, for its connection. */
    public Optional<Integer> apply(Event event) {
        if (event instanceof DeviceAdded added) {
            devices.put(added.accountId(), List.copyOf(added.devices()));
        } else if (event instanceof DeviceRemoved removed) {
            devices.put(removed.accountId(), List.copyOf(removed.devices()));
            return Optional.of(removed.deviceId());
        } else if (event instanceof AccountCreated created) {
            devices.putIfAbsent(created.accountId(), List.of());
        } else if (event instanceof AccountDeleted deleted) {
            devices.remove(deleted.accountId());
        }
        return Optional.empty();
    }

    /** The account's devices, ascending; empty when the account is unknown, deleted or has none. */
    public List<Integer> devicesOf(String accountId) {
        return devices.getOrDefault(accountId, List.of());
    }

    public boolean hasDevice(String accountId, int deviceId) {
        return devicesOf(accountId).contains(deviceId);
    }
}
