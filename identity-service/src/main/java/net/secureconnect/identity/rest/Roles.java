package net.secureconnect.identity.rest;

/** Realm roles identity-service checks (Keycloak gives every self-registered user {@code user}). */
public final class Roles {

    /** People with an account; service accounts lack it and so cannot create accounts by calling. */
    public static final String USER = "user";

    private Roles() {
    }
}
