/**
 * The folded form names are searched by: decomposed (NFD) with the accents dropped, lower case,
 * letters NFD keeps whole spelled as their base letters (ø, ß, æ, ł…), and every run of anything
 * but letters and digits one space. "São Paulo" and "sao paulo" fold alike; "Côte d'Ivoire" folds
 * to "cote d ivoire". The same function folds stored names and search terms.
 */
const SPELLED: Record<string, string> = { ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h' };

export function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øßæœłđðþıħ]/g, (letter) => SPELLED[letter]!)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A name's search keys: the folded name from each of its words on (word 0 is the whole name). */
export function searchKeys(name: string): { word: number; key: string }[] {
  const words = foldName(name).split(' ').filter(Boolean);
  return words.map((_, index) => ({ word: index, key: words.slice(index).join(' ') }));
}
