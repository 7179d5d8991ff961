import { timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '@connectpay-kit/service-kit';

/** What authenticateCaller asks of a key check. */
export interface KeyCheck {
  accepts(candidate: string | readonly string[] | undefined): boolean;
}

/**
 * The API-key check for requests on one keep-alive connection: the ring's SHA-256 digest comparison
 * once, then, for the next requests on the same connection, a constant-time comparison with the key
 * that connection last had accepted (a SHA-256 per request was about 3% of a proxied call's CPU). A
 * different key on the connection goes through the ring again. The ring cannot change while the
 * process runs, so a key it accepted stays accepted; the remembered key lives as long as its socket,
 * which already holds it in every request's headers.
 */
export class ConnectionKeys {
  private readonly accepted = new WeakMap<object, Buffer>();

  constructor(private readonly ring: KeyRing) {}

  /** The check for requests arriving on `connection`. */
  on(connection: object): KeyCheck {
    return {
      accepts: (candidate) => this.accepts(connection, candidate),
    };
  }

  private accepts(connection: object, candidate: string | readonly string[] | undefined): boolean {
    if (typeof candidate !== 'string' || candidate === '') return false;
    const offered = Buffer.from(candidate, 'utf8');
    const known = this.accepted.get(connection);
    // The length of a key this connection itself presented is no secret to it.
    if (known !== undefined && known.length === offered.length && timingSafeEqual(known, offered)) return true;
    if (!this.ring.accepts(candidate)) return false;
    this.accepted.set(connection, offered);
    return true;
  }
}
