/**
 * Building DOM nodes. Every value from the server reaches the page as text (createElement /
 * textContent), never as parsed HTML.
 */

/** What `fill` and `h` take as children: nodes, text, nested lists; null / undefined / false are skipped. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
};

const flat = (children: readonly Child[]): (Node | string)[] =>
  children.flatMap((child): (Node | string)[] => {
    if (child === null || child === undefined || child === false) return [];
    if (Array.isArray(child)) return flat(child);
    return [child instanceof Node ? child : String(child)];
  });

/** Replaces a node's children. */
export function fill<T extends Element>(node: T, ...children: Child[]): T {
  node.replaceChildren(...flat(children));
  return node;
}

/**
 * Like `fill`, but only when `key` (what the children are built from) changed since the last call: a poll
 * that brings the same data leaves the rows alone (no flicker, no lost selection, nothing detached).
 */
export function fillIfChanged<T extends HTMLElement>(node: T, key: string, children: () => Child[]): T {
  if (node.dataset.key === key) return node;
  node.dataset.key = key;
  return fill(node, ...children());
}

export type Props = Record<string, string | number | boolean | null | undefined | Record<string, string>>;

/** An element with attributes (`class`, `data` as a dataset, the rest as attributes) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = String(value);
    else if (key === 'data' && typeof value === 'object') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  return fill(node, ...children);
}

const STATUS_CLASSES = new Set([
  'DISABLED',
  'PROVISIONING',
  'RUNNING',
  'FAILING_OVER',
  'NOT_AVAILABLE',
  'TEARING_DOWN',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

/** The CSS class of a status (statuses the page does not know get none). */
export const statusClass = (status: string) => (STATUS_CLASSES.has(status) ? status : '');

export const badge = (text: string, kind?: string) =>
  h('span', { class: `badge ${kind ?? statusClass(text)}` }, text);
export const muted = (text: Child) => h('span', { class: 'muted' }, text);
export const emptyRow = (columns: number, text: string) =>
  h('tr', null, h('td', { colspan: columns, class: 'muted' }, text));

export const errorText = (err: unknown) =>
  err && typeof err === 'object' && 'message' in err ? String((err as Error).message) : String(err);
