/** Levenshtein edit distance between two strings. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The candidate nearest to `input` (case-insensitive), or null when none is reasonably close. */
export function closestMatch(input: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const low = input.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(low, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(input.length / 3)) ? best : null;
}
