package net.secureconnect.relay.websocket;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stamps each upgrade request with when it arrived, strictly increasing on this instance. Of two connections
 * of one device the later one wins, and "later" must be the order of the requests: the connection object is
 * created only after the 101 is written, so a client that waited for its first connection to open and then
 * opened a second one could see the second created first when the event loop of the first was descheduled.
 */
@ApplicationScoped
public class ConnectionArrival implements HttpUpgradeCheck {

    /** Epoch nanoseconds at which the upgrade request was checked. */
    public static final UserData.TypedKey<Long> ARRIVED = UserData.TypedKey.forLong("secureconnect.arrived");

    private final AtomicLong last = new AtomicLong();

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        context.userData().put(ARRIVED, next(epochNanos(Instant.now())));
        return CheckResult.permitUpgrade();
    }

    /** Never equal to or before the previous stamp, even when the wall clock steps back. */
    long next(long now) {
        return last.updateAndGet(previous -> Math.max(previous + 1, now));
    }

    public static Instant arrivedAt(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    static long epochNanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }
}
