package org.openanolis.attestation.verifier.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.tdx.TdxCollateral;
import org.openanolis.attestation.verifier.tdx.TdxCollateralRequest;
import org.openanolis.attestation.verifier.tdx.TdxCollateralSource;

/**
 * Intel collateral from the Intel PCS v4 API or PCCS mirrors (ordered base URLs, fail-over),
 * behind {@link CollateralCache}s: TCB info per TEE and FMSPC, QE identity per TEE, PCK CRL per
 * CA, and the root CA CRL. Issuer chains come from the response headers
 * ({@code TCB-Info-Issuer-Chain}, {@code SGX-Enclave-Identity-Issuer-Chain},
 * {@code SGX-PCK-CRL-Issuer-Chain}), URL-decoded. Each item stays usable until its own
 * {@code nextUpdate}. Nothing fetched here is trusted: the TDX verifier checks every signature.
 */
public final class IntelPcsCollateralSource implements TdxCollateralSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CollateralFetcher pcs;
    private final CollateralFetcher rootCrl;
    private final String rootCrlPath;
    private final CollateralCache<String> cache;
    private final Clock clock;
    /** The same TdxCollateral object for unchanged parts, so the verifier's digest caches hit. */
    private final Cache<String, TdxCollateral> assembled = Caffeine.newBuilder().maximumSize(1000).build();

    /**
     * @param pcs         PCS/PCCS base URLs (e.g. {@code https://api.trustedservices.intel.com})
     * @param rootCrl     where the root CA CRL lives (Intel: {@code https://certificates.trustedservices.intel.com})
     * @param rootCrlPath its path there (Intel: {@code /IntelSGXRootCA.der}; PCCS: {@code /sgx/certification/v4/rootcacrl})
     */
    public IntelPcsCollateralSource(CollateralFetcher pcs, CollateralFetcher rootCrl, String rootCrlPath,
                                    CollateralStore store, Clock clock, Duration refreshAfter, Executor executor) {
        this.pcs = pcs;
        this.rootCrl = rootCrl;
        this.rootCrlPath = rootCrlPath;
        this.clock = clock;
        this.cache = new CollateralCache<>("intel-pcs", this::load, store, clock, refreshAfter, 10_000, executor);
    }

    public Map<String, Object> status() {
        return cache.status();
    }

    @Override
    public TdxCollateral collateralFor(TdxCollateralRequest request) throws VerificationException {
        String tee = request.tee() == TeeType.TDX ? "tdx" : "sgx";
        CollateralCache.Item tcb = cache.get("tcb|" + tee + "|" + request.fmspcHex());
        CollateralCache.Item qe = cache.get("qe|" + tee);
        CollateralCache.Item crl = cache.get("pckcrl|" + request.pckCa().pcsName());
        CollateralCache.Item root = cache.get("rootcrl");
        String key = String.join("|", Hex.encode(digest(tcb.body())), Hex.encode(digest(qe.body())),
                Hex.encode(digest(crl.body())), Hex.encode(digest(root.body())));
        return assembled.get(key, k -> TdxCollateral.builder()
                .tcbInfo(tcb.body()).tcbInfoIssuerChain(chain(tcb))
                .qeIdentity(qe.body()).qeIdentityIssuerChain(chain(qe))
                .pckCrl(crl.body()).pckCrlIssuerChain(chain(crl))
                .rootCaCrl(root.body())
                .build());
    }

    private static byte[] digest(byte[] b) {
        return org.openanolis.attestation.certs.Digests.sha256(b);
    }

    private static byte[] chain(CollateralCache.Item item) {
        String v = item.headers().getOrDefault("issuer-chain", "");
        return v.getBytes(StandardCharsets.US_ASCII);
    }

    private CollateralCache.Item load(String key) throws VerificationException {
        String[] p = key.split("\\|");
        Instant now = clock.instant();
        switch (p[0]) {
            case "tcb": {
                CollateralFetcher.Response r = pcs.get("/" + p[1] + "/certification/v4/tcb?fmspc=" + p[2], "tcb_info");
                String chain = decodeChain(r.header("TCB-Info-Issuer-Chain").orElse(null), "tcb_info_issuer_chain");
                return item(r.body(), chain, now, nextUpdate(r.body(), "tcbInfo", "tcb_info"));
            }
            case "qe": {
                CollateralFetcher.Response r = pcs.get("/" + p[1] + "/certification/v4/qe/identity", "qe_identity");
                String chain = decodeChain(r.header("SGX-Enclave-Identity-Issuer-Chain").orElse(null),
                        "qe_identity_issuer_chain");
                return item(r.body(), chain, now, nextUpdate(r.body(), "enclaveIdentity", "qe_identity"));
            }
            case "pckcrl": {
                CollateralFetcher.Response r = pcs.get("/sgx/certification/v4/pckcrl?ca=" + p[1] + "&encoding=der",
                        "pck_crl");
                String chain = decodeChain(r.header("SGX-PCK-CRL-Issuer-Chain").orElse(null), "pck_crl_issuer_chain");
                byte[] der = maybeHex(r.body());
                return item(der, chain, now, crlNextUpdate(der, "pck_crl"));
            }
            case "rootcrl": {
                CollateralFetcher.Response r = rootCrl.get(rootCrlPath, "root_ca_crl");
                byte[] der = maybeHex(r.body());
                return item(der, "", now, crlNextUpdate(der, "root_ca_crl"));
            }
            default:
                throw new IllegalArgumentException(key);
        }
    }

    private static CollateralCache.Item item(byte[] body, String chain, Instant now, Instant validUntil) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("issuer-chain", chain);
        return new CollateralCache.Item(body, h, now, validUntil);
    }

    private static String decodeChain(String header, String field) throws VerificationException {
        if (header == null || header.isBlank()) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": response has no issuer chain header");
        }
        return URLDecoder.decode(header, StandardCharsets.UTF_8);
    }

    private static Instant nextUpdate(byte[] body, String object, String field) throws VerificationException {
        try {
            JsonNode n = JSON.readTree(body).path(object).path("nextUpdate");
            return Instant.parse(n.asText());
        } catch (IOException | RuntimeException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": no nextUpdate");
        }
    }

    private static Instant crlNextUpdate(byte[] der, String field) throws VerificationException {
        X509CRL crl = Certificates.parseCrl(der, ReasonCode.COLLATERAL_INVALID, field);
        if (crl.getNextUpdate() == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": CRL has no nextUpdate");
        }
        return crl.getNextUpdate().toInstant();
    }

    /** PCCS serves some CRLs as hex text; PCS as DER. */
    private static byte[] maybeHex(byte[] body) {
        String s = new String(body, StandardCharsets.ISO_8859_1).strip();
        if (!s.isEmpty() && s.length() % 2 == 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return Hex.decode(s);
        }
        return body;
    }

}
