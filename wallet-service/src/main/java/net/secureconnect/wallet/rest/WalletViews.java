package net.secureconnect.wallet.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.WalletStatus;
import net.secureconnect.wallet.repository.LedgerStore;
import net.secureconnect.wallet.service.LedgerEntry;
import net.secureconnect.wallet.service.Wallet;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** What the REST API shows of wallets and ledger entries. */
public final class WalletViews {

    private WalletViews() {
    }

    /**
     * @param unaffordableKinds kinds the balance cannot pay one unit of (why the status is SUSPENDED)
     * @param overdraftCredits  usage and revocations the balance could not cover, in total
     */
    public record WalletView(String accountId, long balance, long version, WalletStatus status,
                             Set<UsageKind> unaffordableKinds, long overdraftCredits) {
        static WalletView of(Wallet wallet) {
            return new WalletView(wallet.accountId(), wallet.balance(), wallet.version(), wallet.status(),
                    wallet.unaffordable(), wallet.overdraft());
        }
    }

    /** One ledger entry; {@code usage}, {@code paymentId} and {@code note} only where they apply. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EntryView(String entryId, long version, String kind, String cause, long amount, long balanceAfter,
                            long overdraft, Instant at, LedgerEntry.Usage usage, String paymentId, String note) {
        static EntryView of(LedgerEntry entry) {
            return new EntryView(entry.entryId(), entry.version(), entry.kind().name(), entry.cause(),
                    entry.amount(), entry.balanceAfter(), entry.overdraft(), entry.at(), entry.usage(),
                    entry.paymentId(), entry.note());
        }
    }

    /** @param nextBefore pass as {@code before} for the next (older) page; null on the last page */
    public record LedgerPage(List<EntryView> entries, Long nextBefore) {
        static LedgerPage of(LedgerStore.Page page) {
            return new LedgerPage(page.entries().stream().map(EntryView::of).toList(), page.nextBefore());
        }
    }
}
