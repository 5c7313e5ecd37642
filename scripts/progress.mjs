// Progress lines of the long commands (`npm run render`, `npm test`): a duration as people read it.

/**
 * `ms` milliseconds as "4.2s" under a minute, else "3m12s" (or "1h02m05s").
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`formatDuration: ${ms} is not a duration in milliseconds`);
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${s}s` : `${m}m${s}s`;
}
