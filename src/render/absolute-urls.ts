import { rewriteHtml, type ElementRewrite } from './rewrite-html.js';

/** One URL made absolute against `base`; what cannot be parsed is left as written. */
function absolute(url: string, base: string): string {
  const trimmed = url.trim();
  if (trimmed === '') return url;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return url;
  }
}

/**
 * `a.png 1x, /b.png 2x` with each candidate's URL made absolute and its descriptor kept, split
 * as the HTML standard does: a URL runs to whitespace (a trailing comma ends the candidate), its
 * descriptors run to the next comma, so commas inside a URL survive.
 */
function absoluteSrcset(srcset: string, base: string): string {
  const candidates: string[] = [];
  const pattern = /[\s,]*(\S+)/y;
  let at = 0;
  for (let match = pattern.exec(srcset); match; match = pattern.exec(srcset)) {
    let url = match[1]!;
    at = pattern.lastIndex;
    let descriptor = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      const comma = srcset.indexOf(',', at);
      const end = comma === -1 ? srcset.length : comma + 1;
      descriptor = srcset.slice(at, comma === -1 ? end : comma).trim();
      at = end;
    }
    candidates.push(descriptor ? `${absolute(url, base)} ${descriptor}` : absolute(url, base));
    pattern.lastIndex = at;
  }
  return candidates.join(', ');
}

const withAbsolute = (names: readonly string[], base: string): ElementRewrite => (tagName, attribs) => {
  const out = { ...attribs };
  for (const name of names) if (out[name] !== undefined) out[name] = absolute(out[name], base);
  if (out.srcset !== undefined) out.srcset = absoluteSrcset(out.srcset, base);
  return { tagName, attribs: out };
};

/** The element rewrites that make URLs absolute against `baseUrl`, for a pass that also does others. */
export function absoluteUrlRewrites(baseUrl: string): Record<'a' | 'img' | 'source', ElementRewrite> {
  return { a: withAbsolute(['href'], baseUrl), img: withAbsolute(['src'], baseUrl), source: withAbsolute(['src'], baseUrl) };
}

/**
 * Makes the links and images of a post's HTML absolute, for places that show it away from the
 * web page (mail, the feed), where `/posts` or `img/a.png` would lead nowhere. `baseUrl` is the
 * address the HTML is shown at on the web (the post's page under PUBLIC_URL), so every URL
 * resolves exactly as a browser resolves it there: `/posts` to the site's archive, `#notes` to
 * that part of the post. Absolute URLs and `mailto:` links stay as they are.
 */
export function absoluteUrls(html: string, baseUrl: string): string {
  return rewriteHtml(html, absoluteUrlRewrites(baseUrl));
}
