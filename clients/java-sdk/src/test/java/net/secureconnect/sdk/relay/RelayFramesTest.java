package net.secureconnect.sdk.relay;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frames of docs/protocol.md as the client writes and reads them. */
class RelayFramesTest {

    @Test
    void sendFrameHasOneMessagePerDeviceWithPaddedBase64Bodies() {
        JsonNode frame = RelayFrames.parse(RelayFrames.send("id-1", "bob", List.of(
                new RelayFrames.OutgoingMessage(1, 2, new byte[] {2, 0, 1}),
                new RelayFrames.OutgoingMessage(3, 1, new byte[] {1, 9}))));
        assertEquals("send", frame.path("type").asText());
        assertEquals("id-1", frame.path("id").asText());
        assertEquals("bob", frame.path("to").asText());
        assertEquals(2, frame.path("messages").size());
        assertEquals(1, frame.path("messages").get(0).path("deviceId").asInt());
        assertEquals(2, frame.path("messages").get(0).path("type").asInt());
        assertEquals("AgAB", frame.path("messages").get(0).path("body").asText());
        assertEquals("AQk=", frame.path("messages").get(1).path("body").asText());
        assertEquals("{\"type\":\"ack\",\"ackId\":\"a-1\"}", RelayFrames.ack("a-1"));
        assertTrue(frame.path("self").isMissingNode(), "no self field unless given");

        JsonNode withCopies = RelayFrames.parse(RelayFrames.send("id-2", "bob",
                List.of(new RelayFrames.OutgoingMessage(1, 2, new byte[] {2})),
                List.of(new RelayFrames.OutgoingMessage(4, 1, new byte[] {1, 9}))));
        assertEquals(4, withCopies.path("self").get(0).path("deviceId").asInt());
        assertEquals("AQk=", withCopies.path("self").get(0).path("body").asText());
        JsonNode noOtherDevice = RelayFrames.parse(RelayFrames.send("id-3", "bob",
                List.of(new RelayFrames.OutgoingMessage(1, 2, new byte[] {2})), List.of()));
        assertTrue(noOtherDevice.path("self").isArray() && noOtherDevice.path("self").isEmpty());
    }

    @Test
    void deliverFramesAreRead() {
        RelayFrames.Delivery d = RelayFrames.delivery(RelayFrames.parse("""
                {"type":"deliver","ackId":"0001-x","id":"e-1","from":"alice","fromDevice":2,"messageType":3,
                 "body":"aGk=","sentAt":"2026-11-26T11:20:45.678Z","unknown":true}"""));
        assertEquals("0001-x", d.ackId());
        assertEquals("e-1", d.id());
        assertEquals("alice", d.from());
        assertEquals(2, d.fromDevice());
        assertEquals("3", d.messageType());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), d.body());
        assertEquals("message", d.kind());
        assertNull(RelayFrames.parse("[1,2]"));
        assertNull(RelayFrames.parse("not json"));
    }

    @Test
    void everyRefusalCodeBecomesItsTypedException() {
        assertInstanceOf(RelayException.InsufficientCreditsException.class, refusal("""
                {"type":"refused","id":"x","code":"INSUFFICIENT_CREDITS","detail":"the wallet refused the charge"}"""));
        RelayException.DeviceMismatchException mismatch = assertInstanceOf(RelayException.DeviceMismatchException.class, refusal("""
                {"type":"refused","id":"x","code":"DEVICE_MISMATCH","devices":[1,2,3],"missingDevices":[3],"extraDevices":[4]}"""));
        assertEquals(List.of(1, 2, 3), mismatch.devices());
        assertEquals(List.of(3), mismatch.missingDevices());
        assertEquals(List.of(4), mismatch.extraDevices());
        assertTrue(mismatch.account().isEmpty());
        RelayException.DeviceMismatchException own = assertInstanceOf(RelayException.DeviceMismatchException.class, refusal("""
                {"type":"refused","id":"x","code":"DEVICE_MISMATCH","account":"alice","devices":[2],"missingDevices":[2],"extraDevices":[]}"""));
        assertEquals("alice", own.account().orElseThrow());
        assertInstanceOf(RelayException.UnknownRecipientException.class, refusal("{\"type\":\"refused\",\"id\":\"x\",\"code\":\"UNKNOWN_RECIPIENT\"}"));
        assertInstanceOf(RelayException.RateLimitedException.class, refusal("{\"type\":\"refused\",\"id\":\"x\",\"code\":\"RATE_LIMITED\"}"));
        RelayException.UnavailableException unavailable = assertInstanceOf(RelayException.UnavailableException.class,
                refusal("{\"type\":\"refused\",\"id\":\"x\",\"code\":\"UNAVAILABLE\"}"));
        assertFalse(unavailable.retryWithNewId());
        assertTrue(((RelayException.UnavailableException) refusal(
                "{\"type\":\"refused\",\"id\":\"x\",\"code\":\"UNAVAILABLE\",\"retryWithNewId\":true}")).retryWithNewId());
        assertEquals("CALL_ENDED", refusal("{\"type\":\"refused\",\"id\":\"x\",\"code\":\"CALL_ENDED\"}").code());
    }

    private static RelayException refusal(String json) {
        return RelayFrames.refusal(RelayFrames.parse(json));
    }
}
