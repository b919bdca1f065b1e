import { resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';

// Injected from the UI's node_modules (Playwright runs with frontend/ as its directory): no network.
const AXE_PATH = resolve(process.cwd(), 'node_modules/axe-core/axe.min.js');

export interface Clipped {
  what: string;
  text: string;
  why: string;
}

/**
 * Text a user cannot read or reach: an element that cuts its own content off (overflow hidden
 * or clip with scrollWidth > clientWidth), or text past the viewport's edge with no scroll
 * container (nor a pannable diagram) to bring it into view.
 */
export async function clippedText(page: Page): Promise<Clipped[]> {
  return page.evaluate(() => {
    const found: { what: string; text: string; why: string }[] = [];
    const width = document.documentElement.clientWidth;
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const visible = (el: Element) => {
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      return style.visibility !== 'hidden' && style.display !== 'none' && rect.width > 1 && rect.height > 1;
    };
    const ownText = (el: Element) =>
      [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
    const scrolls = (el: Element) => {
      const { overflowX } = getComputedStyle(el);
      return (overflowX === 'auto' || overflowX === 'scroll') && el.scrollWidth > el.clientWidth;
    };
    // A pannable, zoomable diagram: its content is reachable by dragging, not by scrolling.
    const pannable = (el: Element) => el.classList.contains('react-flow');
    // Screen-reader-only text (the phone cards' hidden table head, .visually-hidden): clipped on purpose.
    const isVisuallyHidden = (el: Element) => {
      for (let up: Element | null = el; up; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') return true;
        if (style.position === 'absolute' && up.getBoundingClientRect().width <= 1) return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('body *')) {
      if (!(el instanceof HTMLElement) || !visible(el) || isVisuallyHidden(el)) continue;
      if (el.closest('.react-flow, svg, [aria-hidden="true"], option, select')) continue;
      const style = getComputedStyle(el);
      const cuts = style.overflowX === 'hidden' || style.overflowX === 'clip';
      if (cuts && el.scrollWidth > el.clientWidth + 1 && (el.textContent ?? '').trim()) {
        // Only when the cut-off part holds text (not a decorative bar).
        const inner = [...el.querySelectorAll('*'), el].some((child) => {
          if (!ownText(child)) return false;
          const r = child.getBoundingClientRect();
          const box = el.getBoundingClientRect();
          return r.right > box.right + 1 || r.left < box.left - 1;
        });
        if (inner) found.push({ what: describe(el), text: (el.textContent ?? '').trim().slice(0, 60), why: 'cut off by overflow' });
      }
      const text = ownText(el);
      if (!text) continue;
      const rect = el.getBoundingClientRect();
      if (rect.right <= width + 1 && rect.left >= -1) continue;
      let reachable = false;
      for (let up = el.parentElement; up; up = up.parentElement) {
        if (scrolls(up) || pannable(up)) {
          reachable = true;
          break;
        }
      }
      if (!reachable) found.push({ what: describe(el), text: text.slice(0, 60), why: `outside the ${width} px viewport` });
    }
    if (document.documentElement.scrollWidth > width + 1) {
      found.push({ what: 'html', text: '', why: `the page scrolls sideways (${document.documentElement.scrollWidth} px)` });
    }
    return found;
  });
}

export async function expectNothingClipped(page: Page, where: string): Promise<void> {
  expect(await clippedText(page), `clipped text on ${where}`).toEqual([]);
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousA11yViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

export async function expectAccessible(page: Page, where: string): Promise<void> {
  expect(await seriousA11yViolations(page), `serious/critical axe violations on ${where}`).toEqual([]);
}
