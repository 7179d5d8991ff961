// PEM scanning tolerant of what people actually send: CRLF, blank lines, indentation, `openssl x509
// -text` output or bag attributes between blocks, and RFC 1421 headers inside legacy key blocks.

export interface PemBlock {
  /** The label between BEGIN and the dashes, e.g. "CERTIFICATE", "RSA PRIVATE KEY". */
  readonly label: string;
  /** The base64 body with whitespace and RFC 1421 header lines removed. */
  readonly body: string;
  /** 1-based line of the BEGIN marker. */
  readonly line: number;
}

export interface PemScan {
  readonly blocks: readonly PemBlock[];
  /** BEGIN markers without a matching END marker. */
  readonly unterminated: readonly { readonly label: string; readonly line: number }[];
}

const BEGIN = /-----BEGIN ([A-Z0-9][A-Z0-9 #._-]{0,60})-----/g;

export function scanPem(text: string): PemScan {
  const blocks: PemBlock[] = [];
  const unterminated: { label: string; line: number }[] = [];
  const lineAt = lineCounter(text);
  BEGIN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = BEGIN.exec(text)) !== null) {
    const label = match[1] as string;
    const bodyStart = match.index + match[0].length;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, bodyStart);
    const nextBegin = text.indexOf('-----BEGIN ', bodyStart);
    if (end === -1 || (nextBegin !== -1 && nextBegin < end)) {
      unterminated.push({ label, line: lineAt(match.index) });
      continue;
    }
    blocks.push({ label, body: cleanBody(text.slice(bodyStart, end)), line: lineAt(match.index) });
    BEGIN.lastIndex = end + endMarker.length;
  }
  return { blocks, unterminated };
}

function cleanBody(raw: string): string {
  if (!raw.includes(':')) return raw.replace(/\s+/g, '');
  return raw
    .split(/\r\n|\r|\n/)
    .filter((line) => !/^[A-Za-z-]+:/.test(line.trim()))
    .join('')
    .replace(/\s+/g, '');
}

/** Strict base64: returns undefined for anything `Buffer.from(…, 'base64')` would silently accept. */
export function decodeBase64Strict(body: string): Uint8Array | undefined {
  if (body.length === 0 || body.length % 4 !== 0) return undefined;
  // Node's decoder accepts the URL alphabet and skips characters outside the alphabet, so a character
  // check plus a length check (every skipped or early-terminating character shortens the output) is exact.
  if (body.includes('-') || body.includes('_')) return undefined;
  const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
  const decoded = Buffer.from(body, 'base64');
  if (decoded.length !== (body.length / 4) * 3 - padding) return undefined;
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}

function lineCounter(text: string): (index: number) => number {
  let line = 1;
  let position = 0;
  return (index: number) => {
    // Blocks are visited in order, so counting forward from the previous position is linear overall.
    for (; position < index; position++) if (text.charCodeAt(position) === 10) line++;
    return line;
  };
}
