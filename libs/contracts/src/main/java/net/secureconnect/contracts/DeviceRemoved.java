package net.secureconnect.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A device was unlinked from the account; its queue and connections go.
 *
 * @param devices all device ids of the account after the change, ascending (may be empty)
 */
public record DeviceRemoved(
        String eventId,
        Instant occurredAt,
        String accountId,
        int deviceId,
        List<Integer> devices) implements Event {

    public DeviceRemoved {
        Require.common(eventId, occurredAt, accountId);
        Require.range(deviceId, 1, Integer.MAX_VALUE, "deviceId");
        devices = Require.deviceIds(devices, "devices");
        if (devices.contains(deviceId)) {
            throw new IllegalArgumentException("devices must not contain the removed device " + deviceId);
        }
    }
}
