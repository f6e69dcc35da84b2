package net.secureconnect.sdk;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.protocol.FanOut;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FanOutTest {

    @Test
    void oneMessageReachesEveryRecipientDeviceAndTheSendersOtherDevices() {
        Party a1 = new Party("alice", 1);
        Party a2 = new Party("alice", 2);
        Party b1 = new Party("bob", 1);
        Party b2 = new Party("bob", 2);
        Party b3 = new Party("bob", 3);
        Map<DeviceAddress, Party> byAddress = Stream.of(a1, a2, b1, b2, b3)
                .collect(Collectors.toMap(p -> p.address, Function.identity()));
        FanOut fanOut = new FanOut(a1.cipher, address -> byAddress.get(address).bundle());

        for (int round = 0; round < 3; round++) {
            String text = "hello " + round;
            List<FanOut.Envelope> envelopes = fanOut.encrypt(text.getBytes(StandardCharsets.UTF_8),
                    List.of(b1.address, b2.address, b3.address), List.of(a1.address, a2.address), a1.address);
            assertEquals(List.of(b1.address, b2.address, b3.address, a2.address),
                    envelopes.stream().map(FanOut.Envelope::to).toList());
            for (FanOut.Envelope envelope : envelopes) {
                assertEquals(text, byAddress.get(envelope.to()).receive(a1, envelope.message()));
            }
        }
        // Every recipient can answer on its session.
        assertEquals("back", a1.receive(b2, b2.send(a1, "back")));
    }
}
