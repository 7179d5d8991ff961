export type RevocationStatus = 'good' | 'revoked' | 'unknown';

/** The revocation status of one input certificate. */
export interface RevocationResult {
  /** Input index of the certificate. */
  readonly index: number;
  readonly status: RevocationStatus;
  /** Where the answer came from: "CRL given in options", a CRL URL, or an OCSP URL. */
  readonly source?: string;
  readonly revokedAt?: Date;
  /** CRLReason name (keyCompromise, superseded, …) when the CA gave one. */
  readonly reason?: string;
  /** Why the status is unknown (offline, no endpoint, timeout, stale CRL, …). */
  readonly detail?: string;
  /** Why a CRL given by the caller for this certificate's issuer cannot be relied on (path.crl). */
  readonly crlDefects?: readonly string[];
}

export interface RevocationOptions {
  readonly offline: boolean;
  readonly timeoutMs: number;
  readonly at: Date;
}
