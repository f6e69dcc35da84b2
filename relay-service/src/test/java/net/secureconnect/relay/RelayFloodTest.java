package net.secureconnect.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import net.secureconnect.relay.service.DeviceDirectory;
import net.secureconnect.relay.support.Awaits;
import net.secureconnect.relay.support.RelayClient;
import net.secureconnect.relay.support.TestEvents;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile client floods the relay with what costs it work without paying: malformed frames, floods of frames,
 * acks of rows it was never sent, reconnects. Each is limited (error frame, then close 4029) and the relay keeps
 * serving everybody else.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RelayFloodTest {

    private static final int TOO_MANY = 4029;

    @TestHTTPResource("/")
    URI base;
    @Inject
    DeviceDirectory directory;
    @Inject
    MeterRegistry registry;

    record User(String account, String token) {
    }

    private User user() {
        String name = "fl-" + UUID.randomUUID();
        String account = TestTokens.subjectOf(name);
        TestEvents.devices(account, 1);
        TestEvents.balance(account, 1000, 1, "opened-" + name);
        Awaits.until(() -> directory.devicesOf(account).size() == 1, "devices of " + name);
        return new User(account, TestTokens.forUser(name));
    }

    /** Someone else is still served: a send is accepted and delivered. */
    private void relayStillServes() {
        User a = user();
        User b = user();
        try (RelayClient ca = RelayClient.connect(base, a.token(), 1);
             RelayClient cb = RelayClient.connect(base, b.token(), 1)) {
            ca.send("ok-1", b.account(), new int[]{1}, new byte[]{1});
            assertEquals("accepted", ca.answer("ok-1").getString("type"));
            assertEquals("ok-1", cb.next("deliver").getString("id"));
        }
    }

    private double closed(String reason) {
        var counter = registry.find("relay.connections.closed").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aFloodOfMalformedFramesGetsAFewErrorsThenTheConnectionIsClosed() {
        User mallory = user();
        double before = closed("TOO_MANY_ERRORS");
        try (RelayClient m = RelayClient.connect(base, mallory.token(), 1)) {
            for (int i = 0; i < 1000 && !m.isClosed(); i++) {
                try {
                    m.sendText("{not json " + i);
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            assertEquals(TOO_MANY, m.awaitClose(), "closed as too many mistakes: " + m.closeReason());
            long errors = m.seen().stream().filter(f -> "error".equals(f.getString("type"))).count()
                    + drain(m);
            assertTrue(errors <= 160, "error frames are budgeted (burst 150), got " + errors);
        }
        assertTrue(closed("TOO_MANY_ERRORS") > before);
        relayStillServes();
    }

    private static long drain(RelayClient client) {
        long count = 0;
        JsonObject frame;
        while ((frame = client.poll(Duration.ofMillis(200))) != null) {
            if ("error".equals(frame.getString("type"))) {
                count++;
            }
        }
        return count;
    }

    /**
     * Frames over the connection's frames/s are dropped before they are parsed (the characters/s bucket is the
     * same check; it is not asserted here because whether a client exceeds 8 Mi characters/s depends on how fast
     * this machine can write, while 10,000 tiny frames exceed 500 frames/s, burst 1,000, on any machine).
     */
    @Test
    void aFrameFloodIsDroppedBeforeItIsParsed() {
        User mallory = user();
        double limitedBefore = registry.find("relay.frames.limited").counter().count();
        String frame = "{\"type\":\"send\",\"id\":\"x\",\"to\":\"nobody\",\"messages\":[{\"deviceId\":1,\"type\":1,\"body\":\"AA==\"}]}";
        try (RelayClient m = RelayClient.connect(base, mallory.token(), 1)) {
            for (int i = 0; i < 10_000; i++) {
                m.sendTextNoWait(frame);
            }
            Awaits.until(() -> registry.find("relay.frames.limited").counter().count() > limitedBefore
                    || m.isClosed(), Duration.ofSeconds(90), "frames limited");
        }
        assertTrue(registry.find("relay.frames.limited").counter().count() > limitedBefore,
                "frames over the connection's frames per second dropped unread");
        relayStillServes();
    }

    @Test
    void aFloodOfUnknownAcksIsIgnoredThenClosed() {
        User mallory = user();
        try (RelayClient m = RelayClient.connect(base, mallory.token(), 1)) {
            for (int i = 0; i < 1000 && !m.isClosed(); i++) {
                try {
                    m.ack(String.format("%013d-%s", 1_700_000_000_000L + i, UUID.randomUUID()));
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            assertEquals(TOO_MANY, m.awaitClose(), "closed as too many mistakes: " + m.closeReason());
        }
        relayStillServes();
    }

    @Test
    void aReconnectLoopIsRefusedBeforeAnyNoticeOrDrain() {
        User mallory = user();
        double before = closed("RECONNECTING_TOO_OFTEN");
        for (int i = 0; i < 30; i++) {
            RelayClient c = RelayClient.connect(base, mallory.token(), 1);
            c.close(); // (refused ones among them are closed by the relay already)
        }
        try (RelayClient last = RelayClient.connect(base, mallory.token(), 1)) {
            assertEquals(TOO_MANY, last.awaitClose(), "reconnecting too often: " + last.closeReason());
        }
        assertTrue(closed("RECONNECTING_TOO_OFTEN") > before);
        relayStillServes();
    }
}
