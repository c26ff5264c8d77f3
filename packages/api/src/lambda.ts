import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LIMITS } from './server.ts';

// API Gateway HTTP API (payload v2, not streaming) ⇄ the Fetch API that yoga speaks. The body
// limit is checked here too: API Gateway itself accepts up to 10 MB.

const tooLarge = (bytes: number): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 413,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({
    errors: [
      {
        message: `the request body is ${bytes} bytes; at most ${LIMITS.bodyBytes}`,
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ],
  }),
});

/** The event as a Request, or the 413 answer when its body is over the limit. */
export const toRequest = (event: APIGatewayProxyEventV2): Request | APIGatewayProxyStructuredResultV2 => {
  const body =
    event.body === undefined ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (body && body.byteLength > LIMITS.bodyBytes) return tooLarge(body.byteLength);
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const method = event.requestContext.http.method;
  return new Request(`https://${event.requestContext.domainName}${event.rawPath}${query}`, {
    method,
    headers,
    ...(body && method !== 'GET' && method !== 'HEAD' && { body }),
  });
};

/** A Response as API Gateway's structured result (text bodies as they are). */
export const toResult = async (response: Response): Promise<APIGatewayProxyStructuredResultV2> => {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    const key = name.toLowerCase();
    if (key !== 'set-cookie') headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  return {
    statusCode: response.status,
    headers,
    body: await response.text(),
    isBase64Encoded: false,
    ...(cookies.length > 0 && { cookies }),
  };
};
