import { afterEach, describe, expect, it, vi } from 'vitest';
import { skipWithout } from './tools.ts';

describe('skipWithout', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('runs the tests when the tool is there', () => {
    vi.stubEnv('CI', 'true');
    expect(skipWithout('chromium', true, 'apt-get install -y chromium')).toBe(false);
  });

  it('skips on a developer machine without the tool', () => {
    vi.stubEnv('CI', '');
    expect(skipWithout('chromium', false, 'apt-get install -y chromium')).toBe(true);
  });

  it('fails under CI=true without the tool, naming it and how to install it', () => {
    vi.stubEnv('CI', 'true');
    expect(() => skipWithout('chromium', false, 'apt-get install -y chromium')).toThrow(
      'CI=true and chromium is missing: apt-get install -y chromium',
    );
  });
});
