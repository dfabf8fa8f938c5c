/**
 * Building DOM from trace data. Every string goes in as a text node (never as markup), so a span
 * name or tool output holding `<script>`, `<img onerror>` or a `javascript:` link shows as the
 * characters it is. Control characters (terminal escapes) are shown as visible symbols.
 */

export type Child = Node | string | number | null | undefined | false | Child[];

export interface Props {
  class?: string;
  title?: string;
  /** Only ever a `#/...` route built by the page, never a value from trace data. */
  href?: string;
  type?: string;
  value?: string;
  placeholder?: string;
  checked?: boolean;
  testid?: string;
  onclick?: (e: MouseEvent) => void;
  oninput?: (e: Event) => void;
  onchange?: (e: Event) => void;
}

// C0 controls except tab and newline, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** A string with its control characters made visible (ESC shows as ␛). */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? "\u2421" : `\\x${code.toString(16)}`;
  });
}

function append(el: Element, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
    return;
  }
  el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(visible(String(child))) : child);
}

/** An element with text-only children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    if (props.class) el.className = props.class;
    if (props.title !== undefined) el.title = visible(props.title);
    if (props.href !== undefined && props.href.startsWith("#")) (el as HTMLAnchorElement).href = props.href;
    if (props.type !== undefined) el.setAttribute("type", props.type);
    if (props.value !== undefined) (el as HTMLInputElement).value = props.value;
    if (props.placeholder !== undefined) (el as HTMLInputElement).placeholder = props.placeholder;
    if (props.checked !== undefined) (el as HTMLInputElement).checked = props.checked;
    if (props.testid !== undefined) el.dataset.testid = props.testid;
    if (props.onclick) el.addEventListener("click", props.onclick as EventListener);
    if (props.oninput) el.addEventListener("input", props.oninput);
    if (props.onchange) el.addEventListener("change", props.onchange);
  }
  for (const c of children) append(el, c);
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  for (const c of children) append(el, c);
}

/** A value as readable JSON (strings as they are). */
export function pretty(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}
