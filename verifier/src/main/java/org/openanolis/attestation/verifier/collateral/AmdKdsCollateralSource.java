package org.openanolis.attestation.verifier.collateral;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.snp.SnpSigningKey;
import org.openanolis.attestation.parsers.snp.SnpTcbVersion;
import org.openanolis.attestation.verifier.snp.SnpCollateral;
import org.openanolis.attestation.verifier.snp.SnpCollateralRequest;
import org.openanolis.attestation.verifier.snp.SnpCollateralSource;

/**
 * VCEKs and CRLs from AMD KDS ({@code /vcek/v1/<Product>/<hwid>?blSPL=…&teeSPL=…&snpSPL=…&ucodeSPL=…}
 * plus {@code fmcSPL} on Turin, whose hwID is the first 8 bytes of CHIP_ID; {@code /vcek/v1/<Product>/crl}),
 * cached per chip and TCB. VLEKs are not served by KDS to verifiers: a VLEK-signed report must
 * bring its VLEK. For v2 reports, which do not name their product, Milan then Genoa are tried.
 * The ASK/ASVK and ARK are the pinned ones; the verifier checks everything returned.
 */
public final class AmdKdsCollateralSource implements SnpCollateralSource {
    private final CollateralFetcher kds;
    private final CollateralCache<String> cache;
    private final Clock clock;

    public AmdKdsCollateralSource(CollateralFetcher kds, CollateralStore store, Clock clock, Duration refresh,
                                  Executor executor) {
        this.kds = kds;
        this.clock = clock;
        this.cache = new CollateralCache<>("amd-kds", this::load, store, clock, refresh, 100_000, executor);
    }

    public Map<String, Object> status() {
        return cache.status();
    }

    @Override
    public SnpCollateral collateralFor(SnpCollateralRequest request) throws VerificationException {
        if (request.signingKey() != SnpSigningKey.VCEK) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "vek",
                    "a " + request.signingKey() + "-signed report must carry its VLEK; AMD KDS serves only VCEKs");
        }
        if (request.chipIdHex().matches("0+")) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "vek",
                    "CHIP_ID is masked: the VCEK cannot be looked up, the report must carry it");
        }
        List<AmdProduct> products = request.product().map(List::of)
                .orElse(List.of(AmdProduct.MILAN, AmdProduct.GENOA));
        VerificationException last = null;
        for (AmdProduct p : products) {
            try {
                X509Certificate vek = Certificates.decodeCertificate(cache.get(vcekKey(p, request)).body(),
                        ReasonCode.COLLATERAL_INVALID, "vek");
                Optional<X509CRL> crl = Optional.empty();
                try {
                    crl = Optional.of(Certificates.parseCrl(cache.get("crl|" + p.name()).body(),
                            ReasonCode.COLLATERAL_INVALID, "crl"));
                } catch (VerificationException e) {
                    // The CRL is optional collateral: without it no revocation check is made.
                }
                return new SnpCollateral(vek, Optional.empty(), Optional.empty(), crl);
            } catch (VerificationException e) {
                last = e;
            }
        }
        throw last;
    }

    private static String vcekKey(AmdProduct p, SnpCollateralRequest r) {
        SnpTcbVersion tcb = SnpTcbVersion.decode(r.reportedTcb(), p);
        String hwid = p == AmdProduct.TURIN ? r.chipIdHex().substring(0, 16) : r.chipIdHex();
        StringBuilder q = new StringBuilder("/vcek/v1/").append(kdsName(p)).append('/').append(hwid)
                .append("?blSPL=").append(tcb.bootloader()).append("&teeSPL=").append(tcb.tee())
                .append("&snpSPL=").append(tcb.snp()).append("&ucodeSPL=").append(tcb.microcode());
        tcb.fmc().ifPresent(f -> q.append("&fmcSPL=").append(f));
        return "vcek|" + q;
    }

    private static String kdsName(AmdProduct p) {
        String n = p.name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    private CollateralCache.Item load(String key) throws VerificationException {
        java.time.Instant now = clock.instant();
        if (key.startsWith("vcek|")) {
            CollateralFetcher.Response r = kds.get(key.substring(5), "vek");
            X509Certificate c = Certificates.decodeCertificate(r.body(), ReasonCode.COLLATERAL_INVALID, "vek");
            return new CollateralCache.Item(r.body(), Map.of(), now, c.getNotAfter().toInstant());
        }
        String product = key.substring(4);
        CollateralFetcher.Response r = kds.get("/vcek/v1/" + kdsName(AmdProduct.valueOf(product)) + "/crl", "crl");
        X509CRL crl = Certificates.parseCrl(r.body(), ReasonCode.COLLATERAL_INVALID, "crl");
        return new CollateralCache.Item(r.body(), Map.of(), now,
                crl.getNextUpdate() == null ? now.plus(Duration.ofDays(1)) : crl.getNextUpdate().toInstant());
    }

}
