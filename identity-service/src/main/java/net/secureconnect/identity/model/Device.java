package net.secureconnect.identity.model;

import java.time.Instant;

/** A device as stored. */
public record Device(String accountId, int deviceId, DeviceKeys keys, Instant createdAt) {
}
