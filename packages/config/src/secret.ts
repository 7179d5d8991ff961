import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A value that must never reach a log line, an error message or a serialised config. Every way
 * Node turns an object into text (String(), template literals, JSON.stringify, console.log /
 * util.inspect) yields "[redacted]"; only an explicit `reveal()` hands out the value, so a leak
 * needs a deliberate call that shows up in review.
 */
export class Secret {
  static readonly REDACTED = REDACTED;

  // A private field is invisible to Object.keys, JSON, structuredClone and inspect's default view.
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
