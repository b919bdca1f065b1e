// Keys generated in this tab, so "Use this group" can put the one just made into its snippet.
// Memory only: gone on reload, never written to storage (a key is shown once by design).

export interface FreshKey {
  keyId: string;
  key: string;
  label: string;
}

const fresh: FreshKey[] = [];

export function rememberFreshKey(key: FreshKey): void {
  if (!fresh.some((k) => k.keyId === key.keyId)) fresh.push(key);
}

export function forgetFreshKey(keyId: string): void {
  const at = fresh.findIndex((k) => k.keyId === keyId);
  if (at >= 0) fresh.splice(at, 1);
}

export function freshKeys(): readonly FreshKey[] {
  return [...fresh];
}
