/** Where the CLI writes, so tests can run it in-process and capture both streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stdout is a terminal: colour may be used. Default false. */
  readonly isTTY?: boolean;
  /** The environment colour decisions read (NO_COLOR, TERM). Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Colour only for a person at a terminal: never when piped, never with NO_COLOR set (to anything,
 * see no-color.org; an empty value counts too, since someone set it on purpose) or on a dumb terminal.
 */
export function colourEnabled(io: CliIo): boolean {
  const env = io.env ?? {};
  return io.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}
