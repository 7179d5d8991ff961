import { probeHandshake, type ProbeReport } from '@connectpay-kit/certs';
import type { ConnectPayConfig } from '@connectpay-kit/config';
import { revealSecret } from '@connectpay-kit/transport';
import type { GatewayRuntime } from '../runtime/gateway-runtime.js';

/** One probe at a time per process: a button pressed twice, or a script in a loop, waits for the same one. */
let running: Promise<ProbeReport> | undefined;

/**
 * A TLS handshake to the environment's mTLS host with the certificate the gateway presents now (after
 * any switch), and nothing else: no API request. Bounded by the probe's own 5 s per connection.
 */
export function probeCurrentCertificate(runtime: GatewayRuntime, config: ConnectPayConfig): Promise<ProbeReport> {
  running ??= (async () => {
    const presented = runtime.rotation.presented();
    try {
      return await probeHandshake({
        url: config.baseUrls.mtls,
        ...(presented
          ? { certificateChainPem: presented.certChainPem, privateKeyPem: revealSecret(presented.privateKeyPem) }
          : {}),
        ...(config.caPem ? { caPem: config.caPem } : {}),
        timeoutMs: 5000,
      });
    } finally {
      running = undefined;
    }
  })();
  return running;
}
