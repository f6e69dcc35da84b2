package net.secureconnect.payment.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.gateway.Checkout;
import net.secureconnect.payment.gateway.Gateways;
import net.secureconnect.payment.gateway.PaymentGateway;
import net.secureconnect.payment.repository.GatewayRefStore;
import net.secureconnect.payment.repository.IdempotencyKeyStore;
import net.secureconnect.payment.repository.PaymentStore;
import net.secureconnect.payment.repository.Transactions;
import net.secureconnect.runtime.rest.ProblemException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Packs and checkouts. A checkout is idempotent per account and Idempotency-Key: the key is claimed in the
 * same transaction that creates the pending payment, so two concurrent requests with one key create one
 * payment; a repeat with the same body gets the same payment back, with another body a 422.
 */
@ApplicationScoped
public class TopupService {

    private final PaymentConfig config;
    private final PaymentStore payments;
    private final IdempotencyKeyStore keys;
    private final Transactions transactions;
    private final Gateways gateways;
    private final GatewayRefStore gatewayRefs;
    private final Clock clock = Clock.systemUTC();

    public TopupService(PaymentConfig config, PaymentStore payments, IdempotencyKeyStore keys,
                        Transactions transactions, Gateways gateways, GatewayRefStore gatewayRefs) {
        this.config = config;
        this.payments = payments;
        this.keys = keys;
        this.transactions = transactions;
        this.gateways = gateways;
        this.gatewayRefs = gatewayRefs;
    }

    public List<Pack> packs() {
        return config.packs().entrySet().stream()
                .map(e -> new Pack(e.getKey(), e.getValue().credits(), e.getValue().priceMinor(),
                        e.getValue().currency().orElse(config.defaultCurrency())))
                .sorted(Comparator.comparingLong(Pack::priceMinor))
                .toList();
    }

    public Optional<Pack> pack(String packId) {
        return packs().stream().filter(p -> p.packId().equals(packId)).findFirst();
    }

    /** The pending payment for this request, created now or by an earlier request with the same key. */
    public Payment checkout(String accountId, String idempotencyKey, String packId) {
        String key = IdempotencyKeyStore.key(accountId, idempotencyKey);
        String fingerprint = fingerprint(packId);
        Optional<IdempotencyKeyStore.Use> earlier = keys.find(key);
        if (earlier.isEmpty()) {
            Pack pack = pack(packId).orElseThrow(() -> new ProblemException(422, "UNKNOWN_PACK",
                    "Unknown pack", "no pack with id " + packId));
            Instant now = clock.instant();
            Payment payment = new Payment(UUID.randomUUID().toString(), accountId, pack.packId(), pack.credits(),
                    pack.priceMinor(), pack.currency(), gateways.active().name(), null, null, PaymentStatus.PENDING,
                    false, false, 0, now, now);
            try {
                transactions.write(List.of(keys.claim(key, fingerprint, payment.paymentId()), payments.create(payment)));
                return open(payment);
            } catch (TransactionCanceledException e) {
                if (!Transactions.conditionFailed(e, 0)) {
                    throw e;
                }
                earlier = keys.find(key); // a concurrent request with the same key won
            }
        }
        IdempotencyKeyStore.Use use = earlier.orElseThrow();
        if (!MessageDigest.isEqual(use.fingerprint().getBytes(StandardCharsets.UTF_8),
                fingerprint.getBytes(StandardCharsets.UTF_8))) {
            throw new ProblemException(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key reused",
                    "this Idempotency-Key was used with a different request");
        }
        Payment payment = payments.find(use.paymentId()).orElseThrow();
        // The first request may have died between creating the payment and opening its checkout.
        return payment.checkoutUrl() == null ? open(payment) : payment;
    }

    private Payment open(Payment payment) {
        PaymentGateway gateway = gateways.active();
        Checkout checkout = gateway.openCheckout(payment);
        try {
            // The checkout's id is bound to the payment here: a webhook finds its payment by it, never by notes.
            transactions.write(List.of(
                    payments.attachCheckout(payment.paymentId(), checkout.gatewayRef(), checkout.redirectUrl()),
                    gatewayRefs.bind(gateway.name(), checkout.gatewayRef(), payment.paymentId())));
        } catch (TransactionCanceledException e) {
            if (!Transactions.conditionFailed(e, 0)) {
                throw e;
            }
            // A concurrent request with the same key attached its checkout first; that one is the payment's.
        }
        return payments.find(payment.paymentId()).orElseThrow();
    }

    private static String fingerprint(String packId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("packId=" + packId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
