package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Sends waiting for the wallet's answer to their AUTHORIZE usage event, by usage event id. */
@ApplicationScoped
public class Authorizations {

    private final Map<String, CompletableFuture<Boolean>> waiting = new ConcurrentHashMap<>();

    /** Registers before publishing, so an answer cannot overtake the registration. */
    public CompletableFuture<Boolean> expect(String usageEventId) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        waiting.put(usageEventId, answer);
        answer.whenComplete((ok, error) -> waiting.remove(usageEventId, answer));
        return answer;
    }

    /** The wallet debited the usage (a balances event caused by it). */
    public void confirmed(String usageEventId) {
        CompletableFuture<Boolean> answer = waiting.get(usageEventId);
        if (answer != null) {
            answer.complete(true);
        }
    }

    /** The wallet refused the usage. */
    public void rejected(String usageEventId) {
        CompletableFuture<Boolean> answer = waiting.get(usageEventId);
        if (answer != null) {
            answer.complete(false);
        }
    }
}
