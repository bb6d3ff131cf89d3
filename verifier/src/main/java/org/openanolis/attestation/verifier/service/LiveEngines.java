package org.openanolis.attestation.verifier.service;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openanolis.attestation.verifier.attest.EngineEvidenceVerifiers;
import org.openanolis.attestation.verifier.collateral.AmdKdsCollateralSource;
import org.openanolis.attestation.verifier.collateral.CollateralFetcher;
import org.openanolis.attestation.verifier.collateral.CollateralStore;
import org.openanolis.attestation.verifier.collateral.IntelPcsCollateralSource;
import org.openanolis.attestation.verifier.collateral.NvidiaRimServiceSource;
import org.openanolis.attestation.verifier.collateral.OfflineTdxCollateralSource;
import org.openanolis.attestation.verifier.gpu.CachingOcspSource;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.HttpOcspSource;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.tdx.TdxCollateralSource;

/**
 * The engines with their collateral sources as configured: Intel PCS/PCCS (or an offline bundle
 * directory), the NVIDIA RIM service and OCSP responder, all cached and persisted under the data
 * directory.
 */
public final class LiveEngines {
    private final EngineEvidenceVerifiers verifiers;
    private final Map<String, java.util.function.Supplier<Map<String, Object>>> status = new LinkedHashMap<>();

    /** Loader threads for collateral (never the request workers: see {@code CollateralCache}). */
    private static final ExecutorService LOADERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "collateral-loader");
        t.setDaemon(true);
        return t;
    });

    public LiveEngines(ServiceConfig c, Clock clock) throws IOException {
        Duration timeout = Duration.ofMillis(c.collateralTimeoutMs);
        Duration refresh = Duration.ofSeconds(c.collateralRefreshSeconds);
        CollateralStore store = CollateralStore.directory(c.dataPath().resolve("collateral"));
        TdxCollateralSource intel;
        if (c.offlineCollateralDir != null) {
            OfflineTdxCollateralSource offline = OfflineTdxCollateralSource.scan(Path.of(c.offlineCollateralDir));
            intel = offline;
            status.put("intel", () -> Map.of("source", "offline", "platforms", offline.size()));
        } else {
            URI root = URI.create(c.intelRootCaCrlUrl);
            String rootBase = root.getScheme() + "://" + root.getRawAuthority();
            IntelPcsCollateralSource pcs = new IntelPcsCollateralSource(
                    new CollateralFetcher(c.intelPcsUrls.stream().map(URI::create).toList(), timeout),
                    new CollateralFetcher(List.of(URI.create(rootBase)), timeout), root.getRawPath(),
                    store, clock, refresh, LOADERS);
            intel = pcs;
            status.put("intel", pcs::status);
        }
        NvidiaRimServiceSource rims = new NvidiaRimServiceSource(
                new CollateralFetcher(List.of(URI.create(c.nvidiaRimUrl)), timeout), store, clock,
                Duration.ofDays(30), LOADERS);
        status.put("nvidia_rim", rims::status);
        OcspMode mode = OcspMode.valueOf(c.ocspMode.toUpperCase(Locale.ROOT).replace('-', '_'));
        status.put("nvidia_ocsp", () -> Map.of("mode", mode.claim(), "responder", c.nvidiaOcspUrl));
        AmdKdsCollateralSource kds = new AmdKdsCollateralSource(
                new CollateralFetcher(List.of(URI.create(c.amdKdsUrl)), timeout), store, clock, refresh, LOADERS);
        status.put("amd_kds", kds::status);
        verifiers = new EngineEvidenceVerifiers(intel, kds, GpuEvidenceVerifier.builder().build(), rims,
                new CachingOcspSource(new HttpOcspSource(URI.create(c.nvidiaOcspUrl), timeout), clock,
                        Duration.ofSeconds(c.ocspCacheMaxAgeSeconds)), mode);
    }

    public EngineEvidenceVerifiers verifiers() {
        return verifiers;
    }

    /** Freshness of every source for {@code /v1/status}. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        status.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
