// On a phone, tables are drawn as cards (pages.css): each cell shows its column's name from
// `data-label`. Cells that did not set one get their column header's text, so no card shows a
// bare "3" or "0" whatever table it came from.

function headerTexts(table: HTMLTableElement): string[] {
  const row = table.tHead?.rows[0];
  if (!row) return [];
  const texts: string[] = [];
  for (const cell of Array.from(row.cells)) {
    const text = (cell.textContent ?? '').trim();
    for (let i = 0; i < cell.colSpan; i += 1) texts.push(text);
  }
  return texts;
}

export function labelTableCells(root: ParentNode): void {
  for (const table of Array.from(root.querySelectorAll<HTMLTableElement>('table'))) {
    const headers = headerTexts(table);
    if (headers.length === 0) continue;
    for (const body of Array.from(table.tBodies)) {
      for (const row of Array.from(body.rows)) {
        let column = 0;
        for (const cell of Array.from(row.cells)) {
          const label = headers[column];
          if (label && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', label);
          column += cell.colSpan;
        }
      }
    }
  }
}

/** Keeps `root`'s tables labelled as React adds rows; returns the disconnect. */
export function keepTablesLabelled(root: HTMLElement): () => void {
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    // Once per frame, however many rows a render added.
    requestAnimationFrame(() => {
      queued = false;
      labelTableCells(root);
    });
  });
  labelTableCells(root);
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
