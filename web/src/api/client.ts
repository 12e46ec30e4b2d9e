import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { session, signOut } from '@/session';
import { locale } from '@/i18n';

/** A refusal of the API: its code, its message (in the console's language) and the refused fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    if (session.value) request.headers.set('authorization', `Bearer ${session.value.token}`);
    request.headers.set('accept-language', locale.value === 'zh' ? 'zh-CN' : 'en');
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && session.value) signOut();
    return response;
  },
};

/** The one typed client of the API (types generated from its OpenAPI document: `npm run api:types`). */
export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

interface Problem {
  error?: {
    code?: string;
    message?: string;
    details?: { path: string; message: string }[];
    requestId?: string;
  };
}

/** Unwraps an openapi-fetch answer: the data, or an ApiError with the server's reasons. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await call;
  } catch {
    throw new ApiError(
      0,
      'NETWORK',
      locale.value === 'zh' ? '无法连接服务器，请检查网络' : 'The server cannot be reached',
    );
  }
  if (result.response.ok) return result.data as T;
  const e = (result.error as Problem | undefined)?.error;
  throw new ApiError(
    result.response.status,
    e?.code ?? `HTTP_${result.response.status}`,
    e?.message ?? `HTTP ${result.response.status}`,
    e?.details ?? [],
    e?.requestId,
  );
}

/** A file the API sends (CSV, PDF, a document), fetched with the bearer token. */
export async function download(path: string): Promise<Blob> {
  const res = await fetch(path, {
    headers: {
      ...(session.value ? { authorization: `Bearer ${session.value.token}` } : {}),
      'accept-language': locale.value === 'zh' ? 'zh-CN' : 'en',
    },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as Problem;
    throw new ApiError(
      res.status,
      body.error?.code ?? `HTTP_${res.status}`,
      body.error?.message ?? `HTTP ${res.status}`,
    );
  }
  return res.blob();
}

/** Saves a blob under a name (the browser's download). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
