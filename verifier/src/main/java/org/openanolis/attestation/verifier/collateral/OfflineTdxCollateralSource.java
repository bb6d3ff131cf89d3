package org.openanolis.attestation.verifier.collateral;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;
import org.openanolis.attestation.verifier.tdx.BundleTdxCollateralSource;
import org.openanolis.attestation.verifier.tdx.PckCa;
import org.openanolis.attestation.verifier.tdx.TdxCollateral;
import org.openanolis.attestation.verifier.tdx.TdxCollateralRequest;
import org.openanolis.attestation.verifier.tdx.TdxCollateralSource;

/**
 * Intel collateral pre-provisioned for an air-gapped site: a directory of attestation bundles
 * ({@code bundle-format.md}, purpose 4), one per platform type, each holding the TCB info, QE
 * identity, CRLs and chains. Indexed by TEE, FMSPC (from the TCB info) and PCK CA (from the PCK
 * CRL issuer). Read once at start-up; the verifier still checks every signature and window.
 */
public final class OfflineTdxCollateralSource implements TdxCollateralSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, TdxCollateral> byKey;

    private OfflineTdxCollateralSource(Map<String, TdxCollateral> byKey) {
        this.byKey = Map.copyOf(byKey);
    }

    /** Scans {@code dir} (and its immediate subdirectories) for tdx/sgx bundles. */
    public static OfflineTdxCollateralSource scan(Path dir) throws IOException {
        Map<String, TdxCollateral> map = new HashMap<>();
        List<Path> candidates;
        try (Stream<Path> s = Files.walk(dir, 3)) {
            candidates = s.filter(p -> p.getFileName().toString().equals("manifest.json")).map(Path::getParent).toList();
        }
        for (Path b : candidates) {
            try {
                AttestationBundle bundle = AttestationBundle.read(b);
                if (!bundle.tee().equals("tdx") && !bundle.tee().equals("sgx") || !bundle.hasCollateral("tcb_info")) {
                    continue;
                }
                TdxCollateral c = BundleTdxCollateralSource.of(bundle).collateral();
                byte[] tcb = bundle.collateral("tcb_info").orElseThrow();
                var info = JSON.readTree(tcb).path("tcbInfo");
                String fmspc = info.path("fmspc").asText().toLowerCase(java.util.Locale.ROOT);
                String tee = info.path("id").asText("SGX").equals("TDX") ? "TDX" : "SGX";
                X509CRL crl = Certificates.parseCrl(bundle.collateral("pck_crl").orElseThrow(),
                        ReasonCode.COLLATERAL_INVALID, "pck_crl");
                String cn = crl.getIssuerX500Principal().getName().replaceAll(".*CN=([^,]+).*", "$1");
                PckCa ca = PckCa.fromCommonName(cn);
                if (ca != null) {
                    map.put(key(TeeType.valueOf(tee), fmspc, ca), c);
                }
            } catch (BundleException | VerificationException | RuntimeException e) {
                throw new IOException("offline collateral bundle " + b + ": " + e.getMessage(), e);
            }
        }
        return new OfflineTdxCollateralSource(map);
    }

    private static String key(TeeType tee, String fmspc, PckCa ca) {
        return tee + "|" + fmspc + "|" + ca;
    }

    public int size() {
        return byKey.size();
    }

    @Override
    public TdxCollateral collateralFor(TdxCollateralRequest r) throws VerificationException {
        TdxCollateral c = byKey.get(key(r.tee(), r.fmspcHex(), r.pckCa()));
        if (c == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "collateral",
                    "no offline collateral for " + r.tee() + " FMSPC " + r.fmspcHex() + " " + r.pckCa().pcsName() + " CA");
        }
        return c;
    }
}
