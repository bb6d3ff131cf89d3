package org.openanolis.attestation.policies.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.policies.DocumentFormat;
import org.openanolis.attestation.policies.PolicyException;

/**
 * The versioned, append-only store of policies and reference-value sets on a {@link Database}.
 * Every change is a new row: a new document version ({@link #append}) or a new activation entry
 * ({@link #activate}, {@link #deactivate}); nothing is ever updated or deleted (the database
 * refuses it too). This class does not parse or authorize; {@code PolicyAdministration} does.
 */
public final class VersionedDocumentStore {
    /** What to store for a new version. */
    public record NewVersion(DocumentKind kind, String name, Integer expectedVersion, DocumentFormat format,
                             byte[] content, String signature, String signerKeyId, String createdBy,
                             Instant createdAt, String note) {
        public NewVersion {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    private static final String SELECT_VERSION = "SELECT kind, name, version, format, content, content_hash, signature,"
            + " signer_key_id, created_by, created_at, note FROM document_versions";

    private final Database database;

    public VersionedDocumentStore(Database database) {
        this.database = database;
    }

    public Database database() {
        return database;
    }

    /**
     * Stores the next version of {@code v.name()}.
     *
     * @throws PolicyException {@code VERSION_CONFLICT} when {@code expectedVersion} is given and is
     *                         not the next version, or when another writer took it first;
     *                         {@code MALFORMED_DOCUMENT} when the content is not UTF-8
     */
    public StoredDocument append(NewVersion v) throws PolicyException {
        byte[] bytes = v.content();
        String content = utf8(bytes);
        String hash = Hex.encode(Digests.sha256(bytes));
        try {
            return database.inTransaction(c -> {
                int next = latestVersion(c, v.kind(), v.name()) + 1;
                if (v.expectedVersion() != null && v.expectedVersion() != next) {
                    throw new ConflictSignal(next);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO document_versions (kind, name, version,"
                        + " format, content, content_hash, signature, signer_key_id, created_by, created_at, note)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, v.kind().column());
                    ps.setString(2, v.name());
                    ps.setInt(3, next);
                    ps.setString(4, v.format().name().toLowerCase(Locale.ROOT));
                    ps.setString(5, content);
                    ps.setString(6, hash);
                    ps.setString(7, v.signature());
                    ps.setString(8, v.signerKeyId());
                    ps.setString(9, v.createdBy());
                    ps.setLong(10, v.createdAt().toEpochMilli());
                    ps.setString(11, v.note());
                    ps.executeUpdate();
                }
                return new StoredDocument(v.kind(), v.name(), next, v.format(), content, hash, v.signature(),
                        v.signerKeyId(), v.createdBy(), v.createdAt(), v.note());
            });
        } catch (ConflictSignal e) {
            throw new PolicyException(PolicyException.Code.VERSION_CONFLICT, "version",
                    v.name() + ": the next version is " + e.next + ", not " + v.expectedVersion());
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                throw new PolicyException(PolicyException.Code.VERSION_CONFLICT, "version",
                        v.name() + ": another version was stored concurrently", e);
            }
            throw new StoreException("storing " + v.kind().column() + " " + v.name(), e);
        }
    }

    /** One version, if stored. */
    public Optional<StoredDocument> get(DocumentKind kind, String name, int version) {
        return query(SELECT_VERSION + " WHERE kind = ? AND name = ? AND version = ?", kind, name, version)
                .stream().findFirst();
    }

    /** The newest version, if any. */
    public Optional<StoredDocument> latest(DocumentKind kind, String name) {
        List<StoredDocument> all = versions(kind, name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Every version of {@code name}, oldest first. */
    public List<StoredDocument> versions(DocumentKind kind, String name) {
        return query(SELECT_VERSION + " WHERE kind = ? AND name = ? ORDER BY version", kind, name, null);
    }

    /** The version in force, if any. */
    public Optional<StoredDocument> active(DocumentKind kind, String name) {
        Optional<Integer> version = activeVersion(kind, name);
        return version.flatMap(v -> get(kind, name, v));
    }

    /** The number of the version in force, if any. */
    public Optional<Integer> activeVersion(DocumentKind kind, String name) {
        List<Activation> history = activations(kind, name);
        return history.isEmpty() ? Optional.empty() : Optional.ofNullable(history.get(history.size() - 1).version());
    }

    /** Every activation change of {@code name}, oldest first. */
    public List<Activation> activations(DocumentKind kind, String name) {
        try {
            return database.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT seq, version, changed_by, changed_at"
                        + " FROM document_activations WHERE kind = ? AND name = ? ORDER BY seq")) {
                    ps.setString(1, kind.column());
                    ps.setString(2, name);
                    List<Activation> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            int version = rs.getInt(2);
                            Integer v = rs.wasNull() ? null : version;
                            out.add(new Activation(rs.getInt(1), v, rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw new StoreException("reading activations of " + name, e);
        }
    }

    /** Every document of {@code kind} with its latest and active versions, by name. */
    public List<DocumentSummary> list(DocumentKind kind) {
        try {
            return database.read(c -> {
                List<DocumentSummary> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT v.name, v.version, v.content_hash,"
                        + " (SELECT a.version FROM document_activations a WHERE a.kind = v.kind AND a.name = v.name"
                        + "   AND a.seq = (SELECT MAX(b.seq) FROM document_activations b WHERE b.kind = v.kind AND b.name = v.name))"
                        + " FROM document_versions v WHERE v.kind = ? AND v.version ="
                        + " (SELECT MAX(w.version) FROM document_versions w WHERE w.kind = v.kind AND w.name = v.name)"
                        + " ORDER BY v.name")) {
                    ps.setString(1, kind.column());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            int active = rs.getInt(4);
                            Integer a = rs.wasNull() ? null : active;
                            out.add(new DocumentSummary(kind, rs.getString(1), rs.getInt(2), a, rs.getString(3)));
                        }
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw new StoreException("listing " + kind.column(), e);
        }
    }

    /**
     * Puts {@code version} in force.
     *
     * @throws PolicyException {@code NOT_FOUND} when that version is not stored
     */
    public Activation activate(DocumentKind kind, String name, int version, String actor, Instant at) throws PolicyException {
        if (get(kind, name, version).isEmpty()) {
            throw new PolicyException(PolicyException.Code.NOT_FOUND, kind.column() + ":" + name,
                    kind.column() + " " + name + " has no version " + version);
        }
        return appendActivation(kind, name, version, actor, at);
    }

    /**
     * Takes {@code name} out of force (no version active).
     *
     * @throws PolicyException {@code NOT_FOUND} when no version of {@code name} is stored
     */
    public Activation deactivate(DocumentKind kind, String name, String actor, Instant at) throws PolicyException {
        if (latest(kind, name).isEmpty()) {
            throw new PolicyException(PolicyException.Code.NOT_FOUND, kind.column() + ":" + name,
                    "no " + kind.column() + " " + name);
        }
        return appendActivation(kind, name, null, actor, at);
    }

    private Activation appendActivation(DocumentKind kind, String name, Integer version, String actor, Instant at)
            throws PolicyException {
        try {
            return database.inTransaction(c -> {
                int seq;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT COALESCE(MAX(seq), 0) FROM document_activations WHERE kind = ? AND name = ?")) {
                    ps.setString(1, kind.column());
                    ps.setString(2, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        seq = rs.getInt(1) + 1;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO document_activations"
                        + " (kind, name, seq, version, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, kind.column());
                    ps.setString(2, name);
                    ps.setInt(3, seq);
                    if (version == null) {
                        ps.setNull(4, java.sql.Types.INTEGER);
                    } else {
                        ps.setInt(4, version);
                    }
                    ps.setString(5, actor);
                    ps.setLong(6, at.toEpochMilli());
                    ps.executeUpdate();
                }
                return new Activation(seq, version, actor, at);
            });
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                throw new PolicyException(PolicyException.Code.VERSION_CONFLICT, kind.column() + ":" + name,
                        "another activation change was stored concurrently", e);
            }
            throw new StoreException("changing activation of " + name, e);
        }
    }

    /** Keeps the signed file a reference-set version was imported from. */
    public void recordImport(String setName, int setVersion, String sourceFormat, byte[] source, String signerKeyId) {
        try {
            database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO reference_imports (set_name, set_version,"
                        + " source_format, source_sha256, source, signer_key_id) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, setName);
                    ps.setInt(2, setVersion);
                    ps.setString(3, sourceFormat);
                    ps.setString(4, Hex.encode(Digests.sha256(source)));
                    ps.setBytes(5, source);
                    ps.setString(6, signerKeyId);
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("recording import of " + setName, e);
        }
    }

    /** The signed file a reference-set version was imported from, if it was imported. */
    public Optional<byte[]> importedSource(String setName, int setVersion) {
        try {
            return database.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT source FROM reference_imports WHERE set_name = ? AND set_version = ?")) {
                    ps.setString(1, setName);
                    ps.setInt(2, setVersion);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw new StoreException("reading import of " + setName, e);
        }
    }

    private List<StoredDocument> query(String sql, DocumentKind kind, String name, Integer version) {
        try {
            return database.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, kind.column());
                    ps.setString(2, name);
                    if (version != null) {
                        ps.setInt(3, version);
                    }
                    List<StoredDocument> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new StoredDocument(kind, rs.getString(2), rs.getInt(3),
                                    DocumentFormat.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getString(5),
                                    rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                    Instant.ofEpochMilli(rs.getLong(10)), rs.getString(11)));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw new StoreException("reading " + kind.column() + " " + name, e);
        }
    }

    private static int latestVersion(Connection c, DocumentKind kind, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) FROM document_versions WHERE kind = ? AND name = ?")) {
            ps.setString(1, kind.column());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if ("23505".equals(state) || s.getErrorCode() == 19 /* SQLITE_CONSTRAINT */) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String utf8(byte[] bytes) throws PolicyException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, "document", "content is not UTF-8", e);
        }
    }

    /** Carries a version conflict out of the transaction lambda (rolls it back). */
    private static final class ConflictSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int next;

        ConflictSignal(int next) {
            super(null, null, false, false);
            this.next = next;
        }
    }
}
