// HTTP in, HTTP out (issue #12): a Node request (with what the framework knows of it) is routed,
// translated into an endpoint request, answered by the pipeline and written byte for byte
// (SPEC R54). Nothing here decides behaviour: routing, translation and the pipeline do.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pipeline, PipelineResult } from '../pipeline/create-pipeline';
import { fromHttpRequest, type EndpointRequest, type FrameworkRequestInfo, type TranslateOptions } from '../request/endpoint-request';
import { writeInternalError } from '../response/error-response';
import { writeResponse } from '../response/write-response';
import type { Router } from '../routing/create-router';
import type { RouteResolution } from '../routing/route-resolution';

/** The HTTP side of a host. */
export interface HttpEdge {
  /**
   * Whether the request is ours (SPEC R12). When it is, it is answered, now or when the function
   * answers, and `done` is called once the answer is written; when it is not, nothing is written.
   * Never throws: a failure of ours costs one request, never the host app.
   */
  serve(req: IncomingMessage, res: ServerResponse, info: FrameworkRequestInfo, done?: () => void): boolean;
}

/** Creates the HTTP edge over the current router and the pipeline. */
export function createHttpEdge(deps: { router(): Router; pipeline: Pipeline; options: TranslateOptions; production: boolean }): HttpEdge {
  const { pipeline, options, production } = deps;

  function fail(res: ServerResponse, requestId: string, error: unknown, done: (() => void) | undefined): void {
    writeInternalError(res, error, requestId, production);
    done?.();
  }

  function write(res: ServerResponse, request: EndpointRequest, result: PipelineResult, done: (() => void) | undefined): void {
    const idHeader: [string, string] = ['x-request-id', request.requestId];
    // A body over the limit was not read to its end: the connection cannot carry another request.
    const close = request.body.type === 'unreadable' && result.response.statusCode === 413;
    try {
      writeResponse(res, result.response, { head: request.method === 'HEAD', extraHeaders: close ? [idHeader, ['Connection', 'close']] : [idHeader] });
    } catch (error) {
      fail(res, request.requestId, error, done);
      return;
    }
    done?.();
  }

  function answer(res: ServerResponse, route: RouteResolution, request: EndpointRequest, done: (() => void) | undefined): void {
    try {
      const answered = pipeline.answer(route, request);
      if (answered instanceof Promise) {
        // write() never throws, so one .then() carries both ways.
        answered.then((result) => write(res, request, result, done), (error: unknown) => fail(res, request.requestId, error, done));
      } else {
        write(res, request, answered, done);
      }
    } catch (error) {
      fail(res, request.requestId, error, done);
    }
  }

  return {
    serve(req, res, info, done) {
      let requestId = '';
      try {
        const route = deps.router().resolve(req.method ?? 'GET', info.path);
        if (route.type === 'not-ours') return false;
        requestId = randomUUID();
        // Only a request that runs a function has its body read (SPEC R23, R24).
        const withBody = route.type === 'endpoint' || route.type === 'app-function';
        const request = fromHttpRequest(req, info, requestId, options, withBody);
        if (request instanceof Promise) request.then((r) => answer(res, route, r, done), (error: unknown) => fail(res, requestId, error, done));
        else answer(res, route, request, done);
      } catch (error) {
        fail(res, requestId || randomUUID(), error, done);
      }
      return true;
    },
  };
}
