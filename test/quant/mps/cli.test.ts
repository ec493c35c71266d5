import { describe, expect, it } from 'vitest';
import { runMpsCommand } from '../../../src/cli/commands/mps.js';

describe('tsdnas mps: bad configurations fail before any work', () => {
  it('names the option and what is allowed', () => {
    expect(() => runMpsCommand(['--dataset', 'ecg200', '--precisions', '0'])).toThrow(/--precisions: 0 bits alone/);
    expect(() => runMpsCommand(['--dataset', 'ecg200', '--precisions', '1,4'])).toThrow(/--precisions: unknown weight precision 1/);
    expect(() => runMpsCommand(['--dataset', 'ecg200', '--act-precisions', '4,4'])).toThrow(/--act-precisions: duplicate/);
    expect(() => runMpsCommand(['--dataset', 'ecg200', '--sampling', 'argmax'])).toThrow(/sampling/);
    expect(() => runMpsCommand(['--dataset', 'ecg200', '--cost', 'latency'])).toThrow(/--cost latency is a hardware cost; give --target/);
    expect(() => runMpsCommand(['--dataset', 'ecg200', 'extra'])).toThrow(/unexpected argument 'extra'/);
  });
});
