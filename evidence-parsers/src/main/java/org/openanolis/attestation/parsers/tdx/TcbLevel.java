package org.openanolis.attestation.parsers.tdx;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One platform TCB level of a TCB info: 16 SGX component SVNs, PCESVN, for TDX 16 TDX component
 * SVNs, its date, status and advisory ids (Intel PCS API v4 "TCB Info", {@code tcbLevels[]}).
 */
public final class TcbLevel implements Comparable<TcbLevel> {
    private final int[] sgxComponents;
    private final int pceSvn;
    private final int[] tdxComponents;
    private final Instant tcbDate;
    private final TcbStatus status;
    private final List<String> advisoryIds;

    public TcbLevel(int[] sgxComponents, int pceSvn, int[] tdxComponents, Instant tcbDate, TcbStatus status,
                    List<String> advisoryIds) {
        this.sgxComponents = Objects.requireNonNull(sgxComponents).clone();
        this.pceSvn = pceSvn;
        this.tdxComponents = tdxComponents == null ? null : tdxComponents.clone();
        this.tcbDate = Objects.requireNonNull(tcbDate);
        this.status = Objects.requireNonNull(status);
        this.advisoryIds = List.copyOf(advisoryIds);
        if (this.sgxComponents.length != 16 || (this.tdxComponents != null && this.tdxComponents.length != 16)) {
            throw new IllegalArgumentException("TCB levels have 16 components");
        }
    }

    public int sgxComponent(int i) {
        return sgxComponents[i];
    }

    public int pceSvn() {
        return pceSvn;
    }

    /** True when the level has TDX components (TDX TCB info). */
    public boolean hasTdxComponents() {
        return tdxComponents != null;
    }

    public int tdxComponent(int i) {
        return tdxComponents[i];
    }

    public Instant tcbDate() {
        return tcbDate;
    }

    public TcbStatus status() {
        return status;
    }

    public List<String> advisoryIds() {
        return advisoryIds;
    }

    /**
     * Intel QVL order ({@code TcbLevel::operator>}): SGX components, then PCESVN, then TDX
     * components; this compares ascending, so sort with {@code reversed()} for QVL's iteration order.
     */
    @Override
    public int compareTo(TcbLevel o) {
        int c = Arrays.compare(sgxComponents, o.sgxComponents);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(pceSvn, o.pceSvn);
        if (c != 0) {
            return c;
        }
        return Arrays.compare(tdxComponents, o.tdxComponents);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcbLevel l && compareTo(l) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sgxComponents) + Arrays.hashCode(tdxComponents) + pceSvn;
    }
}
