package net.secureconnect.contracts.json;

import java.util.Objects;

import net.secureconnect.contracts.Event;

/**
 * The outcome of {@link EventJson#decode}: an event, or the reason the record was rejected.
 * Use {@code instanceof Decoded d} / {@code instanceof Rejected r}, or {@link #orElseThrow()}.
 */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

    /** The event, or a {@link RecordRejectedException} carrying the reason. */
    Event orElseThrow();

    record Decoded(Event event) implements DecodeResult {
        public Decoded {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public Event orElseThrow() {
            return event;
        }
    }

    record Rejected(RejectionReason reason, String detail) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Event orElseThrow() {
            throw new RecordRejectedException(reason, detail);
        }
    }
}
