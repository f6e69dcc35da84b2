package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Calls that have ended (hangup, or a minute that could not be paid), known to every instance through notices. */
@ApplicationScoped
public class EndedCalls {

    private static final long KEEP_MILLIS = 24 * 3600 * 1000L;
    private final Map<String, Long> ended = new ConcurrentHashMap<>();

    public void end(String callId) {
        long now = System.currentTimeMillis();
        ended.put(callId, now);
        if (ended.size() > 100_000) {
            ended.values().removeIf(at -> at < now - KEEP_MILLIS);
        }
    }

    public boolean ended(String callId) {
        return ended.containsKey(callId);
    }
}
