package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.trust.IdentityPin;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A {@link ProtocolStore} that forgets everything when the process ends (tests, benchmarks). */
public final class InMemoryProtocolStore implements ProtocolStore {

    private final LocalDevice device;
    private final Map<DeviceAddress, SessionRecord> sessions = new HashMap<>();
    /** Accepted base keys per signed prekey id; a bucket goes when its signed prekey is deleted. */
    private final Map<Integer, Set<String>> baseKeys = new HashMap<>();
    private final Map<DeviceAddress, IdentityPin> pins = new java.util.TreeMap<>(
            java.util.Comparator.comparing(DeviceAddress::accountId).thenComparingInt(DeviceAddress::deviceId));

    public InMemoryProtocolStore(LocalDevice device) {
        this.device = device;
    }

    @Override
    public LocalDevice localDevice() {
        return device;
    }

    @Override
    public void localDeviceChanged() {
        baseKeys.keySet().removeIf(id -> device.signedPrekey(id).isEmpty());
    }

    @Override
    public Optional<SessionRecord> sessionRecord(DeviceAddress address) {
        return Optional.ofNullable(sessions.get(address));
    }

    @Override
    public void storeSessionRecord(DeviceAddress address, SessionRecord record) {
        sessions.put(address, record);
    }

    @Override
    public boolean isBaseKeyKnown(int signedPrekeyId, byte[] baseKey) {
        return baseKeys.getOrDefault(signedPrekeyId, Set.of()).contains(Bytes.hex(baseKey));
    }

    @Override
    public void rememberBaseKey(int signedPrekeyId, byte[] baseKey) {
        baseKeys.computeIfAbsent(signedPrekeyId, id -> new HashSet<>()).add(Bytes.hex(baseKey));
    }

    @Override
    public void removeSessionRecord(DeviceAddress address) {
        sessions.remove(address);
    }

    @Override
    public Optional<IdentityPin> pin(DeviceAddress device) {
        return Optional.ofNullable(pins.get(device));
    }

    @Override
    public java.util.List<IdentityPin> pins(String accountId) {
        return pins.values().stream().filter(p -> p.device().accountId().equals(accountId)).toList();
    }

    @Override
    public void storePin(IdentityPin pin) {
        pins.put(pin.device(), pin);
    }
}
