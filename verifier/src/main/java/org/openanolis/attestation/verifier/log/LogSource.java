package org.openanolis.attestation.verifier.log;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What an auditor reads from a log: the latest signed checkpoint, entries by index, collateral by
 * digest, and proofs. Implemented by the database store and by an exported directory; the HTTP
 * client of the service will be a third. Nothing read here is trusted: the {@link LogAuditor}
 * checks all of it against the pinned log key.
 */
public interface LogSource {
    /** The latest signed checkpoint note, if the log has one. */
    Optional<String> latestCheckpointNote() throws LogStorageException;

    /** First entry index this source offers (0 for a whole log, the range start for an export). */
    long firstIndex() throws LogStorageException;

    /** One past the last entry index this source claims to hold. */
    long endIndex() throws LogStorageException;

    /**
     * Whether the source is a whole log (from index 0 to its committed size) rather than an
     * exported range. A whole log holding fewer entries than its checkpoint commits to is truncated.
     */
    boolean wholeLog();

    /**
     * The stored bytes of the entries with index in {@code [from, to)}; an index with no entry is
     * absent from the map. Callers page through large ranges.
     */
    SortedMap<Long, byte[]> entries(long from, long to) throws LogStorageException;

    /** The collateral bytes stored under {@code digest}, if any (not checked against the digest). */
    Optional<byte[]> collateral(Sha256Digest digest) throws LogStorageException;

    /** The RFC 9162 inclusion proof of leaf {@code index} in the tree of {@code treeSize} leaves. */
    List<Sha256Digest> inclusionProof(long index, long treeSize) throws LogStorageException;

    /** The RFC 9162 consistency proof from {@code size1} to {@code size2}. */
    List<Sha256Digest> consistencyProof(long size1, long size2) throws LogStorageException;
}
