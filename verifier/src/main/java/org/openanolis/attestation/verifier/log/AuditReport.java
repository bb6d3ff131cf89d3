package org.openanolis.attestation.verifier.log;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of an audit: the verified checkpoint (absent when none could be trusted), how many
 * entries were proven included and how many replayed, and every finding.
 */
public record AuditReport(Optional<Checkpoint> checkpoint, long entriesChecked, long entriesReplayed,
                          List<AuditFinding> findings) {
    public AuditReport {
        findings = List.copyOf(findings);
    }

    /** True when nothing was found: every check passed. */
    public boolean clean() {
        return findings.isEmpty();
    }

    /** Whether a finding of {@code kind} concerns entry {@code index} (-1: the whole log). */
    public boolean has(AuditFinding.Kind kind, long index) {
        return findings.stream().anyMatch(f -> f.kind() == kind && f.index() == index);
    }

    /** A JSON-friendly view for {@code replay --json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clean", clean());
        m.put("tree_size", checkpoint.map(Checkpoint::size).orElse(null));
        m.put("root_hash", checkpoint.map(c -> c.rootHash().hex()).orElse(null));
        m.put("entries_checked", entriesChecked);
        m.put("entries_replayed", entriesReplayed);
        List<Object> list = new ArrayList<>();
        for (AuditFinding f : findings) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("kind", f.kind().name());
            fm.put("index", f.index() < 0 ? null : f.index());
            fm.put("detail", f.detail());
            list.add(fm);
        }
        m.put("findings", list);
        return m;
    }
}
