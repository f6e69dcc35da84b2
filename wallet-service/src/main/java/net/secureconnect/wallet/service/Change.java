package net.secureconnect.wallet.service;

import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.CreditsRevoked;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageMode;

import java.util.Optional;

/** Something that changes a wallet, with the key that makes it apply once. */
public sealed interface Change {

    String accountId();

    /** The ledger entry's id: the same cause always yields the same id, so it is applied once. */
    String entryId();

    /** The id of the causing event, carried by the announcements as {@code causeEventId}. */
    String cause();

    /** The change an event asks for, or empty for events the wallet does not act on. */
    static Optional<Change> of(Event event, long welcomeCredits) {
        if (event instanceof UsageEvent usage && usage.mode() == UsageMode.RELEASE) {
            return Optional.of(new Release(usage, null));
        } else if (event instanceof UsageEvent usage) {
            return Optional.of(new Usage(usage));
        } else if (event instanceof CreditsPurchased purchase) {
            return Optional.of(new Purchase(purchase));
        } else if (event instanceof CreditsRevoked revocation) {
            return Optional.of(new Revocation(revocation));
        } else if (event instanceof AccountCreated created) {
            return Optional.of(new Opening(created, welcomeCredits));
        } else if (event instanceof AccountDeleted deleted) {
            return Optional.of(new Closing(deleted));
        }
        return Optional.empty();
    }

    record Usage(UsageEvent event) implements Change {
        public String accountId() {
            return event.accountId();
        }

        public String entryId() {
            return "usage:" + event.eventId();
        }

        public String cause() {
            return event.eventId();
        }
    }

    /**
     * Gives back what the AUTHORIZE named by {@code event.causeId()} debited. Keyed by that authorization, so
     * it is credited once however many RELEASE events name it.
     *
     * @param held what the authorization's entry debited (positive), 0 if it debited nothing or does not
     *             exist, null until {@link PostingService} has looked it up
     */
    record Release(UsageEvent event, Long held) implements Change {
        public String accountId() {
            return event.accountId();
        }

        public String entryId() {
            return releaseEntryId(event.causeId());
        }

        public String cause() {
            return event.eventId();
        }

        /** The ledger entry of the authorization it gives back. */
        public String authorizationEntryId() {
            return "usage:" + event.causeId();
        }

        public Release withHeld(long credits) {
            return new Release(event, credits);
        }
    }

    static String releaseEntryId(String authorizationEventId) {
        return "release:" + authorizationEventId;
    }

    record Purchase(CreditsPurchased event) implements Change {
        public String accountId() {
            return event.accountId();
        }

        // Credited once per payment, whatever event id a retrying payment-service gave it.
        public String entryId() {
            return "purchase:" + event.paymentId();
        }

        public String cause() {
            return event.eventId();
        }
    }

    record Revocation(CreditsRevoked event) implements Change {
        public String accountId() {
            return event.accountId();
        }

        public String entryId() {
            return "revocation:" + event.paymentId();
        }

        public String cause() {
            return event.eventId();
        }
    }

    /** AccountCreated: opens the ledger once per account, with the welcome credits in force. */
    record Opening(AccountCreated event, long welcomeCredits) implements Change {
        public String accountId() {
            return event.accountId();
        }

        public String entryId() {
            return "opened";
        }

        public String cause() {
            return event.eventId();
        }
    }

    /** AccountDeleted: closes the wallet, once per deletion (docs/wallet.md, "Closed wallets"). */
    record Closing(AccountDeleted event) implements Change {
        public String accountId() {
            return event.accountId();
        }

        public String entryId() {
            return "closed:" + event.eventId();
        }

        public String cause() {
            return event.eventId();
        }
    }

    /**
     * AccountCreated of a new incarnation (same subject, created after the wallet was closed): opens it again.
     * Made from an {@link Opening} by {@link PostingService}, which knows the wallet.
     */
    record Reopening(AccountCreated event) implements Change {
        public String accountId() {
            return event.accountId();
        }

        public String entryId() {
            return "reopened:" + event.eventId();
        }

        public String cause() {
            return event.eventId();
        }
    }

    /**
     * An administrator's correction.
     *
     * @param credits     positive to add, negative to remove
     * @param requestHash fingerprint of the request body, compared when the key is reused
     */
    record Adjustment(String accountId, String idempotencyKey, long credits, String reason, String requestHash)
            implements Change {
        public String entryId() {
            return "adjustment:" + idempotencyKey;
        }

        public String cause() {
            return EventIds.derive("adjustment", accountId, idempotencyKey);
        }
    }
}
