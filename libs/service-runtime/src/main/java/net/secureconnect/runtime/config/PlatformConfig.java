package net.secureconnect.runtime.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Settings every SecureConnect service shares. Each has an environment-variable form
 * (for example {@code SECURECONNECT_DYNAMODB_TABLE_PREFIX}), see docs/conventions.md.
 */
@ConfigMapping(prefix = "secureconnect")
public interface PlatformConfig {

    /** Name of this service, used in logs, metrics tags and the session endpoint. */
    String serviceName();

    Dynamodb dynamodb();

    Kafka kafka();

    Security security();

    /** How long to wait between two attempts to provision tables or topics that are not reachable yet. */
    @WithDefault("5s")
    Duration provisioningRetryInterval();

    interface Security {
        /**
         * The OIDC clients whose users' tokens the services accept ({@code azp} claim): the user-facing
         * apps only. A token obtained by any other client (a service account's client credentials, a
         * test client, a client added to the realm later) is refused with 403 CLIENT_NOT_ALLOWED.
         */
        @WithDefault("secureconnect-web,secureconnect-cli")
        java.util.Set<String> userClients();
    }

    interface Dynamodb {
        /** Prefix of every table name, so several environments can share one DynamoDB account. */
        @WithDefault("sc-")
        String tablePrefix();

        /** Create the service's tables at startup when missing. Turn off where tables are managed by IaC. */
        @WithDefault("true")
        boolean createTables();
    }

    interface Kafka {
        /** Create the topics the service uses at startup when missing. Turn off where topics are managed by IaC. */
        @WithDefault("true")
        boolean createTopics();

        /** Partitions of a topic this service creates. Per-account order holds within a partition. */
        @WithDefault("6")
        int partitions();

        /** Replication factor of a topic this service creates (1 on a single local broker, 3 in production). */
        @WithDefault("1")
        short replicationFactor();

        /** Upper bound for one admin call (create topics, describe cluster). */
        @WithDefault("10s")
        Duration adminTimeout();
    }
}
