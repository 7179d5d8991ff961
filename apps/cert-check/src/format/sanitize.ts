/**
 * Certificate names are attacker-controlled bytes. Before they reach a terminal, control characters
 * (ANSI escapes could rewrite the screen or fake an "OK") and bidi overrides are shown as \u escapes.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function safeText(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line: newlines and tabs from certificate fields must not break the one-line-per-finding layout. */
export function safeLine(text: string): string {
  return safeText(text).replace(/[\n\t]/g, (char) => (char === '\n' ? '\\n' : '\\t'));
}
