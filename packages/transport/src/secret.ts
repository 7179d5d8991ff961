/**
 * A secret as transport accepts it: a plain string or anything with `reveal()` (config's `Secret`).
 * Transport never depends on config, so it names the shape rather than the class.
 */
export type SecretInput = string | { reveal(): string };

export function revealSecret(secret: SecretInput): string {
  return typeof secret === 'string' ? secret : secret.reveal();
}
