package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small cache of calls (by call key, {@link net.secureconnect.relay.repository.CallStore#key}) that ended,
 * learnt from this instance's own decisions and from every instance's push notices, so a call meter stops
 * without waiting for its next read. The durable truth is the call row's state: this cache only makes it
 * faster, so it is bounded (the oldest entries go first) and may forget.
 */
@ApplicationScoped
public class EndedCalls {

    static final int CAPACITY = 10_000;
    private final Map<String, Boolean> ended = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    public synchronized void end(String callKey) {
        ended.put(callKey, Boolean.TRUE);
    }

    public synchronized boolean ended(String callKey) {
        return ended.containsKey(callKey);
    }

    synchronized int size() {
        return ended.size();
    }
}
