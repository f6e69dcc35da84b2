package net.secureconnect.sdk.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.crypto.AuthenticationException;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.protocol.ProtocolStore;
import net.secureconnect.sdk.protocol.SessionRecord;
import net.secureconnect.sdk.trust.IdentityPin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One profile's state on disk, encrypted at rest under a key derived from the passphrase with Argon2id:
 * this device's keys, one file per session, and the accepted X3DH base keys. Layout, file format and
 * associated data are in docs/protocol-crypto.md §8. Every write is atomic (temporary file, fsync,
 * rename); a profile is held by one process at a time (file lock). Close it when done.
 */
public final class ProfileStore implements ProtocolStore, AutoCloseable {

    public static final int FORMAT = 1;
    static final byte[] MAGIC = Bytes.ascii("SCS1");
    static final String AD_LABEL = "SecureConnect state v1";
    static final byte[] VERIFIER_PLAINTEXT = Bytes.ascii("SecureConnect passphrase check");
    /** Accepted base keys remembered per signed prekey (oldest forgotten first). */
    public static final int MAX_BASE_KEYS = 10_000;
    static final String COUNTER_FILE = "counter.bin";
    /** AD name of the witness file (§8 "Rollback"), which lives outside the profile folder. */
    static final String WITNESS_AD_NAME = "witness";
    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PINS_FILE = "pins.bin";

    private final Path dir;
    private final byte[] key;
    /** Keys the session file names (derived from the profile key; wiped on close). */
    private final byte[] fileNameKey;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final LocalDevice device;
    private final Map<DeviceAddress, SessionRecord> sessions = new HashMap<>();
    /** Accepted base keys by the signed prekey id their setup named (§5.1 step 2); a bucket goes with its prekey. */
    private final Map<Integer, LinkedHashSet<String>> baseKeys = new java.util.TreeMap<>();
    /** Base keys from the pre-issue-15 global list, and the signed prekeys present when they were migrated. */
    private final LinkedHashSet<String> legacyBaseKeys = new LinkedHashSet<>();
    private final java.util.TreeSet<Integer> legacyBaseKeysCover = new java.util.TreeSet<>();
    /** Rollback detection (§8): the state counter, its copy outside the profile folder, and what open found. */
    private Path witnessDir;
    private byte[] profileId;
    private long counter;
    private Rollback rollback;
    private final Map<DeviceAddress, IdentityPin> pins = new java.util.TreeMap<>(
            java.util.Comparator.comparing(DeviceAddress::accountId).thenComparingInt(DeviceAddress::deviceId));

    private ProfileStore(Path dir, byte[] key, FileChannel lockChannel, FileLock lock, LocalDevice device) {
        this.dir = dir;
        this.key = key;
        this.fileNameKey = net.secureconnect.sdk.crypto.Hkdf.derive(new byte[32], key, Bytes.ascii("SecureConnect file names v1"), 32);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.device = device;
    }

    public static boolean exists(Path root, String profile) {
        return Files.exists(root.resolve(checkName(profile)).resolve("profile.json"));
    }

    /** Creates {@code root/profile/} holding {@code device}; refuses an existing profile. */
    public static ProfileStore create(Path root, String profile, char[] passphrase, LocalDevice device,
                                      KdfParameters kdf) {
        return create(root, profile, passphrase, device, kdf, defaultWitnessDirectory());
    }

    /** The same, with the state counter's witness kept in {@code witnessDir} (§8 "Rollback"). */
    public static ProfileStore create(Path root, String profile, char[] passphrase, LocalDevice device,
                                      KdfParameters kdf, Path witnessDir) {
        Path dir = root.resolve(checkName(profile));
        if (Files.exists(dir.resolve("profile.json"))) {
            throw new StateStoreException("profile '" + profile + "' already exists");
        }
        try {
            createPrivateDirectory(dir);
            createPrivateDirectory(dir.resolve("sessions"));
        } catch (IOException e) {
            throw new StateStoreException("cannot create " + dir, e);
        }
        byte[] salt = Sodium.randomBytes(16);
        byte[] key = deriveKey(passphrase, salt, kdf);
        ProfileStore store = locked(dir, key, device);
        ObjectNode header = JSON.createObjectNode();
        header.put("format", FORMAT);
        header.putObject("kdf").put("algorithm", "argon2id13").put("opsLimit", kdf.opsLimit())
                .put("memLimit", kdf.memLimit()).put("salt", Bytes.base64(salt));
        header.put("verifier", Bytes.base64(store.seal("profile.json#verifier", VERIFIER_PLAINTEXT)));
        store.witnessDir = witnessDir;
        store.profileId = Sodium.randomBytes(16);
        try {
            createPrivateDirectory(witnessDir);
            store.writeFile("device.bin", device.toJson());
            store.writeBaseKeys();
            // profile.json last: a crash before this leaves no profile that half-opens.
            atomicWrite(dir.resolve("profile.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(header));
        } catch (IOException e) {
            store.close();
            throw new StateStoreException("cannot write profile " + profile, e);
        }
        return store;
    }

    /**
     * Opens an existing profile. {@link WrongPassphraseException} if the passphrase does not match;
     * {@link StateStoreException} if the profile is missing, in use by another process, or corrupted.
     */
    public static ProfileStore open(Path root, String profile, char[] passphrase) throws WrongPassphraseException {
        return open(root, profile, passphrase, defaultWitnessDirectory());
    }

    /**
     * The same, checking the state counter against its witness in {@code witnessDir} (§8 "Rollback"): a profile
     * older than the witness opens with its sessions dropped and its prekeys replaced ({@link #rollbackDetected}).
     */
    public static ProfileStore open(Path root, String profile, char[] passphrase, Path witnessDir)
            throws WrongPassphraseException {
        Path dir = root.resolve(checkName(profile));
        JsonNode header;
        try {
            header = JSON.readTree(Files.readAllBytes(dir.resolve("profile.json")));
        } catch (NoSuchFileException e) {
            throw new StateStoreException("no profile '" + profile + "' in " + root);
        } catch (IOException e) {
            throw new StateStoreException("cannot read profile " + profile, e);
        }
        if (header.path("format").asInt() != FORMAT || !"argon2id13".equals(header.path("kdf").path("algorithm").asText())) {
            throw new StateStoreException("unsupported profile format");
        }
        JsonNode kdf = header.path("kdf");
        byte[] key = deriveKey(passphrase, Bytes.base64(kdf.path("salt").asText(), 16),
                new KdfParameters(kdf.path("opsLimit").asLong(), kdf.path("memLimit").asLong()));
        byte[] verifier;
        try {
            verifier = java.util.Base64.getDecoder().decode(header.path("verifier").asText());
        } catch (IllegalArgumentException e) {
            throw new StateStoreException("profile.json: verifier is not base64");
        }
        try {
            byte[] check = open(key, "profile.json#verifier", verifier);
            if (!Arrays.equals(check, VERIFIER_PLAINTEXT)) {
                throw new AuthenticationException("verifier");
            }
        } catch (AuthenticationException e) {
            throw new WrongPassphraseException(profile);
        }
        ProfileStore partial = locked(dir, key, null);
        try {
            LocalDevice device = LocalDevice.fromJson(partial.readEncrypted("device.bin"));
            ProfileStore store = new ProfileStore(dir, key, partial.lockChannel, partial.lock, device);
            store.witnessDir = witnessDir;
            // Counter and witness are read before anything below may write (and so bump) either.
            store.loadCounter();
            long counterAtOpen = store.counter;
            Long witnessed = store.readWitness();
            store.loadSessions();
            store.loadBaseKeys();
            if (Files.exists(dir.resolve(PINS_FILE))) {
                for (JsonNode pin : store.readEncrypted(PINS_FILE).path("pins")) {
                    IdentityPin p = IdentityPin.fromJson(pin);
                    store.pins.put(p.device(), p);
                }
            }
            store.checkRollback(counterAtOpen, witnessed);
            return store;
        } catch (RuntimeException e) {
            partial.close();
            throw e;
        }
    }

    private static ProfileStore locked(Path dir, byte[] key, LocalDevice device) {
        try {
            FileChannel channel = POSIX
                    ? FileChannel.open(dir.resolve("lock"), java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PRIVATE_FILE))
                    : FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StateStoreException("profile " + dir.getFileName() + " is in use by another process");
            }
            return new ProfileStore(dir, key, channel, lock, device);
        } catch (IOException e) {
            throw new StateStoreException("cannot lock " + dir, e);
        }
    }

    private static byte[] deriveKey(char[] passphrase, byte[] salt, KdfParameters kdf) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] password = new byte[encoded.remaining()];
        encoded.get(password);
        try {
            return Sodium.argon2id(password, salt, kdf.opsLimit(), kdf.memLimit(), 32);
        } finally {
            Arrays.fill(password, (byte) 0);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }

    // ---- ProtocolStore ----

    @Override
    public LocalDevice localDevice() {
        return device;
    }

    @Override
    public void localDeviceChanged() {
        writeState("device.bin", device.toJson());
        if (pruneBaseKeys()) {
            writeBaseKeys();
        }
    }

    @Override
    public Optional<SessionRecord> sessionRecord(DeviceAddress address) {
        return Optional.ofNullable(sessions.get(address));
    }

    @Override
    public void storeSessionRecord(DeviceAddress address, SessionRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("accountId", address.accountId());
        node.put("deviceId", address.deviceId());
        node.set("record", record.toJson());
        writeState(sessionFile(address), node);
        sessions.put(address, record);
    }

    @Override
    public boolean isBaseKeyKnown(int signedPrekeyId, byte[] baseKey) {
        String key = Bytes.base64(baseKey);
        return baseKeys.getOrDefault(signedPrekeyId, new LinkedHashSet<>()).contains(key)
                || legacyBaseKeysCover.contains(signedPrekeyId) && legacyBaseKeys.contains(key);
    }

    @Override
    public void rememberBaseKey(int signedPrekeyId, byte[] baseKey) {
        LinkedHashSet<String> bucket = baseKeys.computeIfAbsent(signedPrekeyId, id -> new LinkedHashSet<>());
        bucket.add(Bytes.base64(baseKey));
        while (bucket.size() > MAX_BASE_KEYS) {
            bucket.remove(bucket.iterator().next());
        }
        pruneBaseKeys();
        writeBaseKeys();
    }

    /** Drops the base keys of signed prekeys this device no longer has (deleted after their grace period). */
    private boolean pruneBaseKeys() {
        boolean changed = baseKeys.keySet().removeIf(id -> device.signedPrekey(id).isEmpty());
        changed |= legacyBaseKeysCover.removeIf(id -> device.signedPrekey(id).isEmpty());
        if (legacyBaseKeysCover.isEmpty() && !legacyBaseKeys.isEmpty()) {
            legacyBaseKeys.clear();
            changed = true;
        }
        return changed;
    }

    /** Accepted base keys of the signed prekey {@code signedPrekeyId} (tests). */
    public int baseKeyCount(int signedPrekeyId) {
        return baseKeys.getOrDefault(signedPrekeyId, new LinkedHashSet<>()).size();
    }

    @Override
    public void removeSessionRecord(DeviceAddress address) {
        try {
            Files.deleteIfExists(dir.resolve(sessionFile(address)));
        } catch (IOException e) {
            throw new StateStoreException("cannot delete the session with " + address, e);
        }
        sessions.remove(address);
        bump();
    }

    @Override
    public Optional<IdentityPin> pin(DeviceAddress device) {
        return Optional.ofNullable(pins.get(device));
    }

    @Override
    public java.util.List<IdentityPin> pins(String accountId) {
        return pins.values().stream().filter(p -> p.device().accountId().equals(accountId)).toList();
    }

    @Override
    public void storePin(IdentityPin pin) {
        IdentityPin before = pins.put(pin.device(), pin);
        try {
            ObjectNode node = JSON.createObjectNode();
            ArrayNode list = node.putArray("pins");
            pins.values().forEach(p -> list.add(p.toJson()));
            writeState(PINS_FILE, node);
        } catch (RuntimeException e) {
            if (before == null) {
                pins.remove(pin.device());
            } else {
                pins.put(pin.device(), before);
            }
            throw e;
        }
    }

    public Path directory() {
        return dir;
    }

    private static final Pattern DOCUMENT_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /**
     * An application document kept encrypted next to the keys ({@code data/<name>.bin}, same format and
     * associated data scheme as every state file): message history, seen envelope ids, tokens.
     */
    public Optional<JsonNode> readDocument(String name) {
        String file = documentFile(name);
        if (!Files.exists(dir.resolve(file))) {
            return Optional.empty();
        }
        return Optional.of(readEncrypted(file));
    }

    /** Replaces a document atomically (see {@link #readDocument}). */
    public void writeDocument(String name, JsonNode content) {
        String file = documentFile(name);
        try {
            createPrivateDirectory(dir.resolve("data"));
        } catch (IOException e) {
            throw new StateStoreException("cannot create " + dir.resolve("data"), e);
        }
        writeFile(file, content);
    }

    /** Removes a document; nothing happens if it does not exist. */
    public void deleteDocument(String name) {
        try {
            Files.deleteIfExists(dir.resolve(documentFile(name)));
        } catch (IOException e) {
            throw new StateStoreException("cannot delete " + name, e);
        }
    }

    private static String documentFile(String name) {
        if (name == null || !DOCUMENT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("document names are 1..32 of [a-z0-9-], starting with a letter");
        }
        return "data/" + name + ".bin";
    }

    @Override
    public void close() {
        Arrays.fill(key, (byte) 0);
        Arrays.fill(fileNameKey, (byte) 0);
        try {
            if (lock != null) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            throw new StateStoreException("cannot release the profile lock", e);
        }
    }

    // ---- files ----

    /**
     * A session's file name does not reveal the contact: {@code sessions/<hex(HMAC(N, UTF-8(accountId) ‖ 0x00 ‖
     * u32(deviceId)))[0..32)>.bin} with N = HKDF(salt = 32 zero bytes, K, "SecureConnect file names v1", 32).
     */
    String sessionFile(DeviceAddress address) {
        byte[] mac = net.secureconnect.sdk.crypto.Hkdf.hmacSha256(fileNameKey, Bytes.concat(
                address.accountId().getBytes(StandardCharsets.UTF_8), new byte[] {0}, Bytes.u32(address.deviceId())));
        return "sessions/" + Bytes.hex(mac).substring(0, 32) + ".bin";
    }

    /** The name format before issue 15 (hex of the account id): such files are renamed when the profile opens. */
    static String legacySessionFile(DeviceAddress address) {
        return "sessions/" + Bytes.hex(address.accountId().getBytes(StandardCharsets.UTF_8)) + "." + address.deviceId() + ".bin";
    }

    private void loadSessions() {
        try (var files = Files.list(dir.resolve("sessions"))) {
            // Listed first: a legacy file renamed below adds a file to this folder.
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".bin")).toList()) {
                String name = "sessions/" + file.getFileName();
                JsonNode node = readEncrypted(name);
                DeviceAddress address = new DeviceAddress(node.path("accountId").asText(), node.path("deviceId").asInt());
                if (name.equals(legacySessionFile(address))) {
                    writeFile(sessionFile(address), node); // rename to a name that hides the contact
                    Files.delete(file);
                } else if (!sessionFile(address).equals(name)) {
                    throw new StateStoreException("session file " + file.getFileName() + " names another device");
                }
                sessions.put(address, SessionRecord.fromJson(node.path("record")));
            }
        } catch (IOException e) {
            throw new StateStoreException("cannot list sessions", e);
        }
    }

    private void loadBaseKeys() {
        JsonNode node = readEncrypted("basekeys.bin");
        for (JsonNode bucket : node.path("bySignedPrekey")) {
            LinkedHashSet<String> keys = new LinkedHashSet<>();
            bucket.path("baseKeys").forEach(k -> keys.add(k.asText()));
            baseKeys.put(bucket.path("signedPrekeyId").asInt(), keys);
        }
        if (node.has("legacy")) {
            node.path("legacy").path("baseKeys").forEach(k -> legacyBaseKeys.add(k.asText()));
            node.path("legacy").path("signedPrekeyIds").forEach(id -> legacyBaseKeysCover.add(id.asInt()));
        } else if (node.has("baseKeys")) {
            // Pre-issue-15 global list: kept for the signed prekeys present now, dropped when the last of them goes.
            node.path("baseKeys").forEach(k -> legacyBaseKeys.add(k.asText()));
            device.signedPrekeyIds().forEach(legacyBaseKeysCover::add);
        }
        if (pruneBaseKeys()) {
            writeBaseKeys();
        }
    }

    private void writeBaseKeys() {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode buckets = node.putArray("bySignedPrekey");
        baseKeys.forEach((id, keys) -> {
            ObjectNode bucket = buckets.addObject().put("signedPrekeyId", id);
            ArrayNode list = bucket.putArray("baseKeys");
            keys.forEach(list::add);
        });
        if (!legacyBaseKeys.isEmpty()) {
            ObjectNode legacy = node.putObject("legacy");
            legacyBaseKeysCover.forEach(legacy.putArray("signedPrekeyIds")::add);
            legacyBaseKeys.forEach(legacy.putArray("baseKeys")::add);
        }
        writeState("basekeys.bin", node);
    }

    // ---- rollback detection (§8 "Rollback") ----

    /** What opening found when the profile was older than its witness. */
    public record Rollback(long profileCounter, long witnessCounter, int sessionsDropped) {
        /** What the user is told (CLI, on stderr when the profile opens). */
        public String message() {
            return "this profile is OLDER than the one last used on this computer (state " + profileCounter + " < "
                    + witnessCounter + "): it was restored from a backup or copied back. Its " + sessionsDropped
                    + " session(s) were dropped and its prekeys replaced, so nothing is reused: new sessions are set"
                    + " up as messages go out, and contacts whose messages cannot be read are asked for new ones."
                    + " If you did not restore it, someone with access to your files may have.";
        }
    }

    /** Present when this profile was detected as a restored older copy; its sessions were dropped then. */
    public Optional<Rollback> rollbackDetected() {
        return Optional.ofNullable(rollback);
    }

    /** The state counter: one more for every state change (tests, diagnostics). */
    public long stateCounter() {
        return counter;
    }

    /**
     * Where the witnesses live unless told: {@code secureconnect.witnessDir} (system property), else
     * {@code $SC_WITNESS_DIR}, else {@code $XDG_STATE_HOME/secureconnect/witness}, else
     * {@code ~/.local/state/secureconnect/witness} — outside the profile root, so restoring or copying back a
     * profile folder (or the whole root) does not roll the witness back with it.
     */
    public static Path defaultWitnessDirectory() {
        String property = System.getProperty("secureconnect.witnessDir");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("SC_WITNESS_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        Path state = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return state.resolve("secureconnect").resolve("witness");
    }

    /** The witness of this profile: named by HMAC(N, label ‖ 0x00 ‖ profileId), so it does not name the profile. */
    Path witnessFile() {
        byte[] mac = net.secureconnect.sdk.crypto.Hkdf.hmacSha256(fileNameKey,
                Bytes.concat(Bytes.ascii("SecureConnect witness v1"), new byte[] {0}, profileId));
        return witnessDir.resolve(Bytes.hex(mac).substring(0, 32) + ".bin");
    }

    /** Counter one higher, written to counter.bin, then to the witness (in that order: a crash leaves the profile ahead). */
    private void bump() {
        counter++;
        ObjectNode node = JSON.createObjectNode().put("profileId", Bytes.base64(profileId)).put("counter", counter);
        writeFile(COUNTER_FILE, node);
        try {
            createPrivateDirectory(witnessDir);
            atomicWrite(witnessFile(), Bytes.concat(MAGIC, seal(WITNESS_AD_NAME,
                    JSON.writeValueAsBytes(JSON.createObjectNode().put("counter", counter)))));
        } catch (IOException e) {
            throw new StateStoreException("cannot write the state counter's witness in " + witnessDir, e);
        }
    }

    private void loadCounter() {
        if (Files.exists(dir.resolve(COUNTER_FILE))) {
            JsonNode node = readEncrypted(COUNTER_FILE);
            profileId = Bytes.base64(node.path("profileId").asText(), 16);
            counter = node.path("counter").asLong();
        } else {
            profileId = Sodium.randomBytes(16); // a profile from before the counter: starts one
            counter = 0;
        }
    }

    /**
     * A witness higher than the profile's counter as it was found means this profile is an older copy of itself:
     * its sessions are dropped (never reused: new PQXDH sessions follow, §5.4) and its prekeys replaced.
     */
    private void checkRollback(long counterAtOpen, Long witnessed) {
        if (witnessed != null && witnessed > counterAtOpen) {
            rollback = new Rollback(counterAtOpen, witnessed, sessions.size());
            counter = Math.max(counter, witnessed);
            for (DeviceAddress address : List.copyOf(sessions.keySet())) {
                removeSessionRecord(address);
            }
            device.resetAfterRollback(System.currentTimeMillis());
            localDeviceChanged();
        }
        bump();
    }

    /** The witness's counter; null if there is none (first open on this machine) or it does not authenticate. */
    private Long readWitness() {
        Path file = witnessFile();
        if (!Files.exists(file)) {
            return null;
        }
        try {
            byte[] data = Files.readAllBytes(file);
            if (data.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
                return null;
            }
            return JSON.readTree(open(key, WITNESS_AD_NAME, Arrays.copyOfRange(data, MAGIC.length, data.length)))
                    .path("counter").asLong();
        } catch (AuthenticationException | IOException e) {
            return null; // unreadable: replaced by a fresh witness (§8: such a witness detects nothing)
        }
    }

    /** A state file (keys, sessions, base keys, pins): written, then the state counter bumped. */
    private void writeState(String name, JsonNode content) {
        writeFile(name, content);
        bump();
    }

    private void writeFile(String name, JsonNode content) {
        try {
            atomicWrite(dir.resolve(name), Bytes.concat(MAGIC, seal(name, JSON.writeValueAsBytes(content))));
        } catch (IOException e) {
            throw new StateStoreException("cannot write " + name, e);
        }
    }

    private JsonNode readEncrypted(String name) {
        try {
            byte[] data = Files.readAllBytes(dir.resolve(name));
            if (data.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
                throw new StateStoreException(name + " is not a state file");
            }
            return JSON.readTree(open(key, name, Arrays.copyOfRange(data, MAGIC.length, data.length)));
        } catch (AuthenticationException e) {
            throw new StateStoreException(name + " is corrupted or was tampered with", e);
        } catch (IOException e) {
            throw new StateStoreException("cannot read " + name, e);
        }
    }

    /** nonce (24) ‖ XChaCha20-Poly1305(key, nonce, plaintext, AD = label ‖ 0x00 ‖ file name). */
    private byte[] seal(String name, byte[] plaintext) {
        byte[] nonce = Sodium.randomBytes(Sodium.XCHACHA_NONCE_BYTES);
        return Bytes.concat(nonce, Sodium.aeadEncrypt(key, nonce, plaintext, associatedData(name)));
    }

    private static byte[] open(byte[] key, String name, byte[] sealed) {
        if (sealed.length < Sodium.XCHACHA_NONCE_BYTES + Sodium.AEAD_TAG_BYTES) {
            throw new AuthenticationException("too short");
        }
        return Sodium.aeadDecrypt(key, Arrays.copyOf(sealed, Sodium.XCHACHA_NONCE_BYTES),
                Arrays.copyOfRange(sealed, Sodium.XCHACHA_NONCE_BYTES, sealed.length), associatedData(name));
    }

    static byte[] associatedData(String name) {
        return Bytes.concat(Bytes.ascii(AD_LABEL), new byte[] {0}, name.getBytes(StandardCharsets.UTF_8));
    }

    /** Write to a temporary file in the same folder, fsync, rename over the target, fsync the folder. */
    static void atomicWrite(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp-" + Bytes.hex(Sodium.randomBytes(6)));
        try {
            try (FileChannel channel = POSIX
                    ? FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PRIVATE_FILE))
                    : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("file system cannot rename atomically: " + target.getParent(), e);
            }
            try (FileChannel folder = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                folder.force(true);
            } catch (IOException ignoredOnSomeFileSystems) {
                // Directory fsync is not supported everywhere; the rename itself is atomic.
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    /** Only the owner reads the profile (0700 folders, 0600 files): file sizes and times are metadata too. */
    static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE_FILE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
    static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE_DIRECTORY =
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");

    /** Creates the folder (and its parents) if needed and makes it 0700 on POSIX systems. */
    static void createPrivateDirectory(Path folder) throws IOException {
        Files.createDirectories(folder);
        if (POSIX) {
            Files.setPosixFilePermissions(folder, PRIVATE_DIRECTORY);
        }
    }

    private static String checkName(String profile) {
        if (profile == null || !PROFILE_NAME.matcher(profile).matches()) {
            throw new IllegalArgumentException("profile names are 1..64 of [A-Za-z0-9_.-], starting with a letter or digit");
        }
        return profile;
    }
}
