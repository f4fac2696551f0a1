import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './httpError';

/**
 * Reads a JSON request body of at most `limit` bytes, and never more. Used instead of
 * `express.json()`, whose body-parser reads a refused body to its end before it answers (an endless
 * chunked body got no answer at all). Here the body is cut the moment it passes the limit: the 413
 * goes out, reading stops, and the error handler closes the connection (`Connection: close`) since
 * the request was not read to its end. A declared `Content-Length` over the limit is refused before
 * this runs; auth and the content type are judged before it too.
 *
 * Accepts UTF-8 JSON whose top level is an object or an array (as `strict` body-parser did); an
 * absent body leaves `req.body` undefined.
 */
export function jsonBody(limit: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const declared = req.headers['content-length'];
    const hasBody = (declared !== undefined && Number(declared) > 0) || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) {
      next();
      return;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      next(new HttpError(415, 'unsupported content encoding: send the body uncompressed', 'Content-Encoding'));
      return;
    }
    const charset = /charset=([^;]+)/i
      .exec(req.headers['content-type'] ?? '')?.[1]
      ?.trim()
      .toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      next(new HttpError(415, 'unsupported charset: send UTF-8 JSON', 'Content-Type'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: HttpError | null, body?: unknown) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) {
        req.pause();
        next(error);
        return;
      }
      req.body = body;
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        settle(new HttpError(413, `the request body is too large (the limit is ${limit} bytes)`, 'body'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        settle(new HttpError(400, 'the request body is not valid JSON', 'body'));
        return;
      }
      if (typeof value !== 'object' || value === null) {
        settle(new HttpError(400, 'the request body is not valid JSON: send an object', 'body'));
        return;
      }
      settle(null, value);
    };
    const onError = () => settle(new HttpError(400, 'the request was aborted', 'body'));
    const onAborted = onError;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  };
}
