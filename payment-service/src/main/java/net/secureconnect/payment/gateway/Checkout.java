package net.secureconnect.payment.gateway;

/** A checkout opened at a gateway: its reference there and where the user goes to pay. */
public record Checkout(String gatewayRef, String redirectUrl) {
}
