package net.secureconnect.identity.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An account as stored. {@code version} guards every change (optimistic lock) and numbers the account's
 * events: an event written with a change sits in the outbox at the change's new version.
 *
 * @param devices      ids of the current devices, ascending
 * @param nextDeviceId the id the next registered device gets; ids are never reused
 */
public record Account(String accountId, String subject, Status status, long version, Instant createdAt,
                      String username, String usernameKey, List<Integer> devices, int nextDeviceId) {

    public enum Status { ACTIVE, DELETING }

    public Account {
        List<Integer> sorted = new ArrayList<>(devices);
        Collections.sort(sorted);
        devices = List.copyOf(sorted);
    }

    /** A new account as provisioning writes it: version 1, the version of its AccountCreated event. */
    public static Account create(String accountId, String subject, Instant now) {
        return new Account(accountId, subject, Status.ACTIVE, 1, now, null, null, List.of(), 1);
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    public long nextVersion() {
        return version + 1;
    }

    public List<Integer> withDevice(int deviceId) {
        List<Integer> all = new ArrayList<>(devices);
        all.add(deviceId);
        Collections.sort(all);
        return List.copyOf(all);
    }

    public List<Integer> withoutDevice(int deviceId) {
        List<Integer> all = new ArrayList<>(devices);
        all.remove(Integer.valueOf(deviceId));
        return List.copyOf(all);
    }
}
