import { describe, expect, it } from 'vitest';
import { labelTableCells } from './table-labels';

describe('labelTableCells', () => {
  it('gives every cell without a label its column header, counting colspans', () => {
    document.body.innerHTML = `
      <table><thead><tr><th>Deployment</th><th colspan="2">Requests</th><th>p50</th></tr></thead>
      <tbody><tr><td>nebius</td><td>3</td><td>0</td><td data-label="Median">12 ms</td></tr></tbody></table>`;
    labelTableCells(document.body);
    const labels = [...document.querySelectorAll('td')].map((td) => td.getAttribute('data-label'));
    expect(labels).toEqual(['Deployment', 'Requests', 'Requests', 'Median']);
  });
});
