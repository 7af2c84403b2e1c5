/**
 * Starts the service (src/main.ts, web only) as a child process on loopback for load scripts:
 * warn-level logs, the demo data, a known admin password, default rate limits and one trusted
 * proxy hop, so that the load generator can speak for many residents (X-Forwarded-For).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type ChildServer } from './harness';

export const ADMIN_PASSWORD = 'load-test-admin-Pw1!';
const ROOT = path.resolve(__dirname, '..', '..');

export function startService(uri: string, options: { nodeArgs?: string[]; env?: Record<string, string> } = {}): Promise<ChildServer> {
  return startServer(
    path.join(ROOT, 'src', 'main.ts'),
    {
      MONGODB_URI: uri,
      SERVICES: 'web',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'load-service-')),
      SEED_DEMO_DATA: 'true',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD,
      OPENAI_API_KEY: '',
      // Chat clients send each conversation from its own address (scripts/load/texts.ts), so
      // the default rate limits apply, as to residents behind one proxy.
      TRUST_PROXY_HOPS: '1',
      ...(options.env ?? {}),
    },
    '/readyz',
    options.nodeArgs ?? [],
  );
}
