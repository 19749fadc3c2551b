import { createHash } from 'node:crypto';

/** The one stylesheet of the server's small pages, allowed by its digest (no 'unsafe-inline'). */
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1d2b24}' +
  'h1{font-size:1.6rem}code,pre{background:#eef3ef;padding:.1rem .3rem;border-radius:3px}pre{padding:.6rem;overflow-x:auto}' +
  'a{color:#0b6e4f}label{display:block;margin:.6rem 0 .2rem}input{font:inherit;padding:.3rem;width:100%;max-width:22rem}' +
  'button{font:inherit;margin-top:.8rem;padding:.4rem 1rem}#result{margin-top:1rem;font-weight:600}';
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Scripts only from this server (the account-link page's), styles only the one above, nothing framed or posted. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; script-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** A whole page; `body` is trusted HTML the caller built with escapeHtml around every value. */
export function htmlPage(title: string, body: string, script?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style>${script ? `<script src="${script}" defer></script>` : ''}</head>
<body>${body}</body></html>
`;
}
