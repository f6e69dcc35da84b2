package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The devices connected to this instance: at most one live connection per (account, device). */
@ApplicationScoped
public class Connections {

    /** Close code for a connection replaced by a newer one of the same device. */
    public static final int REPLACED = 4001;
    /** Close code when the device is not (or no longer) one of the account's devices. */
    public static final int UNKNOWN_DEVICE = 4003;
    /** Close code for a connection that reconnects or sends invalid frames too often: wait, then reconnect. */
    public static final int TOO_MANY = 4029;

    private final Map<String, Map<Integer, DeviceSession>> byAccount = new ConcurrentHashMap<>();
    private final Map<String, DeviceSession> byConnection = new ConcurrentHashMap<>();

    /**
     * Registers the session and returns the connection of the same device to close: the older one, which may be
     * this session itself when a newer connection got here first (open callbacks do not run in connection order).
     */
    public Optional<DeviceSession> register(DeviceSession session) {
        // Both stay in byConnection until their close is seen, so each is unregistered (and counted) once.
        byConnection.put(session.connectionId(), session);
        DeviceSession[] loser = new DeviceSession[1];
        byAccount.computeIfAbsent(session.account(), a -> new ConcurrentHashMap<>())
                .compute(session.device(), (device, current) -> {
                    if (current == null) {
                        return session;
                    }
                    if (session.newerThan(current.connectedAt(), current.connectionId())) {
                        loser[0] = current;
                        return session;
                    }
                    loser[0] = session;
                    return current;
                });
        return Optional.ofNullable(loser[0]);
    }

    /** Forgets the connection; true if it was registered. */
    public boolean unregister(String connectionId) {
        DeviceSession session = byConnection.remove(connectionId);
        if (session == null) {
            return false;
        }
        byAccount.computeIfPresent(session.account(), (account, devices) -> {
            devices.remove(session.device(), session);
            return devices.isEmpty() ? null : devices;
        });
        return true;
    }

    public Optional<DeviceSession> byConnection(String connectionId) {
        return Optional.ofNullable(byConnection.get(connectionId));
    }

    public List<DeviceSession> of(String account) {
        Map<Integer, DeviceSession> devices = byAccount.get(account);
        return devices == null ? List.of() : List.copyOf(devices.values());
    }

    public Optional<DeviceSession> of(String account, int device) {
        Map<Integer, DeviceSession> devices = byAccount.get(account);
        return devices == null ? Optional.empty() : Optional.ofNullable(devices.get(device));
    }
}
