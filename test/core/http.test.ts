import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  HttpError,
  type HttpRequest,
  parseJsonBody,
  type Route,
  serve,
  toggleRequestSchema,
} from '../../core/http.ts';

const request = (over: Partial<HttpRequest>): HttpRequest => ({
  method: 'GET',
  path: '/things',
  headers: {},
  body: null,
  ...over,
});

const routes: Route[] = [
  { method: 'GET', path: '/things', handle: async () => ({ body: { things: [] } }) },
  {
    method: 'POST',
    path: '/things',
    handle: async (r) => ({ statusCode: 201, body: parseJsonBody(r, z.strictObject({ n: z.int() })) }),
  },
  {
    method: 'POST',
    path: '/teapot',
    handle: async () => {
      throw new HttpError(418, 'I am a teapot', ['kettle: missing']);
    },
  },
  {
    method: 'GET',
    path: '/broken',
    handle: async () => {
      throw new Error('secret database password in stack');
    },
  },
];

const answer = async (over: Partial<HttpRequest>) => {
  const unexpected: unknown[] = [];
  const response = await serve(routes, request(over), (e) => unexpected.push(e));
  return { response, body: JSON.parse(response.body), unexpected };
};

describe('serve', () => {
  it('answers a route with JSON', async () => {
    const { response, body } = await answer({});
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(body).toEqual({ things: [] });
  });

  it('ignores a trailing slash and the case of the method', async () => {
    expect((await answer({ method: 'get', path: '/things/' })).response.statusCode).toBe(200);
  });

  it('answers 404 for an unknown path', async () => {
    const { response, body } = await answer({ path: '/nothing' });
    expect(response.statusCode).toBe(404);
    expect(body.message).toContain('/nothing');
  });

  it('answers 405 with the allowed methods for a known path', async () => {
    const { response } = await answer({ method: 'DELETE' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, POST');
  });

  it('passes an HttpError through with its status and errors', async () => {
    const { response, body } = await answer({ method: 'POST', path: '/teapot' });
    expect(response.statusCode).toBe(418);
    expect(body).toEqual({ message: 'I am a teapot', errors: ['kettle: missing'] });
  });

  it('hides an unexpected error behind a 500 and reports it', async () => {
    const { response, body, unexpected } = await answer({ path: '/broken' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(body.errors).toEqual([]);
    expect(unexpected).toHaveLength(1);
  });
});

describe('parseJsonBody', () => {
  it.each([
    ['a missing body', null, 'body: missing'],
    ['a blank body', '  ', 'body: missing'],
    ['a body that is not JSON', '{"n":', 'body: not valid JSON'],
    ['an unknown field', '{"n":1,"x":2}', '(root): unknown field(s) x'],
    ['a wrong type', '{"n":"one"}', 'n: '],
    ['an array', '[1]', '(root): '],
  ])('rejects %s with a 400 naming the field', async (_label, body, expected) => {
    const { response, body: answerBody } = await answer({ method: 'POST', body });
    expect(response.statusCode).toBe(400);
    expect(answerBody.errors[0]).toContain(expected);
  });

  it('returns the parsed body', async () => {
    const { response, body } = await answer({ method: 'POST', body: '{"n":3}' });
    expect(response.statusCode).toBe(201);
    expect(body).toEqual({ n: 3 });
  });
});

describe('toggleRequestSchema', () => {
  it.each([
    [{ action: 'enable' }, { action: 'enable', teardown: false }],
    [
      { action: 'disable', teardown: true },
      { action: 'disable', teardown: true },
    ],
  ])('accepts %j', (input, expected) => {
    expect(toggleRequestSchema.parse(input)).toEqual(expected);
  });

  it.each([
    [{ action: 'restart' }, 'action: must be "enable" or "disable"'],
    [{}, 'action: must be "enable" or "disable"'],
    [{ action: 'disable', teardown: 'yes' }, 'teardown: must be true or false'],
  ])('rejects %j naming the field', (input, expected) => {
    const result = toggleRequestSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toContain(expected);
  });
});
