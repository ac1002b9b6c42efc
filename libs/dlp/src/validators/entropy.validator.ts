/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) {
    return 0;
  }
  const counts = new Map<string, number>();
  for (const ch of value) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Looks like a generated credential rather than a word: long enough, at least two character
 * classes, and close to random (a dictionary word or "password123" stays below the bar).
 */
export function looksLikeSecret(value: string): boolean {
  if (value.length < 8) {
    return false;
  }
  const classes =
    Number(/[a-z]/.test(value)) +
    Number(/[A-Z]/.test(value)) +
    Number(/\d/.test(value)) +
    Number(/[^A-Za-z0-9]/.test(value));
  if (classes < 2) {
    return false;
  }
  const threshold = value.length >= 20 ? 3.5 : value.length >= 12 ? 3.0 : 2.75;
  return shannonEntropy(value) >= threshold;
}
