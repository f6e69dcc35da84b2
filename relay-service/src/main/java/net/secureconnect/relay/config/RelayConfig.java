package net.secureconnect.relay.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** relay-service settings ({@code relay.*}; environment form e.g. {@code RELAY_BILLING_RESERVE}). */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    Envelope envelope();

    Queue queue();

    Billing billing();

    Limits limits();

    Outbox outbox();

    Calls calls();

    Connection connection();

    /**
     * Sends, deliveries and acks running at once (the DynamoDB client blocks): the platform threads of the pool, or
     * with {@link #virtualWorkers()} the permits of the virtual threads. Bounds the concurrent DynamoDB calls.
     */
    @WithDefault("32")
    int workerThreads();

    /**
     * Run each task on its own virtual thread instead of the {@link #workerThreads()} platform threads, still at
     * most {@link #workerThreads()} at once (the default: measured faster, docs/benchmarks.md) ({@link #workerQueue()} still bounds the client frames admitted).
     * docs/relay.md; measured in docs/benchmarks.md, "Java 25".
     */
    @WithDefault("true")
    boolean virtualWorkers();

    /** Client frames (sends, acks) waiting for a worker; beyond, a send is refused UNAVAILABLE, an ack dropped. */
    @WithDefault("512")
    int workerQueue();

    /** Relay-internal topic that tells every instance which accounts have new envelopes or receipts. */
    @WithDefault("relay-deliveries")
    String deliveriesTopic();

    interface Envelope {
        /** Largest ciphertext (decoded bytes) of one device's message in an envelope: Signal's 96 KiB. */
        @WithDefault("98304")
        int maxBodyBytes();

        /** Most per-device messages in one envelope. */
        @WithDefault("16")
        int maxMessages();
    }

    interface Queue {
        /** How long an undelivered envelope is kept (DynamoDB TTL; expired rows are also filtered on read). */
        @WithDefault("30d")
        Duration ttl();

        /** Rows read per query when draining a device's queue. */
        @WithDefault("100")
        int pageSize();

        /** Most envelopes sent to one device and not yet acknowledged; draining pauses beyond it. */
        @WithDefault("500")
        int maxInFlight();
    }

    interface Billing {
        /**
         * Credits an account must keep above the price, in this instance's estimate of its spendable balance,
         * for an envelope to be captured and delivered at once; below, the relay authorizes with the wallet first.
         * Sized against the overdraft bound in docs/relay.md.
         */
        @WithDefault("20")
        long reserve();

        /**
         * How long a send waits for the wallet's answer to an authorization before it is refused (UNAVAILABLE);
         * below {@code relay.connection.answer-timeout}, so the refusal says what happened.
         */
        @WithDefault("10s")
        Duration authorizeTimeout();
    }

    interface Limits {
        /** Envelopes per second one account may send through one instance (burst: one second's worth). */
        @WithDefault("100")
        double envelopesPerSecond();

        /** Ciphertext bytes per second one account may send through one instance (burst: one second's worth). */
        @WithDefault("4194304")
        double bytesPerSecond();
    }

    interface Outbox {
        /** How often leftover usage events (accepted but not known to be published) are re-published. */
        @WithDefault("10s")
        Duration sweepInterval();

        /** Age a leftover must have before the sweeper re-publishes it (the sending path normally clears it). */
        @WithDefault("5s")
        Duration sweepGrace();

        /** Shards of the outbox index, so it has no single hot key. */
        @WithDefault("8")
        int shards();
    }

    interface Calls {
        /** Length of one paid call minute: one CALL_MINUTE is authorized at offer and at the start of each next one. */
        @WithDefault("60s")
        Duration minute();

        /**
         * How long an offer rings: an offer not answered by then ends, and the authorization of its first minute
         * is released (by any instance's sweeper if the offering one died). Also the lifetime of signalling rows.
         */
        @WithDefault("45s")
        Duration ringTimeout();

        /**
         * Secret shared with the TURN server (coturn {@code static-auth-secret}). No default: only the dev and test
         * profiles set one, and a production start without one (or with the public dev secret) fails.
         */
        Optional<String> turnSecret();

        /** TURN credentials live for the paid period plus this margin, and are renewed with each paid minute. */
        @WithDefault("15s")
        Duration turnMargin();

        /** TURN/STUN URLs given to clients with the credentials. */
        @WithDefault("turn:127.0.0.1:3478")
        List<String> turnUrls();

        /** Largest ciphertext of one device's message in a call-signalling envelope (SDP and ICE fit). */
        @WithDefault("4096")
        int maxSignalBodyBytes();

        /** Most signalling envelopes (offer, answer, ice) of one call, both parties together. */
        @WithDefault("200")
        int maxSignals();
    }

    /** Limits of one WebSocket connection (docs/protocol.md "Limits"). */
    interface Connection {
        /**
         * Characters of server frames waiting to be written to one connection's socket; beyond, the connection is
         * closed with 4008 (too slow). Bounds the memory one device that stops reading can hold.
         */
        @WithDefault("4194304")
        long maxOutbound();

        /** Frames one connection may send per second, before any is parsed (burst: two seconds' worth). */
        @WithDefault("500")
        double framesPerSecond();

        /** Characters of frames one connection may send per second, before any is parsed (burst: two seconds' worth). */
        @WithDefault("8388608")
        double charsPerSecond();

        /**
         * Frames a connection may get wrong per second (error frames, unknown acks, frames over the rate; burst:
         * thirty seconds' worth); beyond, it is closed with 4029.
         */
        @WithDefault("5")
        double errorsPerSecond();

        /** Connections one device may open on one instance per minute (burst: 10); beyond, closed at once with 4029. */
        @WithDefault("30")
        double connectsPerMinute();

        /** Sends of one connection waiting for their answer; beyond, a send is refused RATE_LIMITED without work. */
        @WithDefault("64")
        int maxPendingSends();

        /**
         * Every send is answered within this time: if nothing else answered it by then (a dependency down or slow),
         * it is answered {@code refused UNAVAILABLE}, retry with the same id (the retry is answered by the
         * envelope's state, so it is stored and charged at most once).
         */
        @WithDefault("15s")
        java.time.Duration answerTimeout();
    }
}
