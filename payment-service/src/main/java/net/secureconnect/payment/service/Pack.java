package net.secureconnect.payment.service;

/** A top-up pack as offered: credits for a price in minor units. */
public record Pack(String packId, long credits, long priceMinor, String currency) {
}
