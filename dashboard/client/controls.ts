/** The POST routes behind the buttons: a non-2xx answer shows the server's message and field errors. */
import { byId, errorText, fill, h } from './dom.ts';

function showMessage(kind: 'ok' | 'error' | 'pending', text: string, errors: unknown[] = []): void {
  const box = byId('message');
  box.className = kind;
  const extra = errors.filter((e): e is string => typeof e === 'string' && !text.includes(e));
  fill(
    box,
    text,
    extra.length
      ? h(
          'ul',
          null,
          extra.map((e) => h('li', null, e)),
        )
      : null,
  );
}

/** The server's JSON answer, or null when it is not JSON (a proxy's error page, say). */
function parseBody(text: string): { message?: unknown; errors?: unknown } | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}

export type Send = (
  path: string,
  body: unknown,
  label: string,
  button?: HTMLButtonElement,
) => Promise<boolean>;

/** A `send` that posts JSON, reports the outcome in #message and then asks for a refresh. */
export function makeSend(refresh: () => unknown): Send {
  return async (path, body, label, button) => {
    if (button) button.disabled = true;
    showMessage('pending', `${label} …`);
    let ok = false;
    try {
      const res = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      const json = parseBody(text);
      const message = json && typeof json.message === 'string' ? json.message : text || res.statusText;
      ok = res.ok;
      if (ok) showMessage('ok', `${label}: ${message}`);
      else
        showMessage(
          'error',
          `${label} failed (HTTP ${res.status}): ${message}`,
          json && Array.isArray(json.errors) ? json.errors : [],
        );
    } catch (err) {
      showMessage('error', `${label} failed: ${errorText(err)}`);
    } finally {
      if (button) button.disabled = false;
    }
    void refresh();
    return ok;
  };
}
