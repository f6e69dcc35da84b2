package net.secureconnect.payment.repository;

import net.secureconnect.runtime.rest.ProblemException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The opaque page cursor of {@code GET /payments}: the index position (payment id, account id, created-at)
 * in URL-safe base64. The account id in it is never trusted: the query is always for the caller.
 */
final class Cursor {

    private Cursor() {
    }

    static String encode(Map<String, AttributeValue> lastKey) {
        String raw = lastKey.get(PaymentStore.PAYMENT_ID).s() + "\n" + lastKey.get(PaymentStore.ACCOUNT_ID).s()
                + "\n" + lastKey.get(PaymentStore.CREATED_AT).n();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, AttributeValue> decode(String cursor, String accountId) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n");
            if (parts.length != 3) {
                throw new IllegalArgumentException();
            }
            return Map.of(PaymentStore.PAYMENT_ID, Attributes.s(parts[0]),
                    PaymentStore.ACCOUNT_ID, Attributes.s(accountId),
                    PaymentStore.CREATED_AT, Attributes.n(Long.parseLong(parts[2])));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "INVALID_CURSOR", "Invalid cursor", "cursor is not one this service issued");
        }
    }
}
