/** Longest slug we derive or accept: long enough for a title, short enough for a tidy URL. */
export const SLUG_MAX = 80;

// Letters that NFD does not split into base + accent but that have a customary Latin spelling.
const FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h' };
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Turns a title into a URL slug: lower-case, words joined by dashes, letters and digits of any
 * script kept ("日本語のタイトル" stays readable). Accents come off Latin and Greek letters
 * ("Café Münster" → "cafe-munster"), where readers expect that; other scripts keep their
 * combining marks, which are part of the letters there (Devanagari vowel signs, Cyrillic й).
 * Returns "" when nothing usable is left (a title of only emoji or punctuation).
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/([\p{Script=Latin}\p{Script=Greek}])\p{Mn}+/gu, '$1')
    .replace(FOLDABLE, (ch) => FOLDS[ch]!)
    // "Don't" reads better as "dont" than as "don-t".
    .replace(/['’‘`]/g, '')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .normalize('NFC');
  return truncate(slug);
}

/** Whether `text` is already a slug exactly as slugify would write it. */
export function isSlug(text: string): boolean {
  return text !== '' && slugify(text) === text;
}

// Cut on a grapheme boundary, and at a word boundary when one is reasonably close.
function truncate(slug: string): string {
  const parts = Array.from(graphemes.segment(slug), (s) => s.segment);
  if (parts.length <= SLUG_MAX) return slug;
  const cut = parts.slice(0, SLUG_MAX).join('');
  const dash = cut.lastIndexOf('-');
  return (dash > cut.length / 2 ? cut.slice(0, dash) : cut).replace(/-+$/, '');
}
