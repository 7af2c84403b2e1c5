import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedAll } from '../../src/modules/seed/seed.service';
import { startTestDatabase, type TestDatabase } from './db';

/** The demo data in a fresh database, with the app listening on a real port. */
export interface DemoServer {
  db: TestDatabase;
  server: Server;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Stops the server (dropping open SSE and keep-alive connections first), then the database. */
  stop(): Promise<void>;
}

/** Anything with Koa's `callback()`, whatever its state type. */
export interface HttpApp {
  callback(): http.RequestListener;
}

// Tests that need a real port (browsers, event streams, raw HTTP) all start the same way; supertest alone needs no port.
export async function startDemoServer(app: HttpApp): Promise<DemoServer> {
  const db = await startTestDatabase();
  try {
    await seedAll({ demo: true });
    const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      db,
      server,
      base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      async stop() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await db.stop();
      },
    };
  } catch (err) {
    // afterAll never sees a half-started server: stop the database here rather than leave it running.
    await db.stop();
    throw err;
  }
}
