import { InvalidConfigError } from '@connectpay-kit/config';

/** Runs a load that must fail and returns its error (a thrown non-config error fails the test). */
export function invalidConfig(run: () => unknown): InvalidConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error('expected loading to fail with an InvalidConfigError');
}

export function codesByVariable(error: InvalidConfigError): Record<string, string> {
  return Object.fromEntries(error.issues.map((issue) => [issue.variable, issue.code]));
}
