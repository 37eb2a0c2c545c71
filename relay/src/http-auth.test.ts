import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { errorBody, HttpError, sendHttpError } from './errors';
import { authenticate, principalOf } from './http-auth';
import type { AccountStore, Principal } from './store/accounts';

const PUBLISHER: Principal = { kind: 'publisher', name: 'ci', topics: ['ci'], tokenHash: 'h1' };
const READER: Principal = {
  kind: 'session',
  name: 'ada',
  topics: ['**'],
  act: [],
  tokenHash: 'h2',
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r));
  server = undefined;
});

/** A route behind `authenticate`, over a store that counts its token checks. */
async function serve(kind: Principal['kind'], authenticateFirst = true) {
  const checks: string[] = [];
  const accounts = {
    authenticate: async (token: string) => {
      checks.push(token);
      return token === 'pub' ? PUBLISHER : token === 'read' ? READER : null;
    },
  } as AccountStore;
  const app = express();
  const route: express.RequestHandler = (_req, res) => {
    const who = principalOf(res, kind);
    res.json({ name: who.name });
  };
  if (authenticateFirst) app.post('/x', authenticate(accounts, kind), express.json(), route);
  else app.post('/x', express.json(), route);
  app.use(((err, _req, res, _next) => {
    sendHttpError(res, err instanceof HttpError ? err : new HttpError('internal', 'wiring'));
  }) as express.ErrorRequestHandler);
  server = createServer(app);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  const post = async (token?: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: '{}',
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { post, checks };
}

describe('authenticate / principalOf', () => {
  it('checks the token once and hands the principal to the route', async () => {
    const { post, checks } = await serve('publisher');
    expect(await post('pub')).toEqual({ status: 200, body: { name: 'ci' } });
    expect(checks).toEqual(['pub']);
  });

  it('401 without a token or with an unknown one, 403 for the other kind of token', async () => {
    const { post } = await serve('publisher');
    const missing = await post();
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(errorBody(new HttpError('unauthorized', 'missing bearer token')));
    expect((await post('nope')).status).toBe(401);
    const reader = await post('read');
    expect(reader.status).toBe(403);
    expect(reader.body).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('a route that reads the principal without authenticate() first is a 500, not a pass', async () => {
    const { post, checks } = await serve('publisher', false);
    expect((await post('pub')).status).toBe(500);
    expect(checks).toEqual([]);
  });
});
