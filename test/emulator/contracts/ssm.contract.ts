import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractTarget, TargetFactory } from './target.ts';

export function ssmContract(name: string, makeTarget: TargetFactory): void {
  describe(`SSM contract (${name})`, () => {
    let t: ContractTarget;
    beforeEach(async () => {
      t = await makeTarget();
    });

    it('returns a parameter it stored, with its type and version 1', async () => {
      const ssm = t.clients.ssm(t.region);
      const key = `/${t.unique('p')}/state`;
      const put = await ssm.send(new PutParameterCommand({ Name: key, Value: '{"a":1}', Type: 'String' }));
      const got = await ssm.send(new GetParameterCommand({ Name: key }));
      expect(put.Version).toBe(1);
      expect(got.Parameter).toMatchObject({ Name: key, Value: '{"a":1}', Type: 'String', Version: 1 });
      expect(got.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    });

    it('throws ParameterNotFound for a name never stored', async () => {
      const ssm = t.clients.ssm(t.region);
      const error = await ssm
        .send(new GetParameterCommand({ Name: `/${t.unique('missing')}` }))
        .catch((e) => e);
      expect(error).toBeInstanceOf(ParameterNotFound);
      expect(error.name).toBe('ParameterNotFound');
      expect(error.$metadata.httpStatusCode).toBe(400);
    });

    it('refuses to replace a value without Overwrite (ParameterAlreadyExists) and bumps the version with it', async () => {
      const ssm = t.clients.ssm(t.region);
      const key = `/${t.unique('p')}`;
      await ssm.send(new PutParameterCommand({ Name: key, Value: 'one', Type: 'String' }));
      const refused = await ssm
        .send(new PutParameterCommand({ Name: key, Value: 'two', Type: 'String' }))
        .catch((e) => e);
      const replaced = await ssm.send(
        new PutParameterCommand({ Name: key, Value: 'three', Overwrite: true }),
      );
      const got = await ssm.send(new GetParameterCommand({ Name: key }));
      expect(refused.name).toBe('ParameterAlreadyExists');
      expect(replaced.Version).toBe(2);
      expect(got.Parameter).toMatchObject({ Value: 'three', Version: 2, Type: 'String' });
    });

    it('rejects an empty value with ValidationException', async () => {
      const ssm = t.clients.ssm(t.region);
      const error = await ssm
        .send(new PutParameterCommand({ Name: `/${t.unique('p')}`, Value: '', Type: 'String' }))
        .catch((e) => e);
      expect(error.name).toBe('ValidationException');
    });

    it('holds 4 KB in the Standard tier, 8 KB in the Advanced tier, and lets Intelligent-Tiering choose', async () => {
      const ssm = t.clients.ssm(t.region);
      const [standard, advanced, smart, small] = ['s', 'a', 'i', 'm'].map((k) => `/${t.unique(k)}`);
      const tooBig = await ssm
        .send(new PutParameterCommand({ Name: standard, Value: 'x'.repeat(4097), Type: 'String' }))
        .catch((e) => e);
      expect(tooBig.name).toBe('ValidationException');
      expect(tooBig.message).toMatch(/Standard tier parameters support a maximum parameter value of 4096/);
      try {
        const big = await ssm.send(
          new PutParameterCommand({
            Name: advanced,
            Value: 'x'.repeat(8192),
            Type: 'String',
            Tier: 'Advanced',
          }),
        );
        expect(big.Tier).toBe('Advanced');
        const over = await ssm
          .send(
            new PutParameterCommand({
              Name: advanced,
              Value: 'x'.repeat(8193),
              Overwrite: true,
              Tier: 'Advanced',
            }),
          )
          .catch((e) => e);
        expect(over.name).toBe('ValidationException');
        const chosen = await ssm.send(
          new PutParameterCommand({ Name: smart, Value: 'x'.repeat(5000), Tier: 'Intelligent-Tiering' }),
        );
        expect(chosen.Tier).toBe('Advanced');
        const fits = await ssm.send(
          new PutParameterCommand({ Name: small, Value: 'x', Tier: 'Intelligent-Tiering' }),
        );
        expect(fits.Tier).toBe('Standard');
      } finally {
        for (const name of [advanced, smart, small])
          await ssm.send(new DeleteParameterCommand({ Name: name })).catch(() => undefined);
      }
    });

    it('keeps parameters per region', async () => {
      const key = `/${t.unique('p')}`;
      await t.clients
        .ssm(t.region)
        .send(new PutParameterCommand({ Name: key, Value: 'here', Type: 'String' }));
      const elsewhere = await t.clients
        .ssm(t.otherRegion)
        .send(new GetParameterCommand({ Name: key }))
        .catch((e) => e);
      expect(elsewhere.name).toBe('ParameterNotFound');
    });
  });
}
