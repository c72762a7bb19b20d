// Mounts one source on every framework we support, so a behaviour is tested through each:
// Express 4 and 5, Koa 2 and 3 (npm aliases), and the core on bare node:http.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import express4 from 'express4';
import express5 from 'express5';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { hubspotFunctions as expressFunctions } from '../../adapters/express';
import { hubspotFunctions as koaFunctions } from '../../adapters/koa';
import { createRequestListener, type AllOptions, type FunctionsHost, type FunctionsWarning, type LogRecord } from '../../src/index';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface MountedApp {
  /** What supertest takes: `request(mounted.app)`. */
  app: Handler;
  host: FunctionsHost;
  close(): Promise<void>;
}

export interface Framework {
  name: 'express4' | 'express5' | 'koa2' | 'koa3' | 'node:http';
  mount(source: string | string[], options?: AllOptions): MountedApp;
}

function expressFramework(name: 'express4' | 'express5', make: typeof express5): Framework {
  return {
    name,
    mount(source, options) {
      const app = make();
      const mw = expressFunctions(source, options);
      app.use(mw as never);
      // What the host app answers for paths that are not ours (SPEC R12).
      app.use((req, res) => {
        res.status(404).json({ from: 'host-app', path: req.path });
      });
      return { app: app as unknown as Handler, host: mw.host, close: () => mw.close() };
    },
  };
}

function koaFramework(name: 'koa2' | 'koa3', Make: typeof Koa3): Framework {
  return {
    name,
    mount(source, options) {
      const app = new Make();
      const mw = koaFunctions(source, options);
      app.use(mw as never);
      app.use((ctx) => {
        ctx.status = 404;
        ctx.body = { from: 'host-app', path: ctx.path };
      });
      return { app: app.callback() as Handler, host: mw.host, close: () => mw.close() };
    },
  };
}

const nodeHttp: Framework = {
  name: 'node:http',
  mount(source, options) {
    const listener = createRequestListener(source, options);
    const app: Handler = (req, res) => {
      void listener(req, res, () => {
        const body = JSON.stringify({ from: 'host-app', path: (req.url ?? '').split('?')[0] });
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(body);
      });
    };
    return { app, host: listener.host, close: () => listener.close() };
  },
};

export const frameworks: readonly Framework[] = [
  expressFramework('express4', express4 as unknown as typeof express5),
  expressFramework('express5', express5),
  koaFramework('koa2', Koa2 as unknown as typeof Koa3),
  koaFramework('koa3', Koa3),
  nodeHttp,
];

/** Options every integration test starts from: no stderr noise, records and warnings collected. */
export function quiet(extra: AllOptions = {}): { options: AllOptions; records: LogRecord[]; warnings: FunctionsWarning[] } {
  const records: LogRecord[] = [];
  const warnings: FunctionsWarning[] = [];
  return {
    // Inline unless a test asks for workers: these suites test translation, not isolation.
    options: { isolation: 'inline', onLog: (r) => records.push(r), onWarning: (w) => warnings.push(w), ...extra },
    records,
    warnings,
  };
}

/** The absolute path of a fixture folder under test/fixtures. */
export const fixture = (name: string): string => join(__dirname, '..', 'fixtures', name);

/** Serves a handler on an ephemeral 127.0.0.1 port, so supertest reuses one server. */
export function listen(handler: Handler): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
