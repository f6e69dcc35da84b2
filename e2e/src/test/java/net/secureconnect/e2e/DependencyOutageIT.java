package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import net.secureconnect.sdk.api.AccessTokens;
import net.secureconnect.sdk.api.OidcClient;
import net.secureconnect.sdk.messaging.EnvelopeTransport;
import net.secureconnect.sdk.messaging.StoredMessage;
import net.secureconnect.sdk.protocol.MessageContent;
import net.secureconnect.sdk.relay.RelayClient;
import net.secureconnect.sdk.relay.RelayException;
import net.secureconnect.sdk.relay.RelayFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 §4, last bullet: every send is answered in bounded time also while a dependency of the relay is down,
 * and after recovery every accepted envelope is delivered once and charged once.
 *
 * <p>Alice (two sender threads, SDK) sends to Bob (SDK, online) all the time. For each of the Kafka broker,
 * dynoxide and wallet-service in turn: {@code kill -9} of its process group (by the stack's pid file), sending goes
 * on for {@link #OUTAGE}, then {@code deploy/local/stack up} starts exactly the missing component again. Every
 * attempt the SDK makes is recorded by a transport wrapper (id, answer, duration). Asserted:
 * <ul>
 *   <li>every attempt got an answer from the relay: none ended by the SDK's own {@link RelayClient#SEND_TIMEOUT}
 *       (20 s = the relay's documented 15 s bound plus network time) — the failure mode of the issue was sends
 *       with no answer for a minute;</li>
 *   <li>after recovery, ids left at {@code UNAVAILABLE} (same id) are resent with the same id, as a client must,
 *       until each has a definite outcome: {@code accepted} (or duplicate), or refused for certain
 *       ({@code retryWithNewId});</li>
 *   <li>Bob's device got exactly the accepted ids, each once, and nothing else;</li>
 *   <li>Alice's balance fell by exactly (distinct accepted ids) × the MESSAGE price (her balance is set high, so
 *       sends are captured against the relay's estimate, and wallet-service charges them from usage events).</li>
 * </ul>
 * dynoxide keeps its data across the restart ({@code --db-path .local-stack/dynoxide/dynamodb.sqlite}), Kafka its
 * log directory; the stack restarts only what is not running. No timing assertion beyond "answered".
 */
class DependencyOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(45);
    private static final Duration SETTLE = Duration.ofSeconds(180);
    private static final List<String> DEPENDENCIES = List.of("kafka", "dynoxide", "wallet-service");

    @TempDir
    static Path profiles;

    private static SdkDevice alice;
    private static SdkDevice bob;
    private static AccessTokens admin;
    private static long price;

    @BeforeAll
    static void twoUsers() {
        HttpClient http = HttpClient.newHttpClient();
        OidcClient oidc = new OidcClient(http, URI.create(E2eConfig.issuer()), E2eConfig.cliClientId(), Clock.systemUTC());
        admin = new AccessTokens(oidc, oidc.login(E2eConfig.ADMIN.username(), E2eConfig.ADMIN.password(),
                Keycloak.freshTotp(E2eConfig.ADMIN)), Clock.systemUTC(), t -> { });
        price = Http.json(Http.get(SdkDevice.url("wallet-service") + "/pricing")).path("prices").path("MESSAGE").asLong();
        assertTrue(price > 0, "MESSAGE price");
        alice = new SdkDevice(E2eConfig.ALICE, profiles);
        bob = new SdkDevice(E2eConfig.BOB, profiles);
    }

    @AfterAll
    static void removeTheDevices() {
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    @Test
    void eachDependencyKilledUnderTrafficEverySendAnsweredThenDeliveredAndChargedOnce() throws Exception {
        long start = 100_000 * price;
        setBalance(alice, start);
        alice.goOnline();
        bob.goOnline();
        RecordingTransport transport = new RecordingTransport(alice.relay());
        alice.messenger.transport(transport);

        Traffic traffic = new Traffic(transport);
        traffic.start();
        try {
            // Warm-up: the stack works before anything is killed.
            awaitAccepted(transport, "before any outage");
            for (String dependency : DEPENDENCIES) {
                transport.phase = dependency + " down";
                killProcessGroup(dependency);
                long outageStart = System.nanoTime();
                int attemptsBefore = transport.attempts.size();
                SdkDevice.sleep(OUTAGE.toMillis());
                assertTrue(transport.attempts.size() > attemptsBefore || traffic.inFlight() > 0,
                        "sends were tried while " + dependency + " was down");
                transport.phase = dependency + " restarting";
                stackUp(dependency);
                transport.phase = dependency + " recovered";
                awaitAccepted(transport, "after " + dependency + " came back ("
                        + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStart) + " s after the kill)");
            }
        } finally {
            traffic.stop();
        }
        transport.phase = "settling";

        // 1. Every attempt was answered by the relay, none by the SDK's own 20 s timeout.
        List<Attempt> unanswered = transport.attempts.stream().filter(a -> a.outcome.equals("TIMEOUT")).toList();
        System.out.println("[DependencyOutageIT] attempts by phase and answer: " + transport.summary());
        assertEquals(List.of(), unanswered, "sends the relay did not answer within " + RelayClient.SEND_TIMEOUT.toSeconds() + " s");

        // 2. Resend with the same id what is still open, until each id has a definite outcome.
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Set<String> open = transport.open();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (String id : open) {
                transport.resend(id);
            }
            open = transport.open();
            if (!open.isEmpty()) {
                SdkDevice.sleep(2000);
            }
        }
        assertEquals(Set.of(), open, "ids without a definite outcome after recovery; attempts: " + transport.attemptsOf(open));
        System.out.println("[DependencyOutageIT] after the same-id resends: " + transport.summary());

        // 3. Bob got exactly the accepted envelopes, each once.
        Set<String> accepted = transport.accepted();
        List<String> delivered = awaitDelivered(bob, alice.accountId, accepted);
        assertEquals(delivered.size(), new LinkedHashSet<>(delivered).size(), "an envelope was shown twice: " + delivered);
        assertEquals(accepted, new LinkedHashSet<>(delivered), "delivered ids vs accepted ids");

        // 4. ... and Alice paid for exactly those, once each.
        long expected = start - accepted.size() * price;
        assertEquals(expected, awaitBalance(alice, b -> b == expected),
                accepted.size() + " accepted envelopes at " + price + " each (" + transport.summary() + ")");
        System.out.println("[DependencyOutageIT] " + accepted.size() + " accepted, delivered once and charged once");
    }

    // ---- traffic ----

    /** Two threads sending through the SDK's {@code Messenger.send} (with its own same-id retries) all the time. */
    private static final class Traffic {
        private final RecordingTransport transport;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicInteger counter = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile boolean running = true;

        Traffic(RecordingTransport transport) {
            this.transport = transport;
        }

        void start() {
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(this::run, "outage-sender-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        int inFlight() {
            return inFlight.get();
        }

        private void run() {
            while (running) {
                inFlight.incrementAndGet();
                try {
                    alice.messenger.send(bob.accountId, MessageContent.text("outage #" + counter.incrementAndGet()
                            + " (" + transport.phase + ")"));
                } catch (RelayException e) {
                    // Recorded per attempt by the transport; the SDK gave up on this one after its retries.
                    SdkDevice.sleep(500);
                } catch (RuntimeException e) {
                    // e.g. identity-service's key directory unreachable while dynoxide is down: nothing was sent.
                    System.out.println("[DependencyOutageIT] send failed before reaching the relay: " + e);
                    SdkDevice.sleep(1000);
                } finally {
                    inFlight.decrementAndGet();
                }
                SdkDevice.sleep(300);
            }
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(120));
                assertTrue(!thread.isAlive(), thread.getName() + " did not finish: a send hangs");
            }
        }
    }

    record Attempt(String id, String phase, String outcome, long millis) {
    }

    private record Envelope(String to, List<RelayFrames.OutgoingMessage> messages, List<RelayFrames.OutgoingMessage> self) {
    }

    /** Passes every send to the relay and records its answer; keeps the last frames of each id for a resend. */
    private static final class RecordingTransport implements EnvelopeTransport {
        final List<Attempt> attempts = new CopyOnWriteArrayList<>();
        private final Map<String, Envelope> envelopes = new ConcurrentHashMap<>();
        private final RelayClient relay;
        volatile String phase = "warm-up";

        RecordingTransport(RelayClient relay) {
            this.relay = relay;
        }

        @Override
        public boolean send(String id, String to, List<RelayFrames.OutgoingMessage> messages,
                            List<RelayFrames.OutgoingMessage> self) {
            envelopes.put(id, new Envelope(to, messages, self));
            String phaseAtStart = phase;
            long t0 = System.nanoTime();
            String outcome = "?";
            try {
                boolean duplicate = relay.send(id, to, messages, self);
                outcome = duplicate ? "duplicate" : "accepted";
                return duplicate;
            } catch (RelayException.UnavailableException e) {
                outcome = switch (e.code()) {
                    case "TIMEOUT" -> "TIMEOUT";
                    case "CONNECTION", "SUPERSEDED" -> "CONNECTION";
                    default -> e.retryWithNewId() ? "UNAVAILABLE retryWithNewId" : "UNAVAILABLE";
                };
                throw e;
            } catch (RelayException e) {
                outcome = e.code();
                throw e;
            } finally {
                attempts.add(new Attempt(id, phaseAtStart, outcome, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
            }
        }

        @Override
        public void ack(String ackId) {
            relay.ack(ackId);
        }

        void resend(String id) {
            Envelope e = envelopes.get(id);
            try {
                send(id, e.to(), e.messages(), e.self());
            } catch (RelayException ignored) {
                // recorded
            }
        }

        /** Ids accepted at least once (also as a duplicate of an earlier attempt). */
        Set<String> accepted() {
            return attempts.stream().filter(a -> a.outcome.equals("accepted") || a.outcome.equals("duplicate"))
                    .map(Attempt::id).collect(Collectors.toCollection(LinkedHashSet::new));
        }

        /**
         * Ids whose outcome is not known: never accepted, and the last answer was not a certain refusal (UNAVAILABLE
         * with the same id, no answer, a lost connection, RATE_LIMITED).
         */
        Set<String> open() {
            Map<String, String> last = new LinkedHashMap<>();
            for (Attempt a : attempts) {
                last.put(a.id, a.outcome);
            }
            Set<String> accepted = accepted();
            return last.entrySet().stream()
                    .filter(e -> !accepted.contains(e.getKey()))
                    .filter(e -> !e.getValue().equals("UNAVAILABLE retryWithNewId") && !e.getValue().equals("INSUFFICIENT_CREDITS")
                            && !e.getValue().equals("DEVICE_MISMATCH") && !e.getValue().equals("UNKNOWN_RECIPIENT"))
                    .map(Map.Entry::getKey).collect(Collectors.toCollection(LinkedHashSet::new));
        }

        List<Attempt> attemptsOf(Set<String> ids) {
            return attempts.stream().filter(a -> ids.contains(a.id)).toList();
        }

        String summary() {
            Map<String, Map<String, Long>> byPhase = new LinkedHashMap<>();
            Map<String, Long> maxMillis = new LinkedHashMap<>();
            for (Attempt a : attempts) {
                byPhase.computeIfAbsent(a.phase, p -> new LinkedHashMap<>()).merge(a.outcome, 1L, Long::sum);
                maxMillis.merge(a.phase, a.millis, Math::max);
            }
            StringBuilder s = new StringBuilder();
            byPhase.forEach((p, counts) -> s.append(p).append(": ").append(counts).append(" (slowest ")
                    .append(maxMillis.get(p)).append(" ms); "));
            return s.toString();
        }
    }

    private static void awaitAccepted(RecordingTransport transport, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        int from = transport.attempts.size();
        while (System.nanoTime() < deadline) {
            List<Attempt> now = transport.attempts;
            for (int i = from; i < now.size(); i++) {
                if (now.get(i).outcome.equals("accepted")) {
                    return;
                }
            }
            SdkDevice.sleep(500);
        }
        throw new AssertionError("no send accepted " + what + "; " + transport.summary());
    }

    // ---- the stack ----

    private static Path stackDir() {
        return Path.of(E2eConfig.prop("stack-dir", Path.of(System.getProperty("user.dir")).resolve("../.local-stack").toString()));
    }

    /** kill -9 of the component's process group, by the stack's pid file ("<pid> <start time>"); also used by MonitoringIT. */
    static void killProcessGroup(String component) throws IOException, InterruptedException {
        Path pidFile = stackDir().resolve("run").resolve(component + ".pid");
        String[] fields = Files.readString(pidFile).trim().split("\\s+");
        String pid = fields[0];
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] statFields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(fields[1], statFields[19], component + "'s pid file is stale (pid reused)"); // field 22
        assertEquals(pid, statFields[2], component + " leads its own process group (field 5)");
        System.out.println("[DependencyOutageIT] kill -9 -" + pid + " (" + component + ")");
        assertEquals(0, new ProcessBuilder("kill", "-9", "--", "-" + pid).inheritIO().start().waitFor());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (new ProcessBuilder("kill", "-0", "--", "-" + pid).start().waitFor() == 0) {
            assertTrue(System.nanoTime() < deadline, component + " still alive after kill -9");
            SdkDevice.sleep(200);
        }
    }

    /** {@code deploy/local/stack up}: starts what is not running (only {@code component}), waits until ready. */
    static void stackUp(String component) throws IOException, InterruptedException {
        Path root = stackDir().getParent();
        Path log = stackDir().resolve("logs").resolve("outage-it-up-" + component + ".log");
        Process up = new ProcessBuilder(root.resolve("deploy/local/stack").toString(), "up")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(up.waitFor(10, TimeUnit.MINUTES), "stack up did not finish");
        String output = Files.readString(log);
        assertEquals(0, up.exitValue(), output);
        assertTrue(output.contains("started " + component + " "), "stack up restarted " + component + ":\n" + output);
        long started = output.lines().filter(l -> l.startsWith("[stack] started ")).count();
        assertEquals(1, started, "stack up restarts only the killed component:\n" + output);
    }

    // ---- Bob's view and Alice's wallet ----

    private static List<String> awaitDelivered(SdkDevice reader, String peer, Set<String> expected) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<String> ids = incomingIds(reader, peer);
        while (!new LinkedHashSet<>(ids).containsAll(expected) && System.nanoTime() < deadline) {
            SdkDevice.sleep(500);
            ids = incomingIds(reader, peer);
        }
        SdkDevice.sleep(3000); // and nothing more after them
        return incomingIds(reader, peer);
    }

    private static List<String> incomingIds(SdkDevice reader, String peer) {
        return reader.messenger.history(peer).stream().filter(m -> !m.outgoing()).map(StoredMessage::id).toList();
    }

    private static long balance(SdkDevice device) {
        return device.wallet.balance().balance();
    }

    private static long awaitBalance(SdkDevice device, LongPredicate expected) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        long seen = balance(device);
        while (!expected.test(seen) && System.nanoTime() < deadline) {
            SdkDevice.sleep(500);
            seen = balance(device);
        }
        return seen;
    }

    private static void setBalance(SdkDevice device, long target) {
        long current = balance(device);
        if (current != target) {
            HttpResponse<String> response = Http.postJson(SdkDevice.url("wallet-service") + "/admin/wallets/"
                            + device.accountId + "/adjustments",
                    Map.of("Authorization", "Bearer " + admin.get(), "Content-Type", "application/json",
                            "Idempotency-Key", UUID.randomUUID().toString()),
                    "{\"credits\":" + (target - current) + ",\"reason\":\"e2e DependencyOutageIT: start from " + target + "\"}");
            assertEquals(201, response.statusCode(), response.body());
        }
        assertEquals(target, awaitBalance(device, b -> b == target));
    }
}
