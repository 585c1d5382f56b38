import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('configuration of the side effects', () => {
  it('sweeps expired holds hourly and waits up to 2 s for read-your-writes by default', () => {
    expect(loadConfig({})).toMatchObject({ holdSweepSeconds: 3600, readYourWritesMs: 2000 });
  });

  it('takes STRATA_HOLD_SWEEP_SECONDS and STRATA_READ_YOUR_WRITES_MS (0: answer at once), and names a bad value', () => {
    expect(loadConfig({ STRATA_HOLD_SWEEP_SECONDS: '60', STRATA_READ_YOUR_WRITES_MS: '0' })).toMatchObject({ holdSweepSeconds: 60, readYourWritesMs: 0 });
    expect(() => loadConfig({ STRATA_HOLD_SWEEP_SECONDS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ STRATA_READ_YOUR_WRITES_MS: 'soon' })).toThrow(/STRATA_READ_YOUR_WRITES_MS="soon": expected a whole number from 0 to 30000/);
  });
});
