package net.secureconnect.contracts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The checks every event's compact constructor shares, so all events word their errors alike. */
final class Require {

    /** Latest instant that still prints as a four-digit year, as RFC 3339 (and the JSON Schema) demands. */
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private Require() {
    }

    /** The fields every event starts with. */
    static void common(String eventId, Instant occurredAt, String accountId) {
        id(eventId, "eventId");
        timestamp(occurredAt, "occurredAt");
        id(accountId, "accountId");
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    /**
     * Ids are 1..{@value Event#MAX_ID_LENGTH} visible ASCII characters: they are Kafka keys,
     * DynamoDB keys and log fields, where blanks, control characters or Unicode look-alikes only hurt.
     */
    static String id(String value, String field) {
        present(value, field);
        if (value.isEmpty() || value.length() > Event.MAX_ID_LENGTH) {
            throw new IllegalArgumentException(
                    field + " must be 1.." + Event.MAX_ID_LENGTH + " characters long, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                throw new IllegalArgumentException(
                        field + " must contain only visible ASCII characters (no blanks), found U+"
                                + String.format("%04X", (int) c) + " at index " + i);
            }
        }
        return value;
    }

    static Instant timestamp(Instant value, String field) {
        present(value, field);
        if (value.isBefore(Instant.EPOCH) || value.isAfter(LATEST)) {
            throw new IllegalArgumentException(field + " must lie between 1970 and 9999, was " + value);
        }
        return value;
    }

    static int range(int value, int min, int max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }

    static long atLeast(long value, long min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    /** A non-empty set of enum constants, copied into iteration order by ordinal so JSON output is stable. */
    static <E extends Enum<E>> Set<E> nonEmptySet(Collection<E> values, Class<E> type, String field) {
        present(values, field);
        if (values.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        EnumSet<E> copy = EnumSet.noneOf(type);
        for (E value : values) {
            copy.add(present(value, field + " element"));
        }
        return Collections.unmodifiableSet(copy);
    }

    /** A device id list: distinct ids from 1 up, kept in ascending order so equal lists compare equal. */
    static List<Integer> deviceIds(Collection<Integer> values, String field) {
        present(values, field);
        List<Integer> sorted = new ArrayList<>(values.size());
        for (Integer id : values) {
            sorted.add(range(present(id, field + " element"), 1, Integer.MAX_VALUE, field + " element"));
        }
        Collections.sort(sorted);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).equals(sorted.get(i - 1))) {
                throw new IllegalArgumentException(field + " lists device " + sorted.get(i) + " twice");
            }
        }
        return List.copyOf(sorted);
    }
}
