import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../dashboard/client/config.ts';
import { dashboardCsp, dashboardHtml } from '../../dashboard/page.ts';
import { serveDashboard } from '../../dashboard/route.ts';

const html = dashboardHtml();
const only = (pattern: RegExp): string => {
  const matches = [...html.matchAll(pattern)];
  expect(matches).toHaveLength(1);
  return matches[0]![1]!;
};
const script = only(/<script>([\s\S]*?)<\/script>/g);
const style = only(/<style>([\s\S]*?)<\/style>/g);
const markup = html.replace(script, '').replace(style, '');
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The element names, in order, of every start and end tag; void elements have no end tag. */
function unbalancedTags(source: string): string[] {
  const VOID = new Set(['meta', 'link', 'input', 'br', 'img', 'hr']);
  const open: string[] = [];
  const problems: string[] = [];
  for (const [, slash, name] of source.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const tag = name!.toLowerCase();
    if (VOID.has(tag)) continue;
    if (!slash) open.push(tag);
    else if (open.pop() !== tag) problems.push(`</${tag}> closes the wrong element`);
  }
  return [...problems, ...open.map((tag) => `<${tag}> never closed`)];
}

describe('dashboard page', () => {
  it('is one HTML document with its elements properly nested', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(markup).toContain('<meta charset="utf-8">');
    expect(unbalancedTags(markup)).toEqual([]);
    const ids = [...markup.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is self-contained: no external script, stylesheet, image or URL', () => {
    const references = [...markup.matchAll(/\b(?:src|href|action)\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
    expect(references).toEqual(['data:,']);
    // The bundle keeps its libraries' licence comments (which name their home pages); nothing else has a URL.
    expect(markup).not.toMatch(/https?:\/\//);
    expect(script.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')).not.toMatch(/https?:\/\//);
    expect(style).not.toMatch(/@import|url\(/);
  });

  it('has a script the browser can parse, that never ends its own element early', () => {
    expect(() => new Script(script)).not.toThrow();
    expect(script).not.toMatch(/<\/script/i);
  });

  it('reads exactly the contract GET routes and posts only to the contract POST routes', () => {
    expect(Object.values(ROUTES).sort()).toEqual(
      [
        '/spot-instances',
        '/_local/state',
        '/_local/executions',
        '/_local/history',
        '/spot-provisioning',
        '/_local/interrupt',
        '/_local/capacity',
        '/_local/market',
      ].sort(),
    );
    const inScript = new Set(
      [...script.matchAll(/["'](\/(?:spot-|_local\/)[a-z_/-]*)["']/g)].map((m) => m[1]),
    );
    expect(inScript).toEqual(new Set(Object.values(ROUTES)));
  });

  it('never turns server data into markup', () => {
    expect(script).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/,
    );
    expect(markup).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('lets only its own inline script and style run (CSP by hash)', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${dashboardCsp()}">`);
    expect(dashboardCsp()).toContain(`script-src ${hash(script)}`);
    expect(dashboardCsp()).toContain(`style-src ${hash(style)}`);
    expect(dashboardCsp()).toContain("connect-src 'self'");
    expect(dashboardCsp()).toContain("default-src 'none'");
  });
});

describe('serveDashboard', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (serveDashboard(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('fallthrough');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(['/', '/index.html', '/dashboard', '/dashboard/', '/dashboard?tab=runs'])(
    'serves the page on GET %s',
    async (path) => {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toBe(dashboardCsp());
      expect(await res.text()).toBe(html);
    },
  );

  it('answers HEAD with the headers only', async () => {
    const res = await fetch(`${base}/dashboard`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(html)));
    expect(await res.text()).toBe('');
  });

  it('answers another method on its paths with a 405 naming the allowed ones', async () => {
    const res = await fetch(`${base}/dashboard`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.json()).toEqual({
      message: 'Method POST is not allowed on /dashboard',
      errors: ['method: use GET'],
    });
  });

  it.each(['/spot-instances', '/_local/state', '/dashboards', '/favicon.ico'])(
    'leaves %s to the server',
    async (path) => {
      const res = await fetch(`${base}${path}`);
      expect([res.status, await res.text()]).toEqual([404, 'fallthrough']);
    },
  );
});
