package net.secureconnect.runtime.security;

/** Realm roles of the SecureConnect realm (deploy/keycloak) that the services check. */
public final class Roles {

    /** Every end user (default role of the realm); every user endpoint requires it. */
    public static final String USER = "user";
    /** Operators: administrative endpoints. */
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
