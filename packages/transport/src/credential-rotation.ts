import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { probeHandshake, type ProbeVerdict } from '@connectpay-kit/certs';
import type { CallEvent, ConnectPayClient, TransportLogger } from './client.js';
import { type ClientCredentials, type CredentialCheck, loadCredentials } from './credentials.js';
import { RotationRefusedError, TransportError } from './errors.js';
import { revealSecret } from './secret.js';

/** What a certificate of a pair is, for people: never key material. */
export interface RotationCertificate {
  /** The leaf's subject, e.g. `CN=merchant-client, O=Shop`. */
  readonly subject: string;
  /** Hex, as ConnectPay compares it with the certificate attached to the DevApp. */
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days until notAfter (negative once expired), at the time of the status. */
  readonly daysLeft: number;
  /** SHA-256 of the leaf, `AB:CD:…`, as the transport logs and metrics name it. */
  readonly leafFingerprint: string;
}

/**
 * Where the staged pair stands:
 * `absent` none configured; `unreadable` its files cannot be read or the key is not the leaf's;
 * `invalid` it fails the provider's certificate rules; `staged` valid and waiting for the switch;
 * `active` switched to (it is now the current pair); `rolled-back` switched to, refused by the
 * provider, and the previous pair restored.
 */
export type NextPairState = 'absent' | 'unreadable' | 'invalid' | 'staged' | 'active' | 'rolled-back';

export interface RotationProbe {
  readonly verdict: ProbeVerdict;
  readonly alert?: string;
  readonly explanation: string;
  readonly action: string;
  readonly at: string;
}

export interface NextPairStatus {
  readonly state: NextPairState;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The files were read and the key belongs to the leaf. */
  readonly loaded: boolean;
  /** No error finding from the provider's certificate rules. */
  readonly valid: boolean;
  /** Why it is `unreadable` or `invalid` (rule ids and messages, file problems). */
  readonly problems: readonly string[];
  readonly certificate?: RotationCertificate;
  /** The last TLS handshake with the environment's mTLS host presenting this pair (no API request). */
  readonly probe?: RotationProbe;
  /** Ready to take over: loaded, valid and accepted in the last handshake probe (or already active). */
  readonly ready: boolean;
  /** When the switch is scheduled (`_SWITCH_AT`), while it has not happened. */
  readonly switchAt?: string;
}

export interface RotationSwitch {
  readonly at: string;
  readonly trigger: 'schedule' | 'admin';
  readonly from: string;
  readonly to: string;
  /** When the first mTLS call presenting the new certificate got an answer from the provider. */
  readonly confirmedAt?: string;
}

export interface RotationRollback {
  readonly at: string;
  readonly reason: string;
  /** The refused leaf and the leaf restored. */
  readonly from: string;
  readonly to: string;
}

export interface RotationStatus {
  readonly current?: RotationCertificate;
  readonly next: NextPairStatus;
  /** Switched, and no mTLS call has confirmed the new certificate yet: a refusal now rolls back. */
  readonly onProbation: boolean;
  readonly lastSwitch?: RotationSwitch;
  readonly lastRollback?: RotationRollback;
  /** The last switch that was due or asked for and did not happen, and why. */
  readonly lastRefusal?: { readonly at: string; readonly trigger: 'schedule' | 'admin'; readonly reason: string };
}

export interface CredentialRotationOptions {
  readonly client: ConnectPayClient;
  /** The pair the client presents now (the one it was created with). */
  readonly current?: ClientCredentials;
  /** `CONNECTPAY_<ENV>_NEXT_CLIENT_CERT_FILE` / `_NEXT_CLIENT_KEY_FILE`. */
  readonly next?: { readonly certFile: string; readonly keyFile: string };
  /** `CONNECTPAY_<ENV>_SWITCH_AT`: the instant agreed with ConnectPay's dev support. */
  readonly switchAt?: Date;
  /** The provider's certificate rules (certsCredentialCheck with the trust the service uses for reloads). */
  readonly check?: CredentialCheck;
  /** The environment's mTLS host to probe the next pair against; without it nothing is probed. */
  readonly probe?: {
    readonly url: string;
    /** Extra trust for the server's certificate (CONNECTPAY_<ENV>_CA_FILE). */
    readonly caPem?: string;
    readonly timeoutMs?: number;
    /** How often the next pair's files are re-read and the pair probed again. Default 15 min. */
    readonly intervalMs?: number;
  };
  /** Calls that must get an answer presenting the new certificate before a refusal stops meaning "roll back". Default 1. */
  readonly confirmAfterCalls?: number;
  readonly logger?: TransportLogger;
  /** The client now presents `credentials` (after a switch or a rollback): health pages follow it. */
  readonly onCurrentChange?: (credentials: ClientCredentials) => void;
  readonly now?: () => Date;
}

interface Pair {
  readonly credentials: ClientCredentials;
  readonly certificate: Omit<RotationCertificate, 'daysLeft'>;
}

const DAY_MS = 86_400_000;
/** Longest single timer: Node's setTimeout overflows past 2^31-1 ms, and a wall clock may jump. */
const MAX_TIMER_MS = 60 * 60 * 1000;
const DEFAULT_PROBE_INTERVAL_MS = 15 * 60 * 1000;

export const ROTATION_LOG = {
  staged: 'next client certificate staged',
  notUsable: 'next client certificate not usable',
  probed: 'next client certificate probed',
  switched: 'client certificate switched to the next pair',
  confirmed: 'the provider accepted the new client certificate',
  rolledBack: 'client certificate switch rolled back: the provider refused the new certificate',
  refused: 'client certificate switch did not happen',
} as const;

/**
 * Staged rotation of the mTLS client certificate. ConnectPay checks on every request that the serial
 * number and common name of the handshake's certificate equal those of the certificate attached to
 * the DevApp (connectpay-api-facts.md §9), so a renewed certificate must not be presented before
 * ConnectPay attached it. This holds the current pair and a staged next pair: the next pair is
 * loaded, checked against the provider's rules and probed with a TLS handshake, but never used for
 * calls until the switch, at `switchAt` or by `switchNow()`. After a switch the first mTLS calls are
 * watched: a certificate refusal of the new pair restores the previous one at once, so at most the
 * calls in flight on the new pair fail.
 */
export class CredentialRotation {
  private readonly now: () => Date;
  private current: Pair | undefined;
  private previous: Pair | undefined;
  private next: Pair | undefined;
  private nextText: string | undefined;
  private nextState: NextPairState;
  private problems: readonly string[] = [];
  private probeResult: RotationProbe | undefined;
  private probation: { confirmations: number } | undefined;
  private lastSwitch: RotationSwitch | undefined;
  private lastRollback: RotationRollback | undefined;
  private lastRefusal: RotationStatus['lastRefusal'];
  private scheduleFired = false;
  private switching = false;
  private refreshing: Promise<void> | undefined;
  private probing: Promise<void> | undefined;
  private switchTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly stopObserving: () => void;

  constructor(private readonly options: CredentialRotationOptions) {
    this.now = options.now ?? (() => new Date());
    this.current = options.current ? pairOf(options.current) : undefined;
    this.nextState = options.next ? 'unreadable' : 'absent';
    this.stopObserving = options.client.observeCalls((event) => this.observe(event));
  }

  /**
   * Loads and checks the next pair, arms the scheduled switch and starts probing it (`probe()` waits
   * for that probe). Never throws for the pair itself: what is wrong with it is in `status()`.
   */
  async start(): Promise<RotationStatus> {
    await this.load();
    this.armSwitch();
    void this.probe();
    const interval = this.options.probe?.intervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    if (this.options.next && !this.closed) {
      this.refreshTimer = setInterval(() => void this.refresh(), interval);
      // A staged certificate must never be what keeps a process alive after a graceful shutdown.
      this.refreshTimer.unref();
    }
    return this.status();
  }

  /** Re-reads the next pair's files (checked again when they changed) and probes it again. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load()
      .then(() => this.probe())
      .then(() => undefined)
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Probes the staged pair with a TLS handshake (joining a probe already running); resolves to the status after it. */
  async probe(): Promise<RotationStatus> {
    this.probing ??= this.probeNext().finally(() => (this.probing = undefined));
    await this.probing;
    return this.status();
  }

  /** The current pair changed outside the rotation (its files were rewritten and reloaded). */
  currentReloaded(credentials: ClientCredentials): void {
    this.current = pairOf(credentials);
    // The identity the probation was about is gone: a refusal now says nothing about the switch.
    this.probation = undefined;
    this.previous = undefined;
    if (this.next && this.next.certificate.leafFingerprint === this.current.certificate.leafFingerprint) {
      this.nextState = 'active';
    }
  }

  /** The pair the client presents now, e.g. for a handshake probe; undefined without mTLS. */
  presented(): ClientCredentials | undefined {
    return this.current?.credentials;
  }

  status(): RotationStatus {
    const now = this.now();
    const live = (pair: Pair | undefined): RotationCertificate | undefined =>
      pair
        ? {
            ...pair.certificate,
            daysLeft: Math.floor((Date.parse(pair.certificate.notAfter) - now.getTime()) / DAY_MS),
          }
        : undefined;
    const next = this.options.next;
    const certificate = live(this.next);
    const current = live(this.current);
    const loaded = this.next !== undefined;
    const valid = this.nextState === 'staged' || this.nextState === 'active' || this.nextState === 'rolled-back';
    const switchAt =
      this.options.switchAt && !this.scheduleFired && this.nextState !== 'active'
        ? this.options.switchAt.toISOString()
        : undefined;
    return {
      ...(current ? { current } : {}),
      next: {
        state: this.nextState,
        ...(next ? { certFile: next.certFile, keyFile: next.keyFile } : {}),
        loaded,
        valid: loaded && valid,
        problems: this.problems,
        ...(certificate ? { certificate } : {}),
        ...(this.probeResult ? { probe: this.probeResult } : {}),
        ready: this.nextState === 'active' || (this.nextState === 'staged' && this.probeResult?.verdict === 'accepted'),
        ...(switchAt ? { switchAt } : {}),
      },
      onProbation: this.probation !== undefined,
      ...(this.lastSwitch ? { lastSwitch: this.lastSwitch } : {}),
      ...(this.lastRollback ? { lastRollback: this.lastRollback } : {}),
      ...(this.lastRefusal ? { lastRefusal: this.lastRefusal } : {}),
    };
  }

  /**
   * Presents the next pair from now on. Refused (RotationRefusedError) when no valid next pair is
   * staged or a switch is running; a pair the client's check refuses keeps the current one. A probe
   * verdict other than "accepted" does not stop it: ConnectPay may attach the new certificate at the
   * agreed instant itself, and the watch after the switch rolls back if it did not.
   */
  async switchNow(trigger: 'schedule' | 'admin' = 'admin'): Promise<RotationStatus> {
    const staged = this.next;
    try {
      if (this.closed) throw new RotationRefusedError('The service is shutting down.');
      if (this.switching) throw new RotationRefusedError('A switch to the next client certificate is already running.');
      if (!staged || this.nextState === 'absent' || this.nextState === 'unreadable' || this.nextState === 'invalid') {
        throw new RotationRefusedError(
          this.options.next
            ? `No valid next client certificate is staged (${this.nextState}${this.problems.length > 0 ? `: ${this.problems.join('; ')}` : ''}).`
            : 'No next client certificate is configured: set CONNECTPAY_<ENV>_NEXT_CLIENT_CERT_FILE and _NEXT_CLIENT_KEY_FILE.',
        );
      }
      if (this.nextState === 'active')
        throw new RotationRefusedError('The next client certificate is already the one in use.');
    } catch (error) {
      this.refuse(trigger, error as TransportError);
      throw error;
    }
    this.switching = true;
    clearTimeout(this.switchTimer);
    const from = this.current;
    try {
      await this.options.client.reloadCredentials(staged.credentials);
    } catch (error) {
      const typed =
        error instanceof TransportError
          ? error
          : new TransportError('TRANSPORT_CREDENTIALS_REJECTED', 'The next client certificate could not be loaded.');
      this.refuse(trigger, typed);
      throw typed;
    } finally {
      this.switching = false;
    }
    this.previous = from;
    this.current = staged;
    this.nextState = 'active';
    this.probation = { confirmations: 0 };
    this.lastSwitch = {
      at: this.now().toISOString(),
      trigger,
      from: from?.certificate.leafFingerprint ?? 'none',
      to: staged.certificate.leafFingerprint,
    };
    this.options.logger?.info(
      {
        trigger,
        from: this.lastSwitch.from,
        to: this.lastSwitch.to,
        serialNumber: staged.certificate.serialNumber,
        subject: staged.certificate.subject,
        notAfter: staged.certificate.notAfter,
        probe: this.probeResult?.verdict ?? 'not probed',
      },
      ROTATION_LOG.switched,
    );
    if (this.probeResult?.verdict !== 'accepted') {
      this.options.logger?.warn(
        { probe: this.probeResult?.verdict ?? 'not probed' },
        'switched to a client certificate the last probe did not see accepted: the first calls decide, and a refusal rolls back',
      );
    }
    this.options.onCurrentChange?.(staged.credentials);
    return this.status();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.switchTimer);
    clearInterval(this.refreshTimer);
    this.stopObserving();
  }

  private refuse(trigger: 'schedule' | 'admin', error: TransportError): void {
    this.lastRefusal = { at: this.now().toISOString(), trigger, reason: error.message };
    this.options.logger?.warn({ trigger, code: error.code, reason: error.message }, ROTATION_LOG.refused);
  }

  private observe(event: CallEvent): void {
    const probation = this.probation;
    const current = this.current;
    if (!probation || !current || event.clientCertificate !== current.certificate.leafFingerprint) return;
    if (event.errorCode === 'TRANSPORT_CLIENT_CERT_REFUSED') {
      this.rollBack(event);
      return;
    }
    // An answer from the provider's application (not a 401/403, which may be its serial/CN check)
    // proves the handshake with the new certificate went through.
    if (event.status === undefined || event.status === 401 || event.status === 403) return;
    probation.confirmations += 1;
    if (probation.confirmations < (this.options.confirmAfterCalls ?? 1)) return;
    this.probation = undefined;
    if (this.lastSwitch) this.lastSwitch = { ...this.lastSwitch, confirmedAt: this.now().toISOString() };
    this.previous = undefined;
    this.options.logger?.info(
      { leafFingerprint: current.certificate.leafFingerprint, api: event.api },
      ROTATION_LOG.confirmed,
    );
  }

  /** Synchronous up to the swap: the calls dispatched after the refusal already present the previous pair. */
  private rollBack(event: CallEvent): void {
    const previous = this.previous;
    const refused = this.current;
    this.probation = undefined;
    if (!previous || !refused) return;
    this.options.client
      .reloadCredentials(previous.credentials, { check: false })
      .catch((error: unknown) =>
        this.options.logger?.warn(
          { code: error instanceof TransportError ? error.code : 'UNKNOWN' },
          'restoring the previous client certificate failed',
        ),
      );
    this.current = previous;
    this.previous = undefined;
    this.nextState = 'rolled-back';
    const cause = event.error?.message ?? event.errorCode ?? 'certificate refused';
    this.lastRollback = {
      at: this.now().toISOString(),
      reason: `ConnectPay refused the new client certificate on ${event.api} (request ${event.requestId}): ${cause}`,
      from: refused.certificate.leafFingerprint,
      to: previous.certificate.leafFingerprint,
    };
    this.options.logger?.warn(
      {
        from: this.lastRollback.from,
        to: this.lastRollback.to,
        api: event.api,
        requestId: event.requestId,
        reason: this.lastRollback.reason,
      },
      ROTATION_LOG.rolledBack,
    );
    this.options.onCurrentChange?.(previous.credentials);
  }

  private async load(): Promise<void> {
    const files = this.options.next;
    if (!files || this.closed) return;
    let text: string;
    let credentials: ClientCredentials;
    try {
      const [certChainPem, privateKeyPem] = await Promise.all([
        readFile(files.certFile, 'utf8'),
        readFile(files.keyFile, 'utf8'),
      ]);
      text = `${certChainPem}\0${privateKeyPem}`;
      credentials = { certChainPem, privateKeyPem };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.markUnusable('unreadable', [
        `the next pair's files cannot be read (${typeof code === 'string' ? code : 'unknown error'}): ${files.certFile}, ${files.keyFile}`,
      ]);
      return;
    }
    // Unchanged files are not checked again; a pair in use or rolled back keeps its state.
    if (text === this.nextText) return;
    this.nextText = text;
    this.probeResult = undefined;
    let pair: Pair;
    try {
      pair = pairOf(credentials);
    } catch (error) {
      this.next = undefined;
      this.markUnusable('unreadable', [error instanceof Error ? error.message : String(error)]);
      return;
    }
    this.next = pair;
    if (this.current && pair.certificate.leafFingerprint === this.current.certificate.leafFingerprint) {
      this.problems = [];
      this.nextState = 'active';
      return;
    }
    let problems: readonly string[];
    try {
      problems = this.options.check ? await this.options.check(credentials) : [];
    } catch (error) {
      problems = [`the certificate rules could not run: ${error instanceof Error ? error.message : String(error)}`];
    }
    if (problems.length > 0) {
      this.markUnusable('invalid', problems);
      return;
    }
    this.problems = [];
    this.nextState = 'staged';
    this.options.logger?.info(
      {
        leafFingerprint: pair.certificate.leafFingerprint,
        serialNumber: pair.certificate.serialNumber,
        subject: pair.certificate.subject,
        notAfter: pair.certificate.notAfter,
        switchAt: this.options.switchAt?.toISOString() ?? 'none (admin call)',
      },
      ROTATION_LOG.staged,
    );
  }

  private markUnusable(state: 'unreadable' | 'invalid', problems: readonly string[]): void {
    const changed = this.nextState !== state || this.problems.join('\n') !== problems.join('\n');
    this.nextState = state;
    this.problems = problems;
    if (changed) this.options.logger?.warn({ state, problems }, ROTATION_LOG.notUsable);
  }

  private async probeNext(): Promise<void> {
    const probe = this.options.probe;
    const pair = this.next;
    if (!probe || !pair || this.nextState !== 'staged' || this.closed) return;
    try {
      const report = await probeHandshake({
        url: probe.url,
        certificateChainPem: pair.credentials.certChainPem,
        privateKeyPem: revealSecret(pair.credentials.privateKeyPem),
        ...(probe.caPem ? { caPem: probe.caPem } : {}),
        timeoutMs: probe.timeoutMs ?? 5000,
        // A status page does not need the CA names, and a service should not spawn openssl.
        askOpenSslForCaNames: false,
      });
      if (this.next !== pair) return;
      const before = this.probeResult?.verdict;
      this.probeResult = {
        verdict: report.verdict,
        ...(report.alert ? { alert: report.alert } : report.inferredAlert ? { alert: report.inferredAlert } : {}),
        explanation: report.cause.explanation,
        action: report.cause.action,
        at: this.now().toISOString(),
      };
      const fields = {
        verdict: report.verdict,
        alert: this.probeResult.alert,
        leafFingerprint: pair.certificate.leafFingerprint,
      };
      if (report.verdict === 'accepted') {
        if (before !== 'accepted') this.options.logger?.info(fields, ROTATION_LOG.probed);
      } else if (before !== report.verdict) {
        this.options.logger?.warn({ ...fields, explanation: report.cause.explanation }, ROTATION_LOG.probed);
      }
    } catch (error) {
      this.options.logger?.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'probing the next client certificate failed',
      );
    }
  }

  private armSwitch(): void {
    clearTimeout(this.switchTimer);
    const at = this.options.switchAt;
    if (!at || this.scheduleFired || this.closed) return;
    const remaining = at.getTime() - this.now().getTime();
    if (remaining <= 0) {
      this.scheduleFired = true;
      if (this.nextState === 'active') return;
      this.switchNow('schedule').catch(() => undefined); // refusals are logged and kept in lastRefusal
      return;
    }
    // Re-armed in steps: the clock is read again at each, so a long wait or a clock change stays right.
    this.switchTimer = setTimeout(() => this.armSwitch(), Math.min(remaining, MAX_TIMER_MS));
    this.switchTimer.unref();
  }
}

/** Parses the pair (the key must be the leaf's) and describes its leaf. */
function pairOf(credentials: ClientCredentials): Pair {
  const loaded = loadCredentials(credentials);
  const leafPem =
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(credentials.certChainPem)?.[0] ?? '';
  const leaf = new X509Certificate(leafPem);
  return {
    credentials,
    certificate: {
      subject: leaf.subject.split('\n').join(', '),
      serialNumber: leaf.serialNumber.toUpperCase(),
      notBefore: new Date(leaf.validFrom).toISOString(),
      notAfter: loaded.notAfter.toISOString(),
      leafFingerprint: loaded.leafFingerprint,
    },
  };
}
