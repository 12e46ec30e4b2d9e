import { session } from '@/session';
import { locale } from '@/i18n';
import { ApiError } from '@/api/client';
import type { paths } from '@/api/schema';

export type UploadedDocument =
  paths['/api/v1/documents']['post']['responses']['200']['content']['application/json'];

/** POST /api/v1/documents with upload progress (fetch has none): resolves with the stored document. */
export function uploadDocument(
  type: string,
  file: File,
  onProgress: (pct: number) => void,
): Promise<UploadedDocument> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/documents');
    if (session.value) xhr.setRequestHeader('authorization', `Bearer ${session.value.token}`);
    xhr.setRequestHeader('accept-language', locale.value === 'zh' ? 'zh-CN' : 'en');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onerror = () =>
      reject(new ApiError(0, 'NETWORK', locale.value === 'zh' ? '上传失败，请检查网络' : 'Upload failed'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as UploadedDocument);
      const e = (
        body as { error?: { code: string; message: string; details?: { path: string; message: string }[] } }
      )?.error;
      reject(
        new ApiError(
          xhr.status,
          e?.code ?? `HTTP_${xhr.status}`,
          e?.message ?? `HTTP ${xhr.status}`,
          e?.details ?? [],
        ),
      );
    };
    const form = new FormData();
    form.append('type', type);
    form.append('file', file);
    xhr.send(form);
  });
}

export const ACCEPTED = ['application/pdf', 'image/jpeg', 'image/png'];
