package net.secureconnect.runtime.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An RFC 9457 problem detail. {@code code} is the stable, machine-readable reason clients branch on;
 * {@code title} and {@code detail} are for people and may change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String code, String detail, String instance,
                      List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem("https://secureconnect.net/problems/" + code.toLowerCase().replace('_', '-'),
                title, status, code, detail, null, null);
    }

    public Problem withViolations(List<Violation> list) {
        return new Problem(type, title, status, code, detail, instance, List.copyOf(list));
    }

    /** One field that failed validation. */
    public record Violation(String field, String message) {
    }
}
