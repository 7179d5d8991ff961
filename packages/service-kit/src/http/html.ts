const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

/**
 * The services' one page frame, for people in a browser: no script and no external resource, so it
 * renders anywhere (and behind CSP-strict proxies), and no referrer leaves with a link. `body` is
 * HTML the caller escaped; `style` adds CSS rules.
 */
export function htmlPage(title: string, body: string, style = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:70rem;padding:1.5rem;color:#1c2430;background:#fafbfc;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem;border-bottom:1px solid #dde3ea;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e6eaef;vertical-align:top}
th{font-weight:600;color:#4a5668}code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em;background:#eef1f5;padding:.05rem .3rem;border-radius:3px}
.muted{color:#6b7788}.badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.8rem;font-weight:600}
.ok{background:#dcf5e3;color:#17623a}.warn{background:#fff1d6;color:#7a4d00}.bad{background:#fde0e0;color:#8c1c1c}
${style}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A short page in the same frame: a title and plain-text paragraphs (escaped here), in a narrow column. */
export function messagePage(title: string, paragraphs: readonly string[]): string {
  const body = [`<h1>${escapeHtml(title)}</h1>`, ...paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`)];
  return htmlPage(title, body.join('\n'), 'body{max-width:40rem;margin-top:1.5rem}');
}
