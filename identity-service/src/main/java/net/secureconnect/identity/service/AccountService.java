package net.secureconnect.identity.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.identity.model.Account;
import net.secureconnect.identity.repository.AccountStore;
import net.secureconnect.identity.repository.OutboxStore;
import net.secureconnect.identity.repository.SubjectStore;
import net.secureconnect.identity.repository.Transactions;
import net.secureconnect.identity.repository.UsernameStore;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Accounts: provisioning from the OIDC subject, ownership, usernames and deletion. */
@ApplicationScoped
public class AccountService {

    /** Attempts of an optimistic-locking transaction before giving up with 409. */
    static final int MAX_ATTEMPTS = 5;
    /** OpenID Connect Core: a subject is at most 255 ASCII characters. */
    static final int MAX_SUBJECT_LENGTH = 255;

    private final SubjectStore subjects;
    private final AccountStore accounts;
    private final UsernameStore usernames;
    private final OutboxStore outbox;
    private final Transactions transactions;
    private final OutboxRelay relay;
    private final RateLimiter rateLimiter;

    public AccountService(SubjectStore subjects, AccountStore accounts, UsernameStore usernames, OutboxStore outbox,
                          Transactions transactions, OutboxRelay relay, RateLimiter rateLimiter) {
        this.subjects = subjects;
        this.accounts = accounts;
        this.usernames = usernames;
        this.outbox = outbox;
        this.transactions = transactions;
        this.relay = relay;
        this.rateLimiter = rateLimiter;
    }

    /**
     * The subject's account, created (with its AccountCreated event) on the first call. Concurrent first
     * calls race on the subject row; the losers read the winner's account.
     */
    public Account provision(String subject) {
        requireSubject(subject);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            var existing = subjects.accountIdOf(subject);
            if (existing.isPresent()) {
                return accounts.find(existing.get()).filter(Account::active).orElseThrow(() ->
                        new IllegalStateException("subject row points to a missing or deleting account "
                                + existing.get()));
            }
            Instant now = Instant.now();
            // The account id is the OIDC subject: every service reads it from the token without asking us.
            Account fresh = Account.create(subject, subject, now);
            AccountCreated created = new AccountCreated(eventId(EventType.ACCOUNT_CREATED, fresh, fresh.version()),
                    now, fresh.accountId());
            try {
                transactions.write(subjects.bind(subject, fresh.accountId(), now), accounts.create(fresh),
                        outbox.append(created, fresh.version()));
            } catch (TransactionCanceledException lostTheRace) {
                continue; // the subject row exists now: read it
            }
            relay.drain(fresh.accountId());
            return fresh;
        }
        throw IdentityProblems.concurrentModification();
    }

    /**
     * Only the id of the subject's account (provisioned if needed): one read instead of two, for the hot
     * paths that need no more (bundle fetches, lookups). A subject row exists only for an active account:
     * deletion removes it in the transaction that marks the account.
     */
    public String callerId(String subject) {
        requireSubject(subject);
        return subjects.accountIdOf(subject).orElseGet(() -> provision(subject).accountId());
    }

    /** The caller's account (provisioned if needed), which must be {@code accountId}; else 403. */
    public Account requireOwner(String subject, String accountId) {
        Account caller = provision(subject);
        if (!caller.accountId().equals(accountId)) {
            throw IdentityProblems.notAccountOwner();
        }
        return caller;
    }

    /** Claims {@code username} for the account, releasing its previous name in the same transaction. */
    public Account claimUsername(Account caller, String username) {
        rateLimiter.check(RateLimit.USERNAME_CHANGE_PER_ACCOUNT, caller.accountId());
        String key = Usernames.key(username);
        Account account = caller;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (username.equals(account.username())) {
                return account;
            }
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(usernames.claim(key, username, account.accountId()));
            items.add(accounts.claimUsername(account, username, key));
            if (account.usernameKey() != null && !account.usernameKey().equals(key)) {
                items.add(usernames.release(account.usernameKey(), account.accountId()));
            }
            try {
                transactions.write(items);
                return accounts.find(account.accountId()).orElseThrow(IdentityProblems::accountNotFound);
            } catch (TransactionCanceledException e) {
                if (Transactions.conditionFailed(e, 0)) {
                    throw IdentityProblems.usernameTaken();
                }
                account = reread(account); // our own account moved on (or a conflict): try again
            }
        }
        throw IdentityProblems.concurrentModification();
    }

    public Account releaseUsername(Account caller) {
        rateLimiter.check(RateLimit.USERNAME_CHANGE_PER_ACCOUNT, caller.accountId());
        Account account = caller;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (account.usernameKey() == null) {
                return account;
            }
            try {
                transactions.write(accounts.releaseUsername(account),
                        usernames.release(account.usernameKey(), account.accountId()));
                return accounts.find(account.accountId()).orElseThrow(IdentityProblems::accountNotFound);
            } catch (TransactionCanceledException e) {
                account = reread(account);
            }
        }
        throw IdentityProblems.concurrentModification();
    }

    /** Exact, case-insensitive lookup: the owner's account id and chosen spelling, nothing else. */
    public UsernameStore.Owner lookup(String callerId, String username) {
        rateLimiter.check(RateLimit.USERNAME_LOOKUP_PER_REQUESTER, callerId);
        return usernames.find(Usernames.key(username))
                .filter(owner -> accounts.find(owner.accountId()).filter(Account::active).isPresent())
                .orElseThrow(IdentityProblems::usernameNotFound);
    }

    /**
     * Deletes the caller's account: one transaction frees the subject and the username, marks the account
     * and writes AccountDeleted; the devices and keys go before that event is published (OutboxRelay).
     * Never provisions: a repeated delete finds no account instead of creating one.
     */
    public void delete(String subject, String accountId) {
        requireSubject(subject);
        String callerAccountId = subjects.accountIdOf(subject).orElseThrow(IdentityProblems::accountNotFound);
        if (!callerAccountId.equals(accountId)) {
            throw IdentityProblems.notAccountOwner();
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Account account = accounts.find(accountId).filter(Account::active)
                    .orElseThrow(IdentityProblems::accountNotFound);
            try {
                beginDeletion(account);
                relay.drain(accountId);
                return;
            } catch (TransactionCanceledException e) {
                // changed under us: read again
            }
        }
        throw IdentityProblems.concurrentModification();
    }

    /**
     * The committing step of a deletion, without the drain that follows it. Public so a test can stop
     * exactly there, as a crash would, and watch the sweeper finish the job.
     */
    public void beginDeletion(Account account) {
        AccountDeleted deleted = new AccountDeleted(eventId(EventType.ACCOUNT_DELETED, account,
                account.nextVersion()), Instant.now(), account.accountId());
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(accounts.markDeleting(account));
        items.add(subjects.unbind(account.subject(), account.accountId()));
        items.add(outbox.append(deleted, account.nextVersion()));
        if (account.usernameKey() != null) {
            items.add(usernames.release(account.usernameKey(), account.accountId()));
        }
        transactions.write(items);
    }

    private Account reread(Account account) {
        return accounts.find(account.accountId()).filter(Account::active)
                .orElseThrow(IdentityProblems::accountNotFound);
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT_LENGTH) {
            throw IdentityProblems.subjectMissing();
        }
    }

    /**
     * Deterministic: the same (account incarnation, sequence) always gives the same id, so re-publishes dedupe.
     * The creation time names the incarnation: an account deleted and provisioned again by the same subject has
     * the same id and restarts its versions, and its events must not collide with the old ones.
     */
    static String eventId(EventType type, Account account, long seq) {
        return EventIds.forCause(type, account.accountId(), account.createdAt().toEpochMilli() + "." + seq);
    }
}
