import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ConnectPayClient, TransportLogger } from './client.js';
import type { ClientCredentials } from './credentials.js';
import { TransportError } from './errors.js';

export interface CredentialWatchOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** Waits this long after the last change, so a cert and key written one after the other load together. */
  readonly debounceMs?: number;
  /** The new identity is active; `credentials` is the pair that was loaded (for health pages). */
  readonly onReload?: (identity: { leafFingerprint: string; notAfter: Date }, credentials: ClientCredentials) => void;
  /** A refused or unreadable pair: the old identity stays active. */
  readonly onError?: (error: TransportError) => void;
  /**
   * Where a reload (leaf fingerprint and expiry) and a refusal (code and reason) are logged, so every
   * service that watches its files reports rotation the same way. Never key material.
   */
  readonly logger?: TransportLogger;
}

export interface CredentialWatcher {
  close(): void;
}

/**
 * Reloads the mTLS identity when its files change, as they do when cert-manager or a secret mount
 * rotates them. The folders are watched, not the files: such tools replace files by rename (or swap a
 * symlinked folder), which a watch on the old inode would miss.
 */
export function watchCredentials(client: ConnectPayClient, options: CredentialWatchOptions): CredentialWatcher {
  const names = new Set([basename(options.certFile), basename(options.keyFile)]);
  const folders = [...new Set([dirname(options.certFile), dirname(options.keyFile)])];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let lastLoaded = read();

  function read(): string {
    try {
      return readFileSync(options.certFile, 'utf8') + '\0' + readFileSync(options.keyFile, 'utf8');
    } catch {
      return '';
    }
  }

  const reload = () => {
    timer = undefined;
    const current = read();
    if (current === '' || current === lastLoaded) return;
    const [certChainPem = '', privateKeyPem = ''] = current.split('\0');
    client.reloadCredentials({ certChainPem, privateKeyPem }).then(
      (identity) => {
        lastLoaded = current;
        options.logger?.info(
          { leafFingerprint: identity.leafFingerprint, notAfter: identity.notAfter.toISOString() },
          'client certificate reloaded from its files',
        );
        options.onReload?.(identity, { certChainPem, privateKeyPem });
      },
      (error: unknown) => {
        // A check still running at close() ends after it: a service shutting down does not report it.
        if (closed) return;
        const typed =
          error instanceof TransportError
            ? error
            : new TransportError(
                'TRANSPORT_CREDENTIALS_REJECTED',
                'The rotated client certificate could not be loaded.',
              );
        options.logger?.warn(
          { code: typed.code, reason: typed.message },
          'rotated client certificate refused; keeping the current one',
        );
        options.onError?.(typed);
      },
    );
  };

  const watchers: FSWatcher[] = folders.map((folder) =>
    watch(folder, (_event, file) => {
      // `file` is null on some platforms; symlink swaps (`..data`) rename other entries: reload anyway.
      if (file !== null && !names.has(file.toString()) && !file.toString().startsWith('..')) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(reload, options.debounceMs ?? 250);
    }),
  );
  // Watching must never be what keeps a process alive after a graceful shutdown.
  for (const watcher of watchers) watcher.unref();

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
