package net.secureconnect.sdk.trust;

import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.protocol.ProtocolStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The pinning rules of docs/protocol-crypto.md §10 over a {@link ProtocolStore}'s pins: which identity key
 * is accepted for which device, what is refused, what the user is told, and the user's decisions (accept a
 * change, mark a contact verified). Not thread-safe (used under the caller's lock, like the store).
 */
public final class TrustStore {

    /** The result of a check that passed: whether the device still has to be pinned (first sight). */
    public record Decision(DeviceAddress device, byte[] identityKey, boolean newPin, boolean addedToKnownAccount) {
    }

    private final ProtocolStore store;
    private final TrustListener listener;

    public TrustStore(ProtocolStore store, TrustListener listener) {
        this.store = store;
        this.listener = listener;
    }

    public ProtocolStore store() {
        return store;
    }

    /**
     * Checks {@code identityKey} for {@code device}; throws {@link UntrustedIdentityException} (after telling the
     * listener and remembering the key as pending) when it must be refused. Stores nothing for an accepted new
     * device: call {@link #commit} once the session is really created.
     */
    public Decision check(DeviceAddress device, byte[] identityKey) {
        Optional<IdentityPin> pin = store.pin(device);
        if (pin.isPresent() && pin.get().identityKey() != null) {
            IdentityPin p = pin.get();
            if (Sodium.constantTimeEquals(p.identityKey(), identityKey)) {
                return new Decision(device, identityKey, false, false);
            }
            store.storePin(p.withPending(identityKey));
            throw refuse(new UntrustedIdentityException(device, UntrustedIdentityException.Reason.IDENTITY_CHANGED,
                    p.verified(), p.identityKey(), identityKey));
        }
        List<IdentityPin> account = store.pins(device.accountId());
        if (account.stream().anyMatch(IdentityPin::verified)) {
            store.storePin(new IdentityPin(device, null, false, System.currentTimeMillis(), identityKey.clone()));
            throw refuse(new UntrustedIdentityException(device,
                    UntrustedIdentityException.Reason.NEW_DEVICE_OF_VERIFIED_CONTACT, true, null, identityKey));
        }
        // Own account: device ids only grow, so one above this device's id was added after this device.
        boolean known = account.stream().anyMatch(x -> x.identityKey() != null)
                || isOwn(device) && device.deviceId() > store.localDevice().deviceId().orElse(Integer.MAX_VALUE);
        return new Decision(device, identityKey.clone(), true, known);
    }

    /** Pins a device first seen in {@code decision} and reports it if it was added to a known account. */
    public void commit(Decision decision) {
        if (!decision.newPin()) {
            return;
        }
        store.storePin(new IdentityPin(decision.device(), decision.identityKey(), false, System.currentTimeMillis(), null));
        if (decision.addedToKnownAccount()) {
            listener.deviceAdded(decision.device(), decision.identityKey().clone(), isOwn(decision.device()), true);
        }
    }

    /** {@link #check} and {@link #commit} at once (initiator: the session is created right after). */
    public void checkAndPin(DeviceAddress device, byte[] identityKey) {
        commit(check(device, identityKey));
    }

    /**
     * The user accepted the pending changes of an account ({@code sc trust}): each pending key becomes the pin
     * (unverified) and the sessions with those devices are dropped. Returns the devices whose pin changed.
     */
    public List<DeviceAddress> accept(String accountId) {
        List<DeviceAddress> changed = new ArrayList<>();
        for (IdentityPin pin : store.pins(accountId)) {
            if (pin.pendingKey() != null) {
                store.storePin(new IdentityPin(pin.device(), pin.pendingKey(), false, System.currentTimeMillis(), null));
                store.removeSessionRecord(pin.device());
                changed.add(pin.device());
            } else if (pin.verified()) {
                // Accepting a change of a verified contact ends its verified state for every device.
                store.storePin(new IdentityPin(pin.device(), pin.identityKey(), false, pin.pinnedAtMillis(), null));
            }
        }
        return changed;
    }

    /** Marks every pinned device of the account verified (after the safety numbers matched). */
    public void verify(String accountId) {
        for (IdentityPin pin : store.pins(accountId)) {
            if (pin.identityKey() != null) {
                store.storePin(pin.asVerified());
            }
        }
    }

    public boolean isVerified(String accountId) {
        return store.pins(accountId).stream().anyMatch(IdentityPin::verified);
    }

    public List<IdentityPin> pins(String accountId) {
        return store.pins(accountId);
    }

    /** The pinned keys of exactly these devices (what safety numbers are computed from); throws if one has none. */
    public List<byte[]> pinnedKeys(String accountId, Collection<Integer> deviceIds) {
        List<byte[]> keys = new ArrayList<>();
        for (int deviceId : deviceIds) {
            DeviceAddress device = new DeviceAddress(accountId, deviceId);
            IdentityPin pin = store.pin(device).filter(p -> p.identityKey() != null)
                    .orElseThrow(() -> new IllegalStateException("no pinned key for " + device));
            keys.add(pin.identityKey());
        }
        return keys;
    }

    private boolean isOwn(DeviceAddress device) {
        return store.localDevice().accountId().map(device.accountId()::equals).orElse(false);
    }

    private UntrustedIdentityException refuse(UntrustedIdentityException refusal) {
        listener.identityRefused(refusal);
        return refusal;
    }
}
