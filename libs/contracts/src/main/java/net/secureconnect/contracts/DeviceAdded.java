package net.secureconnect.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A device was linked to the account.
 *
 * @param registrationId the device's protocol registration id (1..{@value #MAX_REGISTRATION_ID})
 * @param devices        all device ids of the account after the change, ascending, so a consumer
 *                       that missed an event still converges
 */
public record DeviceAdded(
        String eventId,
        Instant occurredAt,
        String accountId,
        int deviceId,
        int registrationId,
        List<Integer> devices) implements Event {

    /** Registration ids are 14-bit, as in the Signal protocol. */
    public static final int MAX_REGISTRATION_ID = 0x3FFF;

    public DeviceAdded {
        Require.common(eventId, occurredAt, accountId);
        Require.range(deviceId, 1, Integer.MAX_VALUE, "deviceId");
        Require.range(registrationId, 1, MAX_REGISTRATION_ID, "registrationId");
        devices = Require.deviceIds(devices, "devices");
        if (!devices.contains(deviceId)) {
            throw new IllegalArgumentException("devices must contain the added device " + deviceId);
        }
    }
}
