/** The process exit codes, the CLI's contract with scripts and CI jobs. */
export const ExitCode = {
  /** No error finding (warnings and infos allowed). */
  ok: 0,
  /** At least one error finding (or, for `expiry`, a chain under the threshold). */
  findings: 1,
  /** Usage error, unreadable file, or no certificate in it: nothing could be checked. */
  unusable: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The most severe of several outcomes: "could not check" outranks "found errors" outranks "fine". */
export function worstExitCode(codes: Iterable<ExitCode>): ExitCode {
  let worst: ExitCode = ExitCode.ok;
  for (const code of codes) if (code > worst) worst = code;
  return worst;
}
