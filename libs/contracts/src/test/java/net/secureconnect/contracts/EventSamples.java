package net.secureconnect.contracts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Valid events for tests: one fixed sample per type, and jqwik arbitraries over every valid value. */
public final class EventSamples {

    public static final Instant AT = Instant.parse("2025-03-14T09:26:53.589Z");
    public static final String ACCOUNT = "3f0c1d5e-8a47-4b9e-9c1e-2f6a7b8c9d0e";

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private EventSamples() {
    }

    // ---- fixed samples -------------------------------------------------------------------------

    public static Map<EventType, Event> samples() {
        String usageId = EventIds.forCause(EventType.USAGE_EVENT, "relay-service", "env-42");
        String purchaseId = EventIds.forCause(EventType.CREDITS_PURCHASED, "pay-7");
        WalletState active = new WalletState(96, 12, WalletStatus.ACTIVE);
        WalletState suspended = new WalletState(2, 13, WalletStatus.SUSPENDED);
        String key = Base64.getEncoder().encodeToString(new byte[32]);

        Map<EventType, Event> samples = new EnumMap<>(EventType.class);
        put(samples, new UsageEvent(usageId, AT, ACCOUNT, UsageKind.MESSAGE, 1, UsageMode.CAPTURE, "env-42", "relay-service"));
        put(samples, new UsageRejected("rej-1", AT, ACCOUNT, usageId, UsageKind.CALL_MINUTE, 1,
                UsageRejectionReason.INSUFFICIENT_CREDITS, 2));
        put(samples, new BalanceChanged("bal-1", AT, ACCOUNT, active, -1, usageId));
        put(samples, new AccountSuspended("sus-1", AT, ACCOUNT, suspended, usageId,
                Set.of(UsageKind.CALL_MINUTE, UsageKind.FILE_TRANSFER)));
        put(samples, new AccountReinstated("rei-1", AT, ACCOUNT, active, purchaseId,
                Set.of(UsageKind.CALL_MINUTE, UsageKind.FILE_TRANSFER)));
        put(samples, new CreditsPurchased(purchaseId, AT, ACCOUNT, "pay-7", 500, 499, "EUR"));
        put(samples, new CreditsRevoked("rev-1", AT, ACCOUNT, "pay-7", 500, RevocationReason.REFUND));
        put(samples, new AccountCreated("acc-1", AT, ACCOUNT));
        put(samples, new DeviceAdded("dev-1", AT, ACCOUNT, 2, 4711, List.of(1, 2)));
        put(samples, new DeviceRemoved("dev-2", AT, ACCOUNT, 2, List.of(1)));
        put(samples, new IdentityKeyChanged("key-1", AT, ACCOUNT, 1, key));
        put(samples, new AccountDeleted("del-1", AT, ACCOUNT));
        return samples;
    }

    public static Event sample(EventType type) {
        return samples().get(type);
    }

    private static void put(Map<EventType, Event> samples, Event event) {
        samples.put(event.type(), event);
    }

    // ---- arbitraries ---------------------------------------------------------------------------

    /** Any valid event of any type. */
    public static Arbitrary<Event> anyEvent() {
        List<Arbitrary<? extends Event>> all = new ArrayList<>();
        for (EventType type : EventType.values()) {
            all.add(of(type));
        }
        return Arbitraries.oneOf(all);
    }

    public static Arbitrary<? extends Event> of(EventType type) {
        return switch (type) {
            case USAGE_EVENT -> Combinators.combine(common(), kinds(), units(), Arbitraries.of(UsageMode.class), ids(), ids())
                    .as((c, kind, units, mode, cause, source) ->
                            new UsageEvent(c.eventId, c.at, c.accountId, kind, units, mode, cause, source));
            case USAGE_REJECTED -> Combinators.combine(common(), ids(), kinds(), units(),
                            Arbitraries.of(UsageRejectionReason.class), nonNegative())
                    .as((c, usageId, kind, units, reason, balance) ->
                            new UsageRejected(c.eventId, c.at, c.accountId, usageId, kind, units, reason, balance));
            case BALANCE_CHANGED -> Combinators.combine(common(), wallets(), Arbitraries.longs(), ids())
                    .as((c, wallet, delta, cause) -> new BalanceChanged(c.eventId, c.at, c.accountId, wallet, delta, cause));
            case ACCOUNT_SUSPENDED -> Combinators.combine(common(), wallets(WalletStatus.SUSPENDED), ids(), kindSets())
                    .as((c, wallet, cause, kinds) -> new AccountSuspended(c.eventId, c.at, c.accountId, wallet, cause, kinds));
            case ACCOUNT_REINSTATED -> Combinators.combine(common(), wallets(), ids(), kindSets())
                    .as((c, wallet, cause, kinds) -> new AccountReinstated(c.eventId, c.at, c.accountId, wallet, cause, kinds));
            case CREDITS_PURCHASED -> Combinators.combine(common(), ids(), positive(), nonNegative(),
                            Arbitraries.strings().withCharRange('A', 'Z').ofLength(3))
                    .as((c, payment, credits, amount, currency) ->
                            new CreditsPurchased(c.eventId, c.at, c.accountId, payment, credits, amount, currency));
            case CREDITS_REVOKED -> Combinators.combine(common(), ids(), positive(), Arbitraries.of(RevocationReason.class))
                    .as((c, payment, credits, reason) -> new CreditsRevoked(c.eventId, c.at, c.accountId, payment, credits, reason));
            case ACCOUNT_CREATED -> common().map(c -> new AccountCreated(c.eventId, c.at, c.accountId));
            case DEVICE_ADDED -> Combinators.combine(common(), deviceIds(), Arbitraries.integers().between(1, DeviceAdded.MAX_REGISTRATION_ID), deviceSets())
                    .as((c, device, registration, others) ->
                            new DeviceAdded(c.eventId, c.at, c.accountId, device, registration, with(others, device, true)));
            case DEVICE_REMOVED -> Combinators.combine(common(), deviceIds(), deviceSets())
                    .as((c, device, others) -> new DeviceRemoved(c.eventId, c.at, c.accountId, device, with(others, device, false)));
            case IDENTITY_KEY_CHANGED -> Combinators.combine(common(), deviceIds(),
                            Arbitraries.bytes().array(byte[].class).ofSize(IdentityKeyChanged.IDENTITY_KEY_BYTES))
                    .as((c, device, key) -> new IdentityKeyChanged(c.eventId, c.at, c.accountId, device,
                            Base64.getEncoder().encodeToString(key)));
            case ACCOUNT_DELETED -> common().map(c -> new AccountDeleted(c.eventId, c.at, c.accountId));
        };
    }

    private record Common(String eventId, Instant at, String accountId) {
    }

    private static Arbitrary<Common> common() {
        return Combinators.combine(ids(), instants(), ids()).as(Common::new);
    }

    /** Visible ASCII of every allowed length, with UUID-shaped ids mixed in as producers use them. */
    public static Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(Event.MAX_ID_LENGTH),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(3).map(EventIds::derive));
    }

    public static Arbitrary<Instant> instants() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, LATEST.getEpochSecond())
                        .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n))),
                Arbitraries.of(Instant.EPOCH, LATEST, AT));
    }

    private static Arbitrary<UsageKind> kinds() {
        return Arbitraries.of(UsageKind.class);
    }

    private static Arbitrary<Set<UsageKind>> kindSets() {
        return kinds().set().ofMinSize(1);
    }

    private static Arbitrary<Integer> units() {
        return Arbitraries.integers().between(1, UsageEvent.MAX_UNITS);
    }

    private static Arbitrary<Long> nonNegative() {
        return Arbitraries.longs().greaterOrEqual(0);
    }

    private static Arbitrary<Long> positive() {
        return Arbitraries.longs().greaterOrEqual(1);
    }

    private static Arbitrary<WalletState> wallets() {
        return wallets(null);
    }

    private static Arbitrary<WalletState> wallets(WalletStatus fixedStatus) {
        Arbitrary<WalletStatus> status = fixedStatus == null ? Arbitraries.of(WalletStatus.class) : Arbitraries.just(fixedStatus);
        return Combinators.combine(nonNegative(), nonNegative(), status).as(WalletState::new);
    }

    private static Arbitrary<Integer> deviceIds() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 10), Arbitraries.integers().greaterOrEqual(1));
    }

    private static Arbitrary<Set<Integer>> deviceSets() {
        return deviceIds().set().ofMaxSize(8);
    }

    private static List<Integer> with(Set<Integer> devices, int device, boolean present) {
        Set<Integer> copy = new HashSet<>(devices);
        if (present) {
            copy.add(device);
        } else {
            copy.remove(device);
        }
        return new ArrayList<>(copy);
    }
}
