/**
 * SigV4 signing checked against AWS's published Signature Version 4 test suite
 * (AWS General Reference, "Signature Version 4 test suite", aws-sig-v4-test-suite: each case's `.req`
 * request and `.authz` Authorization header), with the suite's fixed date, region, service and credentials.
 */
import { describe, expect, it } from 'vitest';
import { type PlainRequest, signRequest } from '../../cli/sigv4.ts';

const SUITE = {
  region: 'us-east-1',
  service: 'service',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  signingDate: new Date('2015-08-30T12:36:00Z'),
};
const HOST = 'https://example.amazonaws.com';
const authz = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;

describe('signRequest against the AWS SigV4 test suite', () => {
  it.each<{ name: string; request: PlainRequest; authorization: string }>([
    {
      name: 'get-vanilla',
      request: { method: 'GET', url: `${HOST}/`, headers: {} },
      authorization: authz(
        'host;x-amz-date',
        '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      ),
    },
    {
      name: 'get-vanilla-query-order-key-case',
      request: { method: 'GET', url: `${HOST}/?Param2=value2&Param1=value1`, headers: {} },
      authorization: authz(
        'host;x-amz-date',
        'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
      ),
    },
    {
      name: 'get-unreserved',
      request: {
        method: 'GET',
        url: `${HOST}/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz`,
        headers: {},
      },
      authorization: authz(
        'host;x-amz-date',
        '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
      ),
    },
    {
      name: 'get-utf8',
      request: { method: 'GET', url: `${HOST}/ሴ`, headers: {} },
      authorization: authz(
        'host;x-amz-date',
        '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85',
      ),
    },
    {
      name: 'get-header-value-trim',
      request: {
        method: 'GET',
        url: `${HOST}/`,
        headers: { 'my-header1': 'value1', 'my-header2': '"a   b   c"' },
      },
      authorization: authz(
        'host;my-header1;my-header2;x-amz-date',
        'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
      ),
    },
    {
      name: 'post-vanilla',
      request: { method: 'POST', url: `${HOST}/`, headers: {} },
      authorization: authz(
        'host;x-amz-date',
        '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
      ),
    },
    {
      name: 'post-vanilla-query',
      request: { method: 'POST', url: `${HOST}/?Param1=value1`, headers: {} },
      authorization: authz(
        'host;x-amz-date',
        '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
      ),
    },
    {
      name: 'post-x-www-form-urlencoded',
      request: {
        method: 'POST',
        url: `${HOST}/`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Param1=value1',
      },
      authorization: authz(
        'content-type;host;x-amz-date',
        'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
      ),
    },
  ])('signs $name as the suite publishes', async ({ request, authorization }) => {
    const headers = await signRequest(request, SUITE);
    expect(headers.authorization).toBe(authorization);
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });
});

describe('signRequest for the deployed API', () => {
  it('signs for execute-api in the given region, the host and the JSON body included', async () => {
    const headers = await signRequest(
      {
        method: 'POST',
        url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/spot-provisioning',
        headers: { 'content-type': 'application/json' },
        body: '{"action":"enable"}',
      },
      { region: 'eu-west-1', credentials: SUITE.credentials, signingDate: SUITE.signingDate },
    );
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(headers.host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
  });

  it('adds and signs the session token of temporary credentials', async () => {
    const headers = await signRequest(
      { method: 'GET', url: `${HOST}/spot-instances`, headers: {} },
      { ...SUITE, credentials: { ...SUITE.credentials, sessionToken: 'token-1' } },
    );
    expect(headers['x-amz-security-token']).toBe('token-1');
    expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
  });

  it('gives a different signature for a different body', async () => {
    const sign = (body: string) =>
      signRequest({ method: 'POST', url: `${HOST}/`, headers: {}, body }, SUITE).then((h) => h.authorization);
    expect(await sign('{"action":"enable"}')).not.toBe(await sign('{"action":"disable"}'));
  });
});
