package org.openanolis.attestation.simulator.tdx;

import java.math.BigInteger;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.simulator.TestPki;

/**
 * One simulated Intel TDX or SGX host under an {@link IntelTestPki}: its PCK certificate (with an
 * FMSPC and SGX TCB), its attestation key, quotes preset to be signed by both, and the matching
 * collateral as Intel PCS serves it (bundle collateral keys: {@code tcb_info},
 * {@code tcb_info_issuer_chain}, {@code qe_identity}, {@code qe_identity_issuer_chain},
 * {@code pck_crl}, {@code pck_crl_issuer_chain}, {@code root_ca_crl}).
 */
public final class SimulatedIntelPlatform {
    /** The SGX TCB of a default platform (a 2024 Sapphire Rapids level). */
    public static final int[] DEFAULT_SGX_TCB = {7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0};
    /** The PCESVN of a default platform. */
    public static final int DEFAULT_PCESVN = 11;

    private final IntelTestPki pki;
    private final boolean tdx;
    private final boolean platformCa;
    private final String fmspcHex;
    private final IntelTestPki.Issued pck;
    private final KeyPair attestationKey;

    private SimulatedIntelPlatform(IntelTestPki pki, boolean tdx, boolean platformCa, String fmspcHex,
                                   IntelTestPki.PckTcb tcb, String pceIdHex) {
        this.pki = pki;
        this.tdx = tdx;
        this.platformCa = platformCa;
        this.fmspcHex = fmspcHex;
        this.pck = pki.issuePck(platformCa, tcb, HexFormat.of().parseHex(fmspcHex), HexFormat.of().parseHex(pceIdHex));
        this.attestationKey = TestPki.ecKeyPair("secp256r1");
    }

    /** A TDX host under the PCK Platform CA with the default SGX TCB. */
    public static SimulatedIntelPlatform tdx(IntelTestPki pki, String fmspcHex) {
        return new SimulatedIntelPlatform(pki, true, true, fmspcHex,
                new IntelTestPki.PckTcb(DEFAULT_SGX_TCB, DEFAULT_PCESVN), "0000");
    }

    /** An SGX host under the PCK Processor CA with the default SGX TCB. */
    public static SimulatedIntelPlatform sgx(IntelTestPki pki, String fmspcHex) {
        return new SimulatedIntelPlatform(pki, false, false, fmspcHex,
                new IntelTestPki.PckTcb(DEFAULT_SGX_TCB, DEFAULT_PCESVN), "0000");
    }

    /** A host with every choice explicit. */
    public static SimulatedIntelPlatform of(IntelTestPki pki, boolean tdx, boolean platformCa, String fmspcHex,
                                            IntelTestPki.PckTcb tcb, String pceIdHex) {
        return new SimulatedIntelPlatform(pki, tdx, platformCa, fmspcHex, tcb, pceIdHex);
    }

    public IntelTestPki pki() {
        return pki;
    }

    public IntelTestPki.Issued pck() {
        return pck;
    }

    public KeyPair attestationKey() {
        return attestationKey;
    }

    public boolean platformCa() {
        return platformCa;
    }

    public String fmspcHex() {
        return fmspcHex;
    }

    /** The PCK chain PEM the quotes carry (leaf, CA, root, NUL). */
    public byte[] pckChainPem() {
        return pki.pckChainPem(pck, platformCa);
    }

    /** A quote builder (v4 TDX or v3 SGX) preset with this host's keys and PCK chain. */
    public DcapQuoteBuilder quote() {
        return preset(tdx ? DcapQuoteBuilder.tdxV4() : DcapQuoteBuilder.sgxV3());
    }

    /** Presets {@code b} with this host's keys and PCK chain. */
    public DcapQuoteBuilder preset(DcapQuoteBuilder b) {
        return b.attestationKey(attestationKey).pckKey(pck.privateKey()).certification(5, pckChainPem());
    }

    /** A TCB info for this host with one level equal to its TCB (TDX components {@code tdxComponents}), UpToDate. */
    public TcbInfoDocument tcbInfo(Instant issue, Instant next, int[] tdxComponents) {
        return new TcbInfoDocument(tdx, fmspcHex, issue, next).level(new TcbInfoDocument.Level(
                DEFAULT_SGX_TCB, DEFAULT_PCESVN, tdx ? tdxComponents : null, Instant.parse("2024-03-13T00:00:00Z"),
                "UpToDate", List.of()));
    }

    /** A QE identity with one UpToDate level at ISVSVN 8. */
    public QeIdentityDocument qeIdentity(Instant issue, Instant next) {
        return new QeIdentityDocument(tdx, issue, next)
                .level(new TcbInfoDocument.IsvLevel(8, Instant.parse("2024-03-13T00:00:00Z"), "UpToDate", List.of()));
    }

    /**
     * Collateral as PCS serves it: the documents signed by the TCB Signing key, the chains, and CRLs
     * valid from {@code crlThisUpdate} to {@code crlNextUpdate} revoking {@code revokedPckSerials}.
     */
    public Map<String, byte[]> collateral(TcbInfoDocument tcbInfo, QeIdentityDocument qeIdentity,
                                          Instant crlThisUpdate, Instant crlNextUpdate, List<BigInteger> revokedPckSerials) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        byte[] tcbChain = IntelTestPki.pem(pki.tcbSigning().certificate(), pki.root().certificate());
        m.put("tcb_info", pki.signedJson("tcbInfo", tcbInfo.json()));
        m.put("tcb_info_issuer_chain", tcbChain);
        m.put("qe_identity", pki.signedJson("enclaveIdentity", qeIdentity.json()));
        m.put("qe_identity_issuer_chain", tcbChain);
        m.put("pck_crl", IntelTestPki.crl(pki.pckCa(platformCa), crlThisUpdate, crlNextUpdate, revokedPckSerials));
        m.put("pck_crl_issuer_chain", IntelTestPki.pem(pki.pckCa(platformCa).certificate(), pki.root().certificate()));
        m.put("root_ca_crl", IntelTestPki.crl(pki.root(), crlThisUpdate, crlNextUpdate, List.of()));
        return m;
    }
}
