package net.secureconnect.wallet.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * wallet-service settings ({@code wallet.*}; environment form e.g. {@code WALLET_WELCOME_CREDITS}).
 */
@ConfigMapping(prefix = "wallet")
public interface WalletConfig {

    /** Credits granted once when an account is opened by AccountCreated. Default 0. */
    @WithDefault("0")
    long welcomeCredits();

    Prices prices();

    Consumer consumer();

    Outbox outbox();

    /** Price overrides; an unset price keeps the contract default of {@code UsageKind} (1 / 5 / 3). */
    interface Prices {
        /** Credits per message sent. Default: the contract default, 1. */
        OptionalLong message();

        /** Credits per started call minute. Default: the contract default, 5. */
        OptionalLong callMinute();

        /** Credits per file transfer. Default: the contract default, 3. */
        OptionalLong fileTransfer();
    }

    interface Consumer {
        /** Start the consumer of usage-events, payments and accounts at startup. */
        @WithDefault("true")
        boolean enabled();

        /** Kafka consumer group. A new group replays every topic from its beginning (auto.offset.reset=earliest). */
        @WithDefault("wallet-service")
        String groupId();

        /** Upper bound for one poll when no record is waiting. */
        @WithDefault("100ms")
        Duration pollTimeout();

        /** Records per poll; larger polls coalesce more changes of one account into one transaction. */
        @WithDefault("2000")
        int maxPollRecords();

        /**
         * Accounts applied in parallel within one poll (one account's changes always in order). The threads mostly
         * wait for DynamoDB, and the commits of those waiting at the same moment go in one request (a group
         * commit), so more threads means more accounts per request when a poll holds many accounts.
         */
        @WithDefault("32")
        int applyThreads();

        /** Changes of one account per DynamoDB transaction (ledger entries + the wallet item <= 100). */
        @WithDefault("99")
        int maxEventsPerTransaction();

        /** First wait after a failed DynamoDB or Kafka call; doubles up to {@link #maxRetryBackoff()}. */
        @WithDefault("50ms")
        Duration retryBackoff();

        /** Longest wait between two attempts; a record is never skipped because a dependency is down. */
        @WithDefault("5s")
        Duration maxRetryBackoff();
    }

    interface Outbox {
        /** Shards of the sparse {@code outbox} index of the wallets table. */
        @WithDefault("8")
        int shards();

        /** How often the outbox relay looks for wallets whose announcements were not confirmed. */
        @WithDefault("30s")
        Duration sweepInterval();

        /**
         * How long a wallet must have been unchanged before the periodic relay re-publishes it; longer than
         * the normal publish-and-clear path takes. The run at startup uses no grace.
         */
        @WithDefault("60s")
        Duration sweepGrace();

        /** How often confirmed publications are written back ({@code announced}, outbox marker removed). */
        @WithDefault("250ms")
        Duration clearInterval();
    }
}
