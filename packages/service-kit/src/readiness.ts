/** One line of a readiness answer. */
export interface ReadinessCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/** What a service's `/health/ready` answers (200 when `status` is `ready`, 503 otherwise). */
export interface ReadinessReport<Check extends ReadinessCheck = ReadinessCheck> {
  readonly status: 'ready' | 'not_ready';
  readonly environment: string;
  /** Names of the checks that fail and gate readiness. */
  readonly failing: readonly string[];
  readonly checks: Readonly<Record<string, Check>>;
}

/**
 * The verdict on a service's checks: `failing` names each check that fails, but for one marked
 * `gating: false` (reported, never making the service unready); ready when none does.
 */
export function judgeReadiness<Check extends ReadinessCheck & { readonly gating?: boolean }>(
  environment: string,
  checks: Readonly<Record<string, Check>>,
): ReadinessReport<Check> {
  const failing = Object.entries(checks)
    .filter(([, check]) => check.gating !== false && !check.ok)
    .map(([name]) => name);
  return { status: failing.length === 0 ? 'ready' : 'not_ready', environment, failing, checks };
}

/**
 * Whether `subject` (storage, a database) answers `ping` within `timeoutMs`: "<subject> answers", or
 * "<subject> does not answer (<code>)" with the error's code when it has one (`TIMEOUT` when too slow).
 */
export async function pingCheck(
  ping: () => Promise<unknown>,
  subject: string,
  timeoutMs: number,
): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })), timeoutMs);
      }),
    ]);
    return { ok: true, detail: `${subject} answers` };
  } catch (error) {
    const code = (error as { code?: unknown } | null | undefined)?.code;
    return { ok: false, detail: `${subject} does not answer${typeof code === 'string' ? ` (${code})` : ''}` };
  } finally {
    clearTimeout(timer);
  }
}
