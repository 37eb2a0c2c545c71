import { describe, expect, it } from 'vitest';
import { bottleneck } from './bottleneck';

describe('bottleneck', () => {
  it('names the process that had no room left', () => {
    expect(bottleneck({ serverCpuCores: 0.2, serverRunqueueWait: 0.1, clientCpuCores: 1.05 })).toBe(
      'client',
    );
    expect(bottleneck({ serverCpuCores: 0.96, clientCpuCores: 0.5 })).toBe('server');
    expect(bottleneck({ serverCpuCores: 0.5, serverRunqueueWait: 0.5, clientCpuCores: 0.46 })).toBe(
      'server',
    );
    expect(bottleneck({ serverCpuCores: 1.2, clientCpuCores: 0.95 })).toBe('server + client');
    expect(bottleneck({ serverCpuCores: 0.34, serverRunqueueWait: 0, clientCpuCores: 0.67 })).toBe(
      'neither',
    );
  });
});
