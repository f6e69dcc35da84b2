package net.secureconnect.payment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of payment-service under {@code payment.*}. Outside the dev, test and local profiles nothing
 * defaults to the sandbox: the gateway must be named and its secrets set ({@link ProductionGuard}).
 */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {

    /**
     * Gateway that new checkouts go through: {@code stripe} or {@code razorpay}; {@code sandbox} (no real
     * money) only in the dev, test and local profiles, where it is the default (application.properties).
     */
    Optional<String> gateway();

    /** ISO 4217 currency of a pack that names none. */
    @WithDefault("INR")
    String defaultCurrency();

    /**
     * Top-up packs by id. The defaults (in application.properties) are {@code small} 100 credits for
     * 99.00 INR, {@code medium} 500 for 449.00 and {@code large} 1200 for 999.00.
     */
    Map<String, Pack> packs();

    /** Where users reach this service; the sandbox checkout URL is built from it. */
    @WithDefault("http://127.0.0.1:8085")
    String publicBaseUrl();

    /** The sandbox gateway. */
    Sandbox sandbox();

    /** The transactional outbox. */
    Outbox outbox();

    /** The Razorpay gateway (used when {@code payment.gateway=razorpay}). */
    Razorpay razorpay();

    /** The Stripe gateway (used when {@code payment.gateway=stripe}). */
    Stripe stripe();

    /** One top-up pack. */
    interface Pack {
        /** Credits the pack adds to the wallet. */
        long credits();

        /** Price in the currency's minor unit (paise, cents). */
        long priceMinor();

        /** ISO 4217 code; the configured default currency when absent. */
        java.util.Optional<String> currency();
    }

    interface Sandbox {
        /**
         * Secret the sandbox signs its webhooks with (Stripe's scheme); defaults to the public
         * {@value ProductionGuard#PUBLIC_SANDBOX_SECRET} in the dev, test and local profiles only.
         */
        Optional<String> webhookSecret();
    }

    interface Stripe {
        /** Base URL of Stripe's REST API. */
        @WithDefault("https://api.stripe.com")
        String apiBase();

        /** Secret API key ({@code sk_…}); required when the gateway is active. */
        java.util.Optional<String> secretKey();

        /** Webhook endpoint signing secret ({@code whsec_…}); required when the gateway is active. */
        java.util.Optional<String> webhookSecret();

        /** Where Stripe sends the browser after paying; {@code {CHECKOUT_SESSION_ID}} is filled in by Stripe. */
        @WithDefault("http://127.0.0.1:8085/topups/done?session={CHECKOUT_SESSION_ID}")
        String successUrl();

        /** Where Stripe sends the browser when the user gives up. */
        @WithDefault("http://127.0.0.1:8085/topups/cancelled")
        String cancelUrl();

        /** Bound on one call to Stripe's API. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Razorpay {
        /** Base URL of Razorpay's REST API. */
        @WithDefault("https://api.razorpay.com")
        String apiBase();

        /** API key id ({@code rzp_…}); also given to the browser's checkout. Required when active. */
        java.util.Optional<String> keyId();

        /** API key secret; required when the gateway is active. */
        java.util.Optional<String> keySecret();

        /** Webhook secret set in Razorpay's dashboard; required when the gateway is active. */
        java.util.Optional<String> webhookSecret();

        /** Bound on one call to Razorpay's API. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Outbox {
        /** How often rows left unpublished (crash, broker down) are published again. */
        @WithDefault("5s")
        Duration relayInterval();

        /** A row younger than this is left to the request that wrote it, which publishes it itself. */
        @WithDefault("2s")
        Duration relayMinAge();

        /** How long one publish may wait for the broker's acknowledgement. */
        @WithDefault("10s")
        Duration publishTimeout();
    }
}
