package org.openanolis.attestation.verifier.tdx;

import java.util.Objects;
import org.openanolis.attestation.parsers.tdx.TeeType;

/**
 * What a parsed quote needs from Intel PCS: TCB info for its TEE and FMSPC, the QE identity for its
 * TEE ({@code TD_QE} or {@code QE}) and the CRL of the PCK CA that issued its PCK certificate.
 *
 * @param tee      TDX or SGX (from the quote header)
 * @param fmspcHex the FMSPC of the PCK certificate, 12 lower-case hex characters
 * @param pckCa    the PCK CA named by the chain in the quote
 */
public record TdxCollateralRequest(TeeType tee, String fmspcHex, PckCa pckCa) {
    public TdxCollateralRequest {
        Objects.requireNonNull(tee, "tee");
        Objects.requireNonNull(fmspcHex, "fmspcHex");
        Objects.requireNonNull(pckCa, "pckCa");
    }
}
