const counts = new Intl.NumberFormat('en-US');

/** Whole counts with thousands separators ("12,345"). */
export function formatCount(value: number): string {
  return counts.format(value);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A per-token price as dollars per million tokens, the unit providers quote. */
export function perMillionTokens(costPerToken: number | null | undefined): string {
  if (costPerToken == null) return '—';
  const perMillion = costPerToken * 1_000_000;
  return `$${perMillion.toFixed(perMillion < 1 ? 3 : 2)}`;
}

export function typedErrorMessage(outcome: { message: string; fieldErrors?: { field: string; message: string }[] }): string {
  const details = outcome.fieldErrors?.map((f) => `${f.field}: ${f.message}`) ?? [];
  return details.length ? `${outcome.message} (${details.join('; ')})` : outcome.message;
}
