package org.openanolis.attestation.policies.store;

/**
 * A listing row: the latest version of a document and the version in force ({@code null}: none).
 */
public record DocumentSummary(DocumentKind kind, String name, int latestVersion, Integer activeVersion,
                              String latestHash) {}
