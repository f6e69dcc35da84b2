package net.secureconnect.wallet.support;

import java.util.Map;

/** The one wallet-service process of the IT JVM; a test that kills it puts its successor back here. */
public final class SharedWallet {

    /** Faster outbox settings than production, so a test sees the relay's work within seconds. */
    public static final Map<String, String> SETTINGS = Map.of(
            "wallet.outbox.sweep-interval", "5s",
            "wallet.outbox.sweep-grace", "10s");

    private static WalletProcess current;

    private SharedWallet() {
    }

    public static synchronized WalletProcess get() {
        if (current == null || !current.alive()) {
            current = WalletProcess.start(SETTINGS);
        }
        return current;
    }

    /** Stops the shared process if one runs, so a test can run its own instances of the consumer group. */
    public static synchronized void stop() {
        if (current != null && current.alive()) {
            current.stop();
        }
        current = null;
    }

    public static synchronized void set(WalletProcess wallet) {
        current = wallet;
    }
}
